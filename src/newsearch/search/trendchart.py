"""A trend drawn: bar geometry for the web's inline SVG (Korean labels) and bars of block characters for a
terminal. Both only read a `Trend` (search/trend.py); the faces turn them into markup or lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .trend import Bucket, Series, Trend, narrowed

BY_KO = {"day": "일별", "week": "주별", "month": "월별", "year": "연도별"}
# The SVG's own units: the chart scales to its box (phone width included) and keeps these proportions.
WIDTH, HEIGHT = 400, 210
LEFT, RIGHT, TOP, BOTTOM = 46, 8, 26, 40
X_LABELS = 6  # at most this many period labels under the bars: more would overlap at phone width
EIGHTHS = " ▏▎▍▌▋▊▉█"
COLORS = ("36", "35", "33", "32", "34", "31")  # ANSI colours of the series, in order


def period_label(start: str, by: str) -> str:
    """The period starting on `start` in Korean: 2021년, 2021년 7월, 2021년 7월 26일 주, 2021년 7월 31일."""
    d = date.fromisoformat(start)
    if by == "year":
        return f"{d.year}년"
    if by == "month":
        return f"{d.year}년 {d.month}월"
    return f"{d.year}년 {d.month}월 {d.day}일" + (" 주" if by == "week" else "")


def short_label(start: str, by: str, one_year: bool) -> str:
    """A period's label under a bar: 2021, 2021.07, 7.26 (21.7.26 when the chart spans several years)."""
    d = date.fromisoformat(start)
    if by == "year":
        return str(d.year)
    if by == "month":
        return f"{d.year}.{d.month:02d}"
    return f"{d.month}.{d.day}" if one_year else f"{d.year % 100:02d}.{d.month}.{d.day}"


def series_label(s: Series) -> str:
    """The series' name for readers (the co-occurrence says it needs all of its queries)."""
    return s.query if s.all_of is None else " · ".join(s.all_of) + " 모두"


def nice_ticks(peak: int) -> list[int]:
    """0 and two or three round values up to at least `peak` (1, 2 or 5 times a power of ten apart)."""
    if peak <= 0:
        return [0, 1]
    step = 1
    while True:
        for m in (1, 2, 5):
            if peak <= 3 * step * m:
                top = -(-peak // (step * m)) * step * m
                return list(range(0, top + 1, step * m))
        step *= 10


@dataclass
class Bar:
    """One period's column: its link's range, its label, and one rectangle per series."""

    start: str
    lo: str  # the `from`/`to` a click narrows the results to
    hi: str
    label: str  # the period in Korean
    summary: str  # what the column says, for screen readers and the tooltip
    x: float  # the column's left edge and width (the link's hit area)
    w: float
    rects: list[tuple[float, float, float, float, int]] = field(default_factory=list)  # x, y, w, h, series


@dataclass
class Chart:
    """What the SVG template draws."""

    width: int
    height: int
    plot: tuple[float, float, float, float]  # left, top, right, bottom
    bars: list[Bar]
    y_ticks: list[tuple[float, str]]  # y, label
    x_labels: list[tuple[float, str]]  # x (middle), label
    by_ko: str  # 월별, 주별, ...
    x_title: str
    y_title: str
    series: list[str]
    rows: list[tuple[Bar, list[Bucket]]]  # the table's rows: a period and each series' bucket


def layout(trend: Trend, date_from: str | None = None, date_to: str | None = None) -> Chart | None:
    """The chart of `trend` (None when it has no periods); each bar links to its period within the filter's
    range `date_from`..`date_to`."""
    series = [s for s in trend.series if s.reason is None]
    if not series or not series[0].buckets:
        return None
    n, k = len(series[0].buckets), len(series)
    left, top, right, bottom = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    ticks = nice_ticks(trend.peak)
    scale = (bottom - top) / ticks[-1]
    slot = (right - left) / n
    gap = min(slot * 0.2, 4.0)
    bars, rows = [], []
    for i, start in enumerate(b.start for b in series[0].buckets):
        lo, hi = narrowed(start, trend.by, date_from, date_to)
        label = period_label(start, trend.by)
        counts = [s.buckets[i] for s in series]
        summary = f"{label}: " + ", ".join(f"{series_label(s)} {b.count:,}건" for s, b in zip(series, counts))
        bar = Bar(start, lo, hi, label, summary, left + i * slot, slot)
        inner = (slot - gap) / k
        for j, b in enumerate(counts):
            h = b.count * scale
            bar.rects.append((round(bar.x + gap / 2 + j * inner, 2), round(bottom - h, 2), round(inner, 2),
                              round(h, 2), j))
        bars.append(bar)
        rows.append((bar, counts))
    years = {b.start[:4] for b in bars}
    every = -(-n // X_LABELS)
    x_labels = [(round(b.x + b.w / 2, 2), short_label(b.start, trend.by, len(years) == 1)) for b in bars[::every]]
    y_ticks = [(round(bottom - t * scale, 2), f"{t:,}") for t in ticks]
    by_ko = BY_KO[trend.by]
    x_title = (f"기간({by_ko}" + (", 월요일 시작" if trend.by == "week" else "")
               + (f", {next(iter(years))}년" if len(years) == 1 and trend.by in ("day", "week") else "") + ")")
    return Chart(WIDTH, HEIGHT, (left, top, right, bottom), bars, y_ticks, x_labels, by_ko, x_title, "기사 수(건)",
                 [series_label(s) for s in series], rows)


# -- terminal -------------------------------------------------------------------------------------


def _block(value: int, peak: int, width: int) -> str:
    """A bar of `value` out of `peak` in `width` cells, to an eighth of a cell (a thin mark for 1 and up)."""
    if value <= 0 or peak <= 0:
        return ""
    eighths = max(1, round(value / peak * width * 8))
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def _period(start: str, by: str) -> str:
    return {"day": start, "week": start, "month": start[:7], "year": start[:4]}[by]


def terminal(trend: Trend, width: int = 80, color: bool = False) -> list[str]:
    """The trend as text lines: a heading, then per series its totals and one bar a period (scaled to the
    highest bar of all series, so that series compare)."""
    span = f", {trend.date_from} .. {trend.date_to}" if trend.date_from else ""
    lines = [f"articles per {trend.by}{span}", "(in brackets: stories, copies of a wire story counted once)"]
    peak = trend.peak
    label_w = 10 if trend.by in ("day", "week") else len(_period("2000-01-01", trend.by))
    count_w = len(f"{peak:,}")
    bar_w = max(10, width - label_w - 2 * count_w - 8)  # the line: label, bar, count and (stories)
    for i, s in enumerate(trend.series):
        name = s.query if s.all_of is None else " & ".join(s.all_of) + " (all of them)"
        lines.append("")
        if s.reason is not None:
            lines.append(f"{name}: {s.reason_text}")
            continue
        undated = f"; {s.undated.articles:,} undated" if s.undated.articles else ""
        lines.append(f"{name}: {s.total:,} articles, {s.stories:,} stories{undated}")
        on, off = (f"\x1b[{COLORS[i % len(COLORS)]}m", "\x1b[0m") if color else ("", "")
        for b in s.buckets:
            bar = _block(b.count, peak, bar_w)
            lines.append(f"  {_period(b.start, trend.by):<{label_w}} {on}{bar}{off}{' ' * (bar_w - len(bar))} "
                         f"{b.count:>{count_w},} ({b.stories:,})")
    return lines
