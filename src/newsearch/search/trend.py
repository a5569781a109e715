"""Trends: how many articles (and stories) match a query per day, week, month or year.

The store counts the matches per day, exactly, after the request's filters (`Store.timeline`); here days
become periods. Several queries are counted side by side, plus their co-occurrence: the articles that
match all of them. Each query counts the articles that hold every one of its words, as a date-sorted
search does (`newsearch query --sort newest`): a trend of `코로나 백신` counting articles with either word
would be the union of two trends, not what was asked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..errors import StoreError, Unavailable
from .contract import DayCount, Store
from .model import Reason, SearchRequest
from .querylang import QueryTree, parse

log = logging.getLogger(__name__)

BY = ("day", "week", "month", "year")
# `by` chosen from the span: the finest period giving at most this many bars (a phone-width chart).
AUTO_BARS = 60
# Periods one trend may hold (27 years of days): beyond, ask for a coarser period or a narrower range.
MAX_BUCKETS = 10_000
MAX_QUERIES = 5
ALL_OF = " & "  # joins the queries in the co-occurrence series' label


@dataclass(frozen=True, slots=True)
class Bucket:
    """One period: its first day, the matching articles in it, and the stories first reported in it."""

    start: str  # YYYY-MM-DD
    count: int
    stories: int

    def to_json(self) -> dict:
        return {"start": self.start, "count": self.count, "stories": self.stories}


@dataclass
class Series:
    """One query's counts (or the co-occurrence of several: `all_of` names them)."""

    query: str
    total: int = 0  # matching articles, dated or not
    stories: int = 0  # the groups of copies they form
    buckets: list[Bucket] = field(default_factory=list)
    undated: DayCount = DayCount(None, 0, 0)  # matches without a date: in the totals, in no bucket
    all_of: list[str] | None = None
    reason: Reason | None = None
    reason_detail: str | None = None

    @property
    def reason_text(self) -> str | None:
        if self.reason is None:
            return None
        return f"{self.reason.text}: {self.reason_detail}" if self.reason_detail else self.reason.text

    @property
    def peak(self) -> int:
        return max((b.count for b in self.buckets), default=0)

    def to_json(self) -> dict:
        out = {"query": self.query, "total": self.total, "stories": self.stories,
               "buckets": [b.to_json() for b in self.buckets],
               "undated": {"count": self.undated.articles, "stories": self.undated.stories}}
        if self.all_of is not None:
            out["all_of"] = list(self.all_of)
        if self.reason is not None:
            out["reason"] = self.reason_text
        return out


@dataclass
class Trend:
    """Counts of several queries over the same periods: `from`..`to` is the filter's range, or the span of
    the dated matches when the filter leaves an end open (None when nothing dated matched)."""

    by: str
    date_from: str | None
    date_to: str | None
    series: list[Series] = field(default_factory=list)
    took_ms: float = 0.0

    @property
    def peak(self) -> int:
        return max((s.peak for s in self.series), default=0)

    def to_json(self) -> dict:
        return {"by": self.by, "from": self.date_from, "to": self.date_to, "took_ms": round(self.took_ms, 2),
                "series": [s.to_json() for s in self.series]}


# -- periods ------------------------------------------------------------------------------------


def period_start(day: date, by: str) -> date:
    """The first day of the period holding `day` (weeks start on Monday, ISO 8601)."""
    if by == "day":
        return day
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_start(start: date, by: str) -> date:
    """The first day of the period after the one starting on `start`."""
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start.replace(year=start.year + 1)


def period_end(start: str, by: str) -> str:
    """The last day (YYYY-MM-DD) of the period starting on `start`."""
    return (next_start(date.fromisoformat(start), by) - timedelta(days=1)).isoformat()


def periods(first: date, last: date, by: str) -> int:
    """How many periods of `by` the days `first`..`last` touch."""
    if by == "day":
        return (last - first).days + 1
    if by == "week":
        return (period_start(last, by) - period_start(first, by)).days // 7 + 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return months if by == "month" else last.year - first.year + 1


def choose_by(first: date, last: date) -> str:
    """The finest period that shows `first`..`last` in at most AUTO_BARS bars."""
    for by in BY[:-1]:
        if periods(first, last, by) <= AUTO_BARS:
            return by
    return "year"


def buckets(days: list[DayCount], first: date, last: date, by: str) -> list[Bucket]:
    """Every period from `first`'s to `last`'s (empty ones too), with the dated `days` added up in them."""
    start = period_start(first, by)
    keys = []
    while start <= last:
        keys.append(start.isoformat())
        start = next_start(start, by)
    index = {k: i for i, k in enumerate(keys)}
    articles, stories = [0] * len(keys), [0] * len(keys)
    for d in days:
        if d.day is None:
            continue
        i = index.get(_start_key(d.day, by))
        if i is not None:  # a day outside the span: only when the caller narrowed it on purpose
            articles[i] += d.articles
            stories[i] += d.stories
    return [Bucket(k, a, s) for k, a, s in zip(keys, articles, stories)]


