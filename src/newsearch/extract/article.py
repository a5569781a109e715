"""The Article model, the extraction error, date normalisation and the fallback title."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from .lines import DATE_RE

log = logging.getLogger(__name__)

__all__ = ["MAX_DOCUMENT_BYTES", "Article", "ExtractError", "fallback_title", "iso_from_match", "normalise_date",
           "refuse_oversize", "title_from_body"]


@dataclass
class Article:
    """One news article: its own paragraphs and what is known about it."""

    title: str | None
    body: str  # the article's own paragraphs joined by "\n\n"
    date: str | None = None  # ISO 8601 publication date (local time, KST for Korean sites)
    publisher: str | None = None
    reporter: str | None = None  # name only
    url: str | None = None

    def to_dict(self) -> dict:
        """The article as the JSON contract's dict (title, date, publisher, reporter, url, body)."""
        d = asdict(self)
        return {k: d[k] for k in ("title", "date", "publisher", "reporter", "url", "body")}


class ExtractError(ValueError):
    """No article could be extracted; str(e) is a one-line reason."""


# Documents larger than this are refused before any parsing: news pages are well under 1 MiB, and the
# work per document must stay bounded (ingest applies the same limit to files before reading them).
MAX_DOCUMENT_BYTES = 16 * 2**20


def refuse_oversize(size: int) -> None:
    """ExtractError for a document of `size` bytes (or characters) over MAX_DOCUMENT_BYTES."""
    if size > MAX_DOCUMENT_BYTES:
        raise ExtractError(f"document too large ({size / 2**20:.1f} MiB; limit {MAX_DOCUMENT_BYTES // 2**20} MiB)")


# --------------------------------------------------------------------------- dates

_KST = timezone(timedelta(hours=9))


def iso_from_match(m: re.Match) -> str | None:
    """ISO 8601 date (and time, when the match has one) from a `DATE_RE` match; None for an impossible date."""
    try:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        datetime(y, mo, d)
    except ValueError:
        return None
    if m["H"] is None:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    hour, minute = int(m["H"]), int(m["M"])
    ampm = (m["ampm"] or "").lower()
    if ampm in ("오후", "pm") and hour < 12:
        hour += 12
    elif ampm in ("오전", "am") and hour == 12:
        hour = 0
    if hour > 23:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    iso = f"{y:04d}-{mo:02d}-{d:02d}T{hour:02d}:{minute:02d}"
    return iso + (f":{int(m['S']):02d}" if m["S"] else "")


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 local time from a machine date ('2020-08-27T20:27:29+09:00', '20200827', ...).

    Offsets are converted to KST and dropped so that every date in the index compares the same way;
    an unparseable value gives None rather than a guess.
    """
    if not value:
        return None
    value = " ".join(value[:100].split())  # a date is short; a long value is not worth parsing whole
    iso = value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value
    if re.fullmatch(r"\d{8}(\d{4}(\d\d)?)?", value):
        iso = f"{value[:4]}-{value[4:6]}-{value[6:8]}" + (f"T{value[8:10]}:{value[10:12]}" if len(value) >= 12 else "")
        iso += f":{value[12:14]}" if len(value) == 14 else ""
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        m = DATE_RE.search(value)
        if m:
            return iso_from_match(m)
        try:  # RFC 2822, as in RSS and some meta tags: "Thu, 02 May 2024 09:15:00 +0900"
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            log.debug("unparseable date %r ignored", value)
            return None
        iso = "0000-00-00T00:00:00"  # the format below: a time with seconds
    if dt.tzinfo is not None:
        dt = dt.astimezone(_KST).replace(tzinfo=None)
    if "T" not in iso:
        return dt.strftime("%Y-%m-%d")
    seconds = re.search(r"T\d\d:\d\d:\d\d", iso)
    return dt.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")


# --------------------------------------------------------------------------- fallback title

_LEADING_BRACKETS = re.compile(r"^[\[(【<][^\])】>]{2,30}[\])】>]\s*")
_FIRST_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def title_from_body(paragraphs: list[str]) -> str | None:
    """Fallback title: the first sentence of the body, without its dateline."""
    if not paragraphs:
        return None
    text = _LEADING_BRACKETS.sub("", paragraphs[0], count=1)
    sentence = _FIRST_SENTENCE_END.split(text, maxsplit=1)[0]
    return sentence if len(sentence) <= 100 else sentence[:97].rstrip() + "..."


def fallback_title(body: str) -> str | None:
    """The title extraction gives an article whose page or row names none (see `title_from_body`)."""
    return title_from_body(body.split("\n\n", 1)[:1]) if body else None
