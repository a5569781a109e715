"""Term-at-a-time scoring of a Whoosh query tree over whole posting lists, with numpy.

Whoosh scores document-at-a-time through a tree of Python matchers: every candidate document
costs a walk of the tree, so a ten-word question over 100k articles spends most of its time in
`next()` and `score()` calls. Here each term's posting list (postings.py) is scored with the
same BM25F formula in one vector operation, and the query tree is combined over score arrays
that cover the union of the query's posting lists. The result is the same ranking Whoosh gives
for the same query tree (same idf, length normalisation, boosts, best-of alternatives and
coordination bonus), in a fraction of the time.

Exact phrases are counted from positions (proximity.py). Query nodes of any other kind run
through their own Whoosh matcher.
"""

from __future__ import annotations

import math

import numpy as np
from whoosh import query as Q
from whoosh.matching import ReadTooFar

from .postings import Postings
from .proximity import Phrases
from .queries import BestOf, ScoredPhrase


class Scored:
    """A query node's scores over all documents: `score[d]` counts where `hit[d]`."""

    __slots__ = ("score", "hit", "terms", "count", "docs")

    def __init__(self, score: np.ndarray, hit: np.ndarray, terms: int, count: np.ndarray | None):
        self.score = score
        self.hit = hit
        self.terms = terms  # how many term matchers Whoosh would build for the node
        self.count = count  # per document, how many of those match it (None: as `hit` * terms)
        # The docnum at each index of the arrays (None: the index is the docnum).
        self.docs: np.ndarray | None = None

    def docnums(self, mask: np.ndarray) -> np.ndarray:
        """The docnums where `mask` (indexed like the arrays) is true."""
        idx = np.flatnonzero(mask)
        return idx if self.docs is None else self.docs[idx]

    def dense(self, mask: np.ndarray) -> np.ndarray:
        """A mask over all docnums, taken to the arrays' index space."""
        return mask if self.docs is None else mask[self.docs]

    def matched_terms(self) -> np.ndarray:
        """Per document, how many of the node's term matchers match it."""
        if self.count is not None:
            return self.count
        return self.hit.astype(np.int32) * self.terms


