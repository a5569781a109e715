"""From scored matches to answers: top-k by score or by a column, facet counts, filter masks."""

from __future__ import annotations

import numpy as np

from .postings import Postings
from .scorer import Scored


class Collector:
    """Collects the matches of one Whoosh searcher (its columns come from `postings`)."""

    def __init__(self, postings: Postings):
        self.postings = postings

    @staticmethod
    def top(res: Scored, hit: np.ndarray, depth: int) -> list[tuple[float, int]]:
        """The `depth` best (score, docnum) among `hit`, by score, then docnum."""
        scores, docs = Collector.top_arrays(res, hit, depth)
        return list(zip(scores.tolist(), docs.tolist()))

    @staticmethod
    def top_arrays(res: Scored, hit: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """`top` as (scores, docnums) arrays: a ranking of every match without a Python object per match."""
        idx = np.flatnonzero(hit)
        if not len(idx) or depth <= 0:
            return np.empty(0), np.empty(0, dtype=np.int64)
        scores = res.score[idx]
        docs = idx if res.docs is None else res.docs[idx]
        if len(docs) > depth:
            # Everything scoring at least the depth-th best, so ties at the cut keep docnum order.
            kth = np.partition(scores, len(docs) - depth)[len(docs) - depth]
            keep = scores >= kth
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:depth]
        return scores[order], docs[order]

    def top_by(self, res: Scored, hit: np.ndarray, depth: int, fieldname: str,
               ascending: bool = False) -> list[tuple[float, int]]:
        """The `depth` first (score, docnum) among `hit` by a column's value, greatest first (`ascending`:
        least first), then docnum; documents without a value come last either way."""
        scores, docs = self.top_by_arrays(res, hit, depth, fieldname, ascending)
        return list(zip(scores.tolist(), docs.tolist()))

    def top_by_arrays(self, res: Scored, hit: np.ndarray, depth: int, fieldname: str,
                      ascending: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """`top_by` as (scores, docnums) arrays."""
        idx = np.flatnonzero(hit)
        if not len(idx) or depth <= 0:
            return np.empty(0), np.empty(0, dtype=np.int64)
        docs = idx if res.docs is None else res.docs[idx]
        key = self.column_order(fieldname, empty_last=ascending)[docs]
        order = np.lexsort((docs, key if ascending else -key))[:depth]
        return res.score[idx[order]], docs[order]

    def column_order(self, fieldname: str, empty_last: bool = False) -> np.ndarray:
        """Each document's rank among the sorted values of a column (equal values, equal ranks); the empty
        value ranks first (last with `empty_last`)."""
        codes, names = self.postings.column_codes(fieldname)
        rank = np.empty(len(names), dtype=np.int64)
        rank[np.argsort(np.array(names, dtype=object), kind="stable")] = np.arange(len(names))
        if empty_last and "" in names:
            rank[names.index("")] = len(names)
        return rank[codes]

    def counts(self, fieldname: str, res: Scored, hit: np.ndarray) -> dict[str, int]:
        """How many of the matches `hit` (indexed like `res`) have each value of a column."""
        codes, names = self.postings.column_codes(fieldname)
        tally = np.bincount(codes[res.docnums(hit)], minlength=len(names))
        return {names[i]: int(c) for i, c in enumerate(tally) if c}

    def live_counts(self, fieldname: str) -> dict[str, int]:
        """How many live documents have each value of a column."""
        codes, names = self.postings.column_codes(fieldname)
        tally = np.bincount(codes[self.postings.live()], minlength=len(names))
        return {names[i]: int(n) for i, n in enumerate(tally) if n}

    def mask_of(self, q) -> np.ndarray:
        """Documents matching filter query `q`."""
        mask = np.zeros(self.postings.n, dtype=bool)
        ids = np.fromiter(self.postings.searcher.docs_for_query(q), dtype=np.int64)
        mask[ids] = True
        return mask
