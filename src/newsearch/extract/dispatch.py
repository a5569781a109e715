"""Raw bytes and files to an Article: refuse empty and binary input, then route to the HTML or text-dump side."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from .article import MAX_DOCUMENT_BYTES, Article, ExtractError, refuse_oversize
from .encoding import decode_bytes, is_binary
from .html import extract_html
from .text import strip_text_dump

log = logging.getLogger(__name__)

__all__ = ["extract_bytes", "extract_file", "looks_like_html"]


def looks_like_html(text: str) -> bool:
    """True for text that is an HTML (or XML) page rather than a text dump."""
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<%@")):
        return True
    return len(re.findall(r"</?(html|head|body|div|p|meta|script|span|a)\b", text[:20000], re.I)) >= 5


def extract_bytes(data: bytes, kind: str, name: str | None = None) -> Article:
    """Extract an article from raw bytes of kind "html" or "txt" (HTML is sniffed in "txt" too)."""
    label = name or "input"
    refuse_oversize(len(data))
    if not data or not data.strip():
        raise ExtractError("empty file")
    if is_binary(data):
        raise ExtractError("binary file, not text")
    if kind == "html":
        return extract_html(data)
    text = decode_bytes(data)
    if looks_like_html(text):
        log.debug("%s: text input holds HTML; extracting as HTML", label)
        return extract_html(data)
    return strip_text_dump(text)


def extract_file(path) -> Article:
    """Extract the article from a .html/.htm or text file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:  # refused unread: a huge file would take minutes and memory to load
            refuse_oversize(size)
        data = path.read_bytes()
    except OSError as e:
        raise ExtractError(f"cannot read {path.name}: {e.strerror or e}") from e
    kind = "html" if path.suffix.lower() in (".html", ".htm", ".xhtml") else "txt"
    return extract_bytes(data, kind, name=path.name)
