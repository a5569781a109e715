"""Each document's distinct terms in a column (`terms`): the forward index related words count from.

Whoosh keeps postings by term; counting the terms of a query's best matches needs the other
direction. Re-analysing their text with Kiwi would cost milliseconds per article, so the writer keeps
the distinct terms of the indexed body field (title and body) in a column, one a line, in order of
first use (7-8% of an index's size). Only the terms `significant.countable` takes are kept: numbers,
URLs and single syllables are never related words (they were an eighth of the column).
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_right
from collections import Counter
from typing import Callable

import numpy as np

from ...errors import Unsupported
from ...search.contract import TermCounts
from ...search.model import Reason
from ...search.significant import EXAMPLES, countable
from .collect import Collector
from .groups import GroupView

COLUMN = "terms"
# Document frequencies looked up, per searcher (a lookup reads the term index: tens of microseconds).
MAX_CACHED = 200_000


def column_value(terms) -> str:
    """The column of one document: its distinct countable terms, one a line, in order of first use."""
    return "\n".join(t for t in dict.fromkeys(term.text for term in terms) if countable(t))


def foreground(collector: Collector, view: GroupView, scored, hit: np.ndarray, depth: int) -> list[int]:
    """Docnums of the best-ranked member of each of the first `depth` groups of copies among the matches `hit`,
    in the first pass's BM25 order (re-ranking moves the head of a results page, not who is in the top 200)."""
    matches = int(np.count_nonzero(hit))
    want = depth * 2
    while True:
        ranked = collector.top(scored, hit, want)
        picked = view.collapse(ranked)
        if len(picked) >= depth or len(ranked) >= matches:
            return [d for _, d in picked[:depth]]
        want *= 4


def term_counts(searcher, leaves, id_of: Callable[[int], str], docnums: list[int], matches: int) -> TermCounts:
    """How many of `docnums` (one per story) hold each term, and the best-ranked few of them that do.

    `leaves` are the searcher's (segment searcher, first docnum) pairs, `id_of` gives a document's id.
    Raises Unsupported when none of the documents has the column: the index was built before it was kept
    (`newsearch index` adds it).
    """
    columns = _columns(leaves)
    starts = [offset for offset, _ in columns]
    counts: Counter = Counter()
    first: dict[str, list[int]] = {}
    kept = 0
    for d in docnums:
        offset, column = columns[bisect_right(starts, d) - 1]
        value = column[d - offset] if column is not None else ""
        if not value:
            continue
        kept += 1
        words = value.split("\n")
        counts.update(words)
        for w in words:
            got = first.get(w)
            if got is None:
                first[w] = [d]
            elif len(got) < EXAMPLES:
                got.append(d)
    if docnums and not kept:
        raise Unsupported(Reason.NO_TERM_COLUMN)
    return TermCounts(matches=matches, sample=len(docnums), docs=dict(counts), total=searcher.doc_count(),
                      examples={t: tuple(id_of(d) for d in ds) for t, ds in first.items()})


def _columns(leaves) -> list[tuple[int, object]]:
    """(first docnum, column reader or None) of each segment: a segment written before the column has none."""
    out = []
    for sub, offset in leaves:
        reader = sub.reader()
        out.append((offset, reader.column_reader(COLUMN) if reader.has_column(COLUMN) else None))
    return out


_CACHE: "weakref.WeakKeyDictionary[object, dict[str, int]]" = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def doc_frequencies(searcher, terms: list[str]) -> dict[str, int]:
    """Documents of the index holding each term, remembered per searcher (an index state): common words
    come back in query after query."""
    with _CACHE_LOCK:
        known = _CACHE.get(searcher)
        if known is None or len(known) > MAX_CACHED:
            known = _CACHE[searcher] = {}
    reader = searcher.reader()
    out = {}
    for t in terms:
        n = known.get(t)
        if n is None:
            n = known[t] = reader.doc_frequency("body", t)
        out[t] = n
    return out
