"""Words found together, from their positions: exact phrases, proximity pairs and best passages.

Positions are read for candidate documents only (documents holding every word involved), through
`Postings.positions`. Scores of phrase and proximity pseudo-terms are BM25, computed by the scorer:
`Phrases` only counts, and `Proximity` is handed the scorer's span formula.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable

import numpy as np

from .postings import Postings
from .queries import Near

# Phrases whose matching documents are kept per searcher.
CACHE_PHRASES = 5_000

# (fieldname, words, frequencies, docnums, boost, how the words' idfs combine) -> BM25 per document
SpanScore = Callable[[str, tuple, np.ndarray, np.ndarray, float, Callable], np.ndarray]


def within(docs: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The sorted docnums `docs` that are in the sorted posting list `ids`: a binary search for each of
    `docs` (the few candidates against a word's 400,000 documents at a million; np.intersect1d would
    sort both)."""
    if not len(docs) or not len(ids):
        return docs[:0]
    at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
    return docs[ids[at] == docs]


class Phrases:
    """Documents and occurrences of exact phrases (consecutive positions) over one searcher."""

    def __init__(self, postings: Postings):
        self.postings = postings
        self._phrases: OrderedDict = OrderedDict()  # (field, words) -> (documents, occurrences)

    def counts(self, fieldname: str, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray] | None:
        """(documents, occurrences) of a phrase; None when one of its words is not in the index.

        Kept per searcher: the phrase forms of common compounds (`대한 민국`) recur across queries and
        cost a position lookup in every document holding all their words.
        """
        key = (fieldname, words)
        if key in self._phrases:
            return self._phrases[key]
        lists = [self.postings.postings(fieldname, w)[0] for w in words]
        if any(not len(ids) for ids in lists):
            found = None
        else:
            lists.sort(key=len)
            cand = lists[0]
            for ids in lists[1:]:
                cand = within(cand, ids)
            found = self._count(fieldname, words, cand)
        self._phrases[key] = found
        if len(self._phrases) > CACHE_PHRASES:
            self._phrases.popitem(last=False)
        return found

    def _count(self, fieldname: str, words, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(documents, occurrences) of the phrase among candidate documents `cand`."""
        n = len(words)
        posmaps = [self.postings.positions(fieldname, w, cand) for w in words] if len(cand) else []
        docs, tfs = [], []
        for d in cand.tolist():
            at = [{} for _ in range(n)]
            for k in range(n):
                for pos, sc, ec in posmaps[k].get(d, ()):
                    at[k].setdefault(pos, []).append((sc, ec))
            spans = set()
            for p0, firsts in at[0].items():
                chars = firsts
                for k in range(1, n):
                    nxt = at[k].get(p0 + k)
                    if not nxt:
                        chars = None
                        break
                    chars = [(min(a, c), max(b_, e)) for a, b_ in chars for c, e in nxt]
                if chars:
                    spans.update((p0, ch) for ch in chars)
            if spans:
                docs.append(d)
                tfs.append(len(spans))
        return np.array(docs, dtype=np.int64), np.array(tfs, dtype=np.float64)


class Proximity:
    """Re-rank bonuses from word positions: proximity pairs and the best passage of a document."""

    def __init__(self, postings: Postings, span_score: SpanScore):
        self.postings = postings
        self.span_score = span_score

    def near(self, q: Near, docnums) -> dict[int, float]:
        """Proximity bonus of `docnums`: pairs of the two words within `slop`, either order."""
        a, b = q.words
        postings = self.postings
        both = np.unique(np.asarray(docnums, dtype=np.int64))
        both = within(within(both, postings.postings(q.fieldname, a)[0]), postings.postings(q.fieldname, b)[0])
        if not len(both):
            return {}
        pa = postings.positions(q.fieldname, a, both)
        pb = postings.positions(q.fieldname, b, both)
        docs, tfs = [], []
        for d, apos in pa.items():
            bpos = pb.get(d)
            if not bpos:
                continue
            spans = set()
            for x, xs, xe in apos:
                for y, ys, ye in bpos:
                    if 1 <= abs(x - y) <= q.slop:
                        spans.add((min(x, y), max(x, y), min(xs, ys), max(xe, ye)))
            if spans:
                docs.append(d)
                tfs.append(len(spans))
        if not docs:
            return {}
        idx = np.array(docs, dtype=np.int64)
        scores = self.span_score(q.fieldname, q.words, np.array(tfs, dtype=np.float64), idx, q.boost, min)
        return dict(zip(docs, scores.tolist()))

    def window_scores(self, units: list[tuple[tuple[str, ...], float]], docnums, width: int) -> dict[int, float]:
        """Best passage of each document: the most idf-weighted distinct query concepts found within
        `width` positions of each other (the answer to a question usually sits in one sentence).

        `units` holds each concept's terms (any of which counts) and its weight.
        """
        wanted = np.array(sorted(set(docnums)), dtype=np.int64)
        events: dict[int, list[tuple[int, int]]] = {}
        for k, (terms, _weight) in enumerate(units):
            for t in terms:
                for d, found in self.postings.positions("body", t, wanted).items():
                    events.setdefault(d, []).extend((pos, k) for pos, _s, _e in found)
        weights = [w for _t, w in units]
        return {d: _best_window(ev, weights, width) for d, ev in events.items()}


def _best_window(ev: list[tuple[int, int]], weights: list[float], width: int) -> float:
    """The greatest weight of distinct concepts among events (position, concept) within `width`."""
    ev.sort()
    count = [0] * len(weights)
    cur = best = 0.0
    j = 0
    for pos, k in ev:
        count[k] += 1
        if count[k] == 1:
            cur += weights[k]
        while ev[j][0] < pos - width:
            kk = ev[j][1]
            count[kk] -= 1
            if count[kk] == 0:
                cur -= weights[kk]
            j += 1
        if cur > best:
            best = cur
    return best