def _start_key(day: str, by: str) -> str:
    """`period_start` of a YYYY-MM-DD day as text (a slice where the calendar allows: thousands of days a call)."""
    if by == "day":
        return day
    if by == "month":
        return day[:8] + "01"
    if by == "year":
        return day[:5] + "01-01"
    return period_start(date.fromisoformat(day), by).isoformat()


# -- queries ------------------------------------------------------------------------------------


def all_of(trees: list[QueryTree]) -> QueryTree:
    """One query requiring every word of every query (their exclusions kept): the articles matching all."""
    out = QueryTree(ALL_OF.join(t.text for t in trees), plain=False)  # never widened to looser readings
    for t in trees:
        out.must += t.must + t.should
        out.must_not += t.must_not
        out.entities += t.entities
        out.units += t.units
        out.highlight_terms |= t.highlight_terms
    return out


def check_by(by: str | None) -> str | None:
    """`by` as given (None or "auto": chosen from the span); ValueError with a one-line reason otherwise."""
    if by in (None, "", "auto"):
        return None
    if by not in BY:
        raise ValueError(f"{by!r} is not a period: use one of {', '.join(BY)} (or auto)")
    return by


def run(store: Store, texts: list[str], request: SearchRequest, by: str | None = None) -> Trend:
    """The trend of each query text in `texts` (and of their co-occurrence when there are several) under
    `request`'s filters (dates, publisher); ValueError for a bad `by`, too many queries or periods."""
    t0 = time.perf_counter()
    by = check_by(by)
    texts = [t.strip() for t in texts if t.strip()]
    if len(texts) > MAX_QUERIES:
        raise ValueError(f"at most {MAX_QUERIES} queries side by side (got {len(texts)})")
    trees = [parse(t, store.analyzer(), syntax=request.syntax) for t in texts]
    trees = [tree if tree.reason else tree.requiring_all() for tree in trees]
    asked = list(zip(texts, trees))
    searchable = [tree for tree in trees if tree.reason is None]
    if len(searchable) > 1:
        asked.append((ALL_OF.join(t.text for t in searchable), all_of(searchable)))
    counted = [_timeline(store, request, text, tree) for text, tree in asked]
    if len(searchable) > 1:
        counted[-1][0].all_of = [t.text for t in searchable]
    first, last = _span(request, [days for _s, days in counted])
    if by is None:
        by = choose_by(first, last) if first else "month"
    if first and periods(first, last, by) > MAX_BUCKETS:
        raise ValueError(f"{periods(first, last, by)} periods of a {by} from {first} to {last}: at most "
                         f"{MAX_BUCKETS}; choose a longer period or a shorter range")
    for series, days in counted:
        series.buckets = buckets(days, first, last, by) if first else []
    return Trend(by, first and first.isoformat(), last and last.isoformat(), [s for s, _d in counted],
                 (time.perf_counter() - t0) * 1000)


def _timeline(store: Store, request: SearchRequest, text: str, tree: QueryTree) -> tuple[Series, list[DayCount]]:
    """One query's series (totals and undated filled in, buckets not yet) and its days."""
    series = Series(text, reason=tree.reason)
    if tree.reason is not None:
        return series, []
    try:
        days = store.timeline(request, tree)
    except StoreError as e:
        series.reason = Reason.BACKEND_UNAVAILABLE if isinstance(e, Unavailable) else Reason.BACKEND_REFUSED
        series.reason_detail = str(e)
        log.warning("trend of %r: %s", text, e)
        return series, []
    series.total = sum(d.articles for d in days)
    series.stories = sum(d.stories for d in days)
    series.undated = next((d for d in days if d.day is None), series.undated)
    return series, days


def _span(request: SearchRequest, counted: list[list[DayCount]]) -> tuple[date | None, date | None]:
    """The days the trend covers: the filter's ends, an open end taken from the dated matches."""
    dated = [d.day for days in counted for d in days if d.day is not None]
    first = request.date_from or min(dated, default=None)
    last = request.date_to or max(dated, default=None)
    if first is None or last is None:  # nothing dated matched and an end is open: no periods to show
        return None, None
    return date.fromisoformat(first), date.fromisoformat(last)


def narrowed(start: str, by: str, date_from: str | None, date_to: str | None) -> tuple[str, str]:
    """The `from`/`to` that narrow the range `date_from`..`date_to` to the period starting on `start`."""
    return max(start, date_from or start), min(period_end(start, by), date_to or "9999-12-31")


def request_for(date_from: str | None = None, date_to: str | None = None, publisher: str | None = None,
                syntax: bool = True) -> SearchRequest:
    """The filters of a trend as a `SearchRequest` (its text and paging mean nothing to a timeline)."""
    return SearchRequest("", publisher=publisher or None, date_from=date_from or None, date_to=date_to or None,
                         syntax=syntax)
