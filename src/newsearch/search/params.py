"""Search options as users type them, checked the same way by every face (CLI and web)."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["check_range", "parse_date"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: str) -> str:
    """A day as YYYY-MM-DD (surrounding spaces dropped); ValueError with a one-line reason otherwise.

    An absent option is the caller's business: an empty value is an error here.
    """
    text = value.strip()
    if not _DATE.fullmatch(text):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return text


def check_range(date_from: str | None, date_to: str | None) -> None:
    """ValueError when both ends are given (as from `parse_date`) and the range is empty (from after to)."""
    if date_from and date_to and date_from > date_to:
        raise ValueError(f"the start date {date_from} is after the end date {date_to}")