class Scorer:
    """Scores query trees over one Whoosh searcher's postings (build a new one after a refresh)."""

    def __init__(self, postings: Postings, phrases: Phrases):
        self.postings = postings
        self.phrases = phrases
        self.searcher = postings.searcher
        self.weighting = postings.searcher.weighting
        self._space: np.ndarray | None = None
        self._norms: dict[str, np.ndarray] = {}

    # -- entry points ---------------------------------------------------------------------------

    def matches(self, q) -> Scored:
        """Scores of the live documents for `q` (normalised first, as Whoosh's searcher does).

        Only documents holding one of the query's words can match, so the arrays cover the union of
        their posting lists (a few thousand documents for most queries, not the whole index).
        """
        q = q.normalize()
        res = self.evaluate(q, self._universe(q))
        res.hit &= res.dense(self.postings.live())
        return res

    def evaluate(self, q, space: np.ndarray | None = None) -> Scored:
        """Scores for query tree `q` of every document, or of the sorted docnums `space` only (the
        arrays are then indexed like `space`, and `docs` is set to it)."""
        outer = self._space
        self._space = space
        try:
            res = self._eval(q)
        finally:
            self._space = outer
        res.docs = space
        return res

    def bm25(self, fieldname: str, idf: float, tf: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F (`scoring.bm25`) for frequencies `tf` in documents `docs`, vectorised."""
        k1 = getattr(self.weighting, "K1", 1.2)
        return idf * ((tf * (k1 + 1)) / (tf + self._length_norm(fieldname)[docs]))

    def _length_norm(self, fieldname: str) -> np.ndarray:
        """Each document's `k1 * (1 - b + b * length / average length)` in a field, made once per searcher (the
        same operations in the same order as per posting, so the same scores: bm25 then costs five array
        operations a posting list, not nine)."""
        got = self._norms.get(fieldname)
        if got is None:
            w = self.weighting
            avgfl = self.searcher.avg_field_length(fieldname) or 1
            b = getattr(w, "_field_B", {}).get(fieldname, getattr(w, "B", 0.75))
            k1 = getattr(w, "K1", 1.2)
            got = self._norms[fieldname] = k1 * ((1 - b) + b * self.postings.lengths(fieldname) / avgfl)
        return got

    def span_score(self, fieldname: str, words, tf: np.ndarray, docs: np.ndarray, boost: float, idf_of) -> np.ndarray:
        """BM25 of a phrase or proximity pseudo-term (query._PhraseScorer's formula), vectorised."""
        return self.bm25(fieldname, idf_of(self.searcher.idf(fieldname, t) for t in words) * boost, tf, docs)

    # -- the evaluation space -------------------------------------------------------------------

    def _universe(self, q) -> np.ndarray | None:
        """The sorted union of the posting lists of every word in `q` (None: some node may match others)."""
        lists = []
        stack = [q]
        while stack:
            node = stack.pop()
            if isinstance(node, Q.Term):
                lists.append(self.postings.postings(node.fieldname, node.text)[0])
            elif isinstance(node, ScoredPhrase):
                lists.append(self.postings.postings(node.fieldname, node.words[0])[0])
            elif type(node) in (Q.Or, Q.DisjunctionMax, Q.And, Q.AndMaybe, Q.AndNot) or isinstance(node, BestOf):
                stack.extend(node.children())
            else:
                return None
        return _union(lists, self.postings.n)

    def _size(self) -> int:
        return self.postings.n if self._space is None else len(self._space)

    def _locate(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Indexes in the evaluation space of those of the sorted docnums `ids` it holds, and which of `ids` they
        are (None: all; else a mask or indexes of `ids`, in the same order)."""
        space = self._space
        if space is None:
            return ids, None
        if not len(space) or not len(ids):
            return np.zeros(0, dtype=np.int64), np.zeros(len(ids), dtype=bool)
        if len(space) * 4 < len(ids):  # the few candidates of a re-rank stage, looked for in a long list
            j = np.minimum(np.searchsorted(ids, space), len(ids) - 1)
            found = ids[j] == space
            return np.flatnonzero(found), j[found]
        pos = np.minimum(np.searchsorted(space, ids), len(space) - 1)
        keep = space[pos] == ids
        if keep.all():
            return pos, None
        return pos[keep], keep

    # -- query nodes ----------------------------------------------------------------------------

    def _eval(self, q) -> Scored:
        if isinstance(q, Q.Term):
            return self._term(q)
        if isinstance(q, BestOf):
            return self._best(q)
        if type(q) in (Q.Or, Q.DisjunctionMax) and not getattr(q, "minmatch", 0):
            return self._or(q)
        if type(q) is Q.And:
            return self._and(q)
        if type(q) is Q.AndMaybe:
            return self._andmaybe(q)
        if type(q) is Q.AndNot:
            return self._andnot(q)
        if isinstance(q, Q.Phrase) and q.slop == 1 and isinstance(q, ScoredPhrase) and len(q.words) > 1:
            return self._phrase(q)
        return self._matcher(q)

    def _term(self, q: Q.Term) -> Scored:
        score = np.zeros(self._size(), dtype=np.float64)
        hit = np.zeros(self._size(), dtype=bool)
        ids, ws, _ = self.postings.postings(q.fieldname, q.text)
        if not len(ids):
            return Scored(score, hit, 0, None)
        at, keep = self._locate(ids)
        if keep is not None:
            ids, ws = ids[keep], ws[keep]
        idf = self.searcher.idf(q.fieldname, q.text)
        score[at] = self.bm25(q.fieldname, idf, ws.astype(np.float64), ids) * q.boost
        hit[at] = True
        return Scored(score, hit, 1, None)

    def _children(self, q) -> list[Scored]:
        return [self._eval(sub) for sub in q.subqueries]

    def _best(self, q) -> Scored:
        subs = self._children(q)
        score = np.full(self._size(), -np.inf)
        hit = np.zeros(self._size(), dtype=bool)
        for s in subs:
            np.maximum(score, np.where(s.hit, s.score, -np.inf), out=score)
            hit |= s.hit
        score[~hit] = 0.0
        if q.boost != 1.0:
            score *= q.boost
        return _combined(score, hit, subs)

    def _or(self, q) -> Scored:
        subs = self._children(q)
        score = np.zeros(self._size(), dtype=np.float64)
        hit = np.zeros(self._size(), dtype=bool)
        for s in subs:
            score += s.score
            hit |= s.hit
        if q.boost != 1.0:
            score *= q.boost
        out = _combined(score, hit, subs)
        scale = getattr(q, "scale", None)
        if scale and len(subs) > 1 and out.terms:
            # Whoosh's CoordMatcher ("short query ranking"): a bonus per matched term.
            tc = out.terms
            if tc != scale:
                out.score = (out.score + (out.matched_terms() - 1) / (tc - scale) ** 2) * ((tc - 1) / tc)
            else:
                out.score = np.zeros(self._size())
            out.score[~hit] = 0.0
        return out

    def _and(self, q) -> Scored:
        subs = self._children(q)
        hit = np.ones(self._size(), dtype=bool)
        score = np.zeros(self._size(), dtype=np.float64)
        for s in subs:
            hit &= s.hit
            score += s.score
        score[~hit] = 0.0
        if q.boost != 1.0:
            score *= q.boost
        return _combined(score, hit, subs)

    def _andmaybe(self, q) -> Scored:
        req, opt = self._eval(q.a), self._eval(q.b)
        score = np.where(req.hit, req.score + opt.score, 0.0)
        return _combined(score, req.hit.copy(), [req, opt])

    def _andnot(self, q) -> Scored:
        pos, neg = self._eval(q.a), self._eval(q.b)
        hit = pos.hit & ~neg.hit
        return Scored(np.where(hit, pos.score, 0.0), hit, pos.terms, pos.count)

    def _phrase(self, q) -> Scored:
        """An exact phrase (consecutive positions), scored by its own frequency in each document."""
        score = np.zeros(self._size(), dtype=np.float64)
        hit = np.zeros(self._size(), dtype=bool)
        words = tuple(q.words)
        found = self.phrases.counts(q.fieldname, words)
        if found is None:
            return Scored(score, hit, 0, None)
        idx, tfs = found
        at, keep = self._locate(idx)
        if keep is not None:
            idx, tfs = idx[keep], tfs[keep]
        if len(idx):
            score[at] = self.span_score(q.fieldname, words, tfs, idx, q.boost, max)
            hit[at] = True
        return Scored(score, hit, len(words), None)

    def _matcher(self, q) -> Scored:
        """Any other node (phrases, proximity): walk its own Whoosh matcher."""
        score = np.zeros(self._size(), dtype=np.float64)
        hit = np.zeros(self._size(), dtype=bool)
        m = q.matcher(self.searcher)
        reader = self.searcher.reader()
        try:
            words = list(q.terms(phrases=True))
        except Exception:
            words = []
        # Whoosh counts the node's term matchers: none when one of its words is missing.
        terms = len(words) if words and all(w in reader for w in words) else 0
        ids, scores = [], []
        try:
            while m.is_active():
                ids.append(m.id())
                scores.append(m.score())
                m.next()
        except ReadTooFar:
            pass
        if ids:
            at, keep = self._locate(np.array(ids, dtype=np.int64))
            values = np.array(scores, dtype=np.float64)
            score[at] = values if keep is None else values[keep]
            hit[at] = True
        return Scored(score, hit, terms, None)


def _union(lists: list[np.ndarray], n: int) -> np.ndarray:
    """The sorted distinct docnums of sorted posting lists, among `n` documents.

    Few or short lists are merged (a stable sort of sorted runs is a merge: 0.04 ms for lists of 10,000 and
    2,500 documents at a million, against 0.3 ms to mark them); many long ones are marked in an array of every
    docnum and the marks read back (a fixed 0.15 ms at a million, then cheaper per posting: four lists of
    700,000 postings in all, 2.8 ms against 6.7 merged)."""
    total = sum(len(ids) for ids in lists)
    if not total:
        return np.zeros(0, dtype=np.int64)
    if len(lists) <= 2 or total * math.log2(len(lists)) <= n / 8:
        merged = np.sort(np.concatenate(lists), kind="stable")
        keep = np.empty(len(merged), dtype=bool)
        keep[0] = True
        np.not_equal(merged[1:], merged[:-1], out=keep[1:])
        return merged[keep].astype(np.int64)
    mark = np.zeros(n, dtype=bool)
    for ids in lists:
        mark[ids] = True
    return np.flatnonzero(mark)


def _combined(score: np.ndarray, hit: np.ndarray, subs: list[Scored]) -> Scored:
    """A node's result from its children's: terms and per-document matched terms summed."""
    terms = sum(s.terms for s in subs)
    count = None
    if len(subs) > 1 or (subs and subs[0].count is not None):
        count = np.zeros(len(hit), dtype=np.int32)
        for s in subs:
            if s.terms:
                count += s.matched_terms()
    return Scored(score, hit, terms, count)
