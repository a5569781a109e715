"""Bytes to text: BOMs, declared and sniffed charsets (CP949 and its aliases), detection, binary files."""

from __future__ import annotations

import codecs
import logging
import re

from .lines import HANGUL

log = logging.getLogger(__name__)

__all__ = ["decode_bytes", "is_binary", "sniff_charset"]

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Korean sites label CP949 pages with every historical name; CP949 is the superset that decodes them all.
_KOREAN_ALIASES = {"euc-kr", "euckr", "ks_c_5601-1987", "ks-c-5601-1987", "ksc5601", "ks_c_5601", "x-windows-949",
                   "windows-949", "cp949", "uhc", "ms949", "korean"}
_LATIN_CODECS = {"latin_1", "iso8859-1", "cp1252", "ascii"}


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _KOREAN_ALIASES:
        return "cp949"
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    # "base64", "zlib", "rot13" are codecs too, but not text encodings
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _mostly_hangul(text: str) -> bool:
    """True when the non-ASCII characters are mostly Hangul/CJK, i.e. a CP949 decode looks right."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    good = sum(1 for c in non_ascii if "\uac00" <= c <= "\ud7a3" or "\u3000" <= c <= "\u9fff" or c in "·…‘’“”ⓒ©▲△◆■□▶")
    return good / len(non_ascii) >= 0.6


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes: BOM, then the declared charset if it verifies, then detection; never raises."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    declared_codec = _codec_name(declared)
    # Valid UTF-8 with non-ASCII bytes is almost never an accident, so it beats a (often wrong) label.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared_codec and declared_codec not in ("utf-8", "utf_8"):
        try:
            text = data.decode(declared_codec)
            if declared_codec not in _LATIN_CODECS or not _try_cp949(data):
                return text
        except (UnicodeError, LookupError):  # UnicodeError: "idna" and friends raise the base class
            log.debug("declared charset %s does not decode; detecting", declared)
    text = _try_cp949(data)
    if text is not None:
        return text
    # A few broken bytes (a truncated download, one bad paste) in otherwise Korean text: keep the
    # encoding that leaves the fewest replacement characters rather than let detection pick a
    # single-byte codepage that "decodes" everything into mojibake.
    for enc in ("utf-8", "cp949"):
        text = data.decode(enc, errors="replace")
        if text.count("\ufffd") <= max(1, len(text) // 100) and HANGUL.search(text):
            return text
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except Exception:  # detection is best effort; replacement decoding below always works
        log.debug("charset detection failed", exc_info=True)
    # Mostly-UTF-8 with a few broken bytes is the commonest remaining case.
    return data.decode("utf-8", errors="replace")


def _try_cp949(data: bytes) -> str | None:
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return None
    return text if _mostly_hangul(text) else None


_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"BZh",
                 b"\xd0\xcf\x11\xe0", b"Rar!", b"7z\xbc\xaf")


def is_binary(data: bytes) -> bool:
    """True for bytes that are no text at all: known binary formats, NULs or many control bytes."""
    if data.startswith(_BINARY_MAGIC):
        return True
    if any(data.startswith(bom) for bom, enc in _BOMS if enc.startswith("utf-16") or enc == "utf-32"):
        return False
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)


def sniff_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag of its first 4 KiB, as written."""
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None
