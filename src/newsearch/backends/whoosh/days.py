"""Documents by date, from the `date` column: the date filter's mask, and matches counted per day with the
groups of copies (the store's `timeline`).

Everything is arrays over document numbers, built once per searcher state: the column's distinct values,
a day index per document (days in order, the undated last) and which documents share their group with
another. A date range is then a comparison over the distinct values (a few thousand, not the documents);
a query's counts are two `bincount`s, and only the members of groups of copies need a sort, to find the
earliest matching member of each story.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

from ...search.contract import DayCount
from .groups import GroupView
from .postings import Postings

_lock = threading.Lock()
# Per Postings (one per searcher state): (day index per document, the days in order).
_day_columns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Per Postings: the date column's distinct values as a numpy array (code -> value).
_values: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Per GroupView: True for the documents whose group has another live member.
_shared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def day_of(date: str) -> str | None:
    """The day (YYYY-MM-DD) of a stored ISO date, None for no date."""
    return date[:10] if len(date) >= 10 else None


def date_mask(postings: Postings, date_from: str | None, date_to: str | None) -> np.ndarray:
    """The documents dated `date_from`..`date_to` (days; either end open), undated ones never: the same set
    as a TermRange over the `date` terms (`date_to`'s whole day included), without walking its terms."""
    codes, names = postings.column_codes("date")
    with _lock:
        values = _values.get(postings)
    if values is None:
        values = np.array(names or [""], dtype=str)
        with _lock:
            _values[postings] = values
    keep = values != ""
    if date_from:
        keep &= values >= date_from
    if date_to:
        keep &= values <= date_to + "\uffff"
    return keep[codes]


def day_column(postings: Postings) -> tuple[np.ndarray, list[str]]:
    """(day index of every document, the days in order): undated documents have index len(days)."""
    with _lock:
        got = _day_columns.get(postings)
    if got is None:
        codes, names = postings.column_codes("date")
        day_names = [day_of(n) for n in names]
        days = sorted({d for d in day_names if d is not None})
        rank = {d: i for i, d in enumerate(days)}
        of_code = np.array([rank.get(d, len(days)) if d else len(days) for d in day_names] or [0], dtype=np.int64)
        got = (of_code[codes], days)
        with _lock:
            _day_columns[postings] = got
    return got


def _in_shared_group(view: GroupView, live: np.ndarray) -> np.ndarray:
    """True for each document whose group of copies has another live member."""
    with _lock:
        got = _shared.get(view)
    if got is None:
        sizes = np.bincount(view.key[live], minlength=len(view.key))
        got = sizes[view.key] > 1
        with _lock:
            _shared[view] = got
    return got


def day_counts(postings: Postings, view: GroupView, docnums: np.ndarray) -> list[DayCount]:
    """Articles and stories of the documents `docnums` per day (the undated last); a story counts on the
    day of its earliest member among `docnums` (undated only when all of them are)."""
    day_idx, days = day_column(postings)
    slots = len(days) + 1
    d = day_idx[docnums]
    articles = np.bincount(d, minlength=slots)
    shared = _in_shared_group(view, postings.live())[docnums]
    stories = np.bincount(d[~shared], minlength=slots)
    if shared.any():
        keys, member_days = view.key[docnums[shared]], d[shared]
        order = np.lexsort((member_days, keys))  # by story, its earliest day first
        keys, member_days = keys[order], member_days[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        stories += np.bincount(member_days[first], minlength=slots)
    names = days + [None]
    return [DayCount(names[i], int(articles[i]), int(stories[i])) for i in np.flatnonzero(articles)]
