"""Period presets as Naver offers them (1일, 1주, 1개월, 3개월, 6개월, 1년; 직접입력 is any other range), as the
`from`/`to` days they stand for, counted back from a given today.

A preset resolves to real dates when it is chosen, and the URL keeps the dates, not the preset: a shared or
bookmarked link shows the same articles whenever it is opened. A range that is exactly what a preset gives
today is shown as that preset.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["CUSTOM", "PRESETS", "Preset", "active", "label", "presets", "resolve"]

# code -> (label, months back, days back): the range runs from that day to today, both included.
_BACK = {"1d": ("1일", 0, 1), "1w": ("1주", 0, 7), "1m": ("1개월", 1, 0), "3m": ("3개월", 3, 0),
         "6m": ("6개월", 6, 0), "1y": ("1년", 12, 0)}
PRESETS = tuple(_BACK)
CUSTOM = "custom"  # `active` of a range no preset gives (직접입력)


@dataclass(frozen=True)
class Preset:
    """One preset as of a day: its code, its Korean label and the days it stands for (YYYY-MM-DD)."""

    code: str
    label: str
    date_from: str
    date_to: str


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier, the month's last day when it has no such day (3월 31일 - 1개월: 2월 28/29일)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def resolve(code: str, today: date) -> tuple[str, str]:
    """(from, to) of preset `code` as of `today`; ValueError for an unknown code."""
    if code not in _BACK:
        raise ValueError(f"unknown period {code!r}: one of {', '.join(PRESETS)}")
    _label, months, days = _BACK[code]
    start = _months_before(today, months) - timedelta(days=days)
    return start.isoformat(), today.isoformat()


def presets(today: date) -> list[Preset]:
    """Every preset as of `today`, shortest first."""
    return [Preset(code, _BACK[code][0], *resolve(code, today)) for code in PRESETS]


def active(date_from: str | None, date_to: str | None, today: date) -> str | None:
    """The preset a range is as of `today`, `CUSTOM` for any other range, None for no range (전체)."""
    if not date_from and not date_to:
        return None
    for code in PRESETS:
        if resolve(code, today) == (date_from, date_to):
            return code
    return CUSTOM


def label(code: str | None) -> str | None:
    """A preset's Korean label (None for anything else)."""
    return _BACK[code][0] if code in _BACK else None
