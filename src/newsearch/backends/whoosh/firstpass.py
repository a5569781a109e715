"""First-pass ranking term-at-a-time over whole posting lists, with numpy.

Whoosh scores document-at-a-time through a tree of Python matchers: every candidate document
costs a walk of the tree, so a ten-word question over 100k articles spends most of its time in
`next()` and `score()` calls. Here each term's posting list is read once (whole blocks, decoded
by pickle and numpy; cached once per process, since segments never change), scored with the
same BM25F formula in one vector operation, and the query tree is combined over score arrays
that cover the union of the query's posting lists. The result is the same ranking Whoosh gives
for the same query tree (same idf, length normalisation, boosts, best-of alternatives and
coordination bonus), in a fraction of the time.

Phrases, proximity and highlight spans read positions for their candidate documents only, block
by block. Query nodes of any other kind run through their own Whoosh matcher.
"""

from __future__ import annotations

import threading
import zlib
from bisect import bisect_right
from collections import OrderedDict
from pickle import loads

import numpy as np
from whoosh import query as Q
from whoosh.matching import ReadTooFar
from whoosh.util.numeric import byte_to_length

from .queries import BestOf, Near, ScoredPhrase

# Decoded posting lists kept for the whole process, shared by every thread's searcher (segments never
# change once written): least recently used first out past this many postings (8 bytes each).
CACHE_POSTINGS = 8_000_000
# Blocks of encoded positions kept the same way (a block holds up to 128 documents' values).
CACHE_BLOCKS = 8_000
# Per searcher: posting lists joined over segments (a view, not a copy, for a one-segment index).
CACHE_JOINED = 512
# Phrases whose matching documents are kept per searcher.
CACHE_PHRASES = 5_000
_B2L = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class _SegmentCache:
    """Posting lists and position blocks of immutable segments, shared by all threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._postings: OrderedDict = OrderedDict()
        self._count = 0
        self._blocks: OrderedDict = OrderedDict()

    def postings(self, key, load):
        with self._lock:
            got = self._postings.get(key)
            if got is not None:
                self._postings.move_to_end(key)
                return got
        got = load()  # outside the lock: other threads go on meanwhile
        with self._lock:
            if key not in self._postings:
                self._postings[key] = got
                self._count += len(got[0])
                while self._count > CACHE_POSTINGS and len(self._postings) > 1:
                    _, old = self._postings.popitem(last=False)
                    self._count -= len(old[0])
        return got

    def block(self, key, load):
        with self._lock:
            got = self._blocks.get(key)
            if got is not None:
                return got
        got = load()
        with self._lock:
            self._blocks[key] = got
            while len(self._blocks) > CACHE_BLOCKS:
                self._blocks.popitem(last=False)
        return got


_SHARED = _SegmentCache()


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
        if self.count is not None:
            return self.count
        return self.hit.astype(np.int32) * self.terms


class FirstPass:
    """Term-at-a-time evaluation over one Whoosh searcher (build a new one after a refresh)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.n = searcher.doc_count_all()
        self.leaves = searcher.leaf_searchers()
        self.weighting = searcher.weighting
        self._lengths: dict[str, np.ndarray] = {}
        self._joined: OrderedDict = OrderedDict()
        self._space: np.ndarray | None = None
        folder = getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None)
        self._segment_keys = [(folder, _segment_id(sub.reader())) for sub, _off in self.leaves]
        self._postfiles = [getattr(getattr(sub.reader(), "_terms", None), "_postfile", None) for sub, _off in self.leaves]
        self._phrases: OrderedDict = OrderedDict()  # (field, words) -> (documents, occurrences)
        self._live: np.ndarray | None = None
        self._columns: dict[str, tuple[np.ndarray, list[str]]] = {}

    # -- per-index data ---------------------------------------------------------------------

    def live(self) -> np.ndarray:
        """True for documents not deleted."""
        if self._live is None:
            live = np.zeros(self.n, dtype=bool)
            for sub, offset in self.leaves:
                reader = sub.reader()
                if reader.has_deletions():
                    ids = np.fromiter(reader.all_doc_ids(), dtype=np.int64)
                    live[ids + offset] = True
                else:
                    live[offset:offset + reader.doc_count_all()] = True
            self._live = live
        return self._live

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's field length as BM25 sees it (Whoosh's one-byte approximation)."""
        out = self._lengths.get(fieldname)
        if out is None:
            out = np.ones(self.n, dtype=np.float64)
            for sub, offset in self.leaves:
                reader = sub.reader()
                size = reader.doc_count_all()
                codes = _length_bytes(reader, fieldname, size)
                if codes is None:
                    vals = np.fromiter((reader.doc_field_length(d, fieldname, 1) or 1 for d in range(size)),
                                       dtype=np.float64, count=size)
                else:
                    vals = _B2L[codes]
                    vals[vals == 0] = 1
                out[offset:offset + size] = vals
            self._lengths[fieldname] = out
        return out

    def column_codes(self, fieldname: str) -> tuple[np.ndarray, list[str]]:
        """A sortable column as (code per document, value per code)."""
        got = self._columns.get(fieldname)
        if got is None:
            names: dict[str, int] = {}
            codes = np.zeros(self.n, dtype=np.int32)
            reader = self.searcher.reader()
            col = reader.column_reader(fieldname)
            for d in range(self.n):
                v = col[d]
                codes[d] = names.setdefault(v, len(names))
            got = (codes, list(names))
            self._columns[fieldname] = got
        return got

    def postings(self, fieldname: str, text: str):
        """(global docnums, weights, parts) of a term; empty arrays when it is not in the index.

        `parts` says where each segment's postings start in the joined arrays, for positions().
        """
        key = (fieldname, text)
        got = self._joined.get(key)
        if got is not None:
            self._joined.move_to_end(key)
            return got
        ids_parts, w_parts, parts = [], [], []
        start = 0
        for k, (sub, offset) in enumerate(self.leaves):
            reader = sub.reader()
            if (fieldname, text) not in reader:
                continue
            seg_key = (self._segment_keys[k], fieldname, text)
            ids, ws, starts, wheres = _SHARED.postings(
                seg_key, lambda: _decode_postings(reader.postings(fieldname, text)))
            ids_parts.append(ids + offset if offset else ids)
            w_parts.append(ws)
            parts.append((start, seg_key, self._postfiles[k], starts, wheres))
            start += len(ids)
        if len(ids_parts) == 1:
            got = (ids_parts[0], w_parts[0], parts)
        elif ids_parts:
            got = (np.concatenate(ids_parts), np.concatenate(w_parts), parts)
        else:
            got = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), [])
        self._joined[key] = got
        if len(self._joined) > CACHE_JOINED:
            self._joined.popitem(last=False)
        return got

    # -- evaluation ---------------------------------------------------------------------------

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

    def _size(self) -> int:
        return self.n if self._space is None else len(self._space)

    def _locate(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Indexes of docnums `ids` in the evaluation space, and which of `ids` are in it (None: all)."""
        space = self._space
        if space is None:
            return ids, None
        pos = np.searchsorted(space, ids)
        if not len(space):
            return pos[:0], np.zeros(len(ids), dtype=bool)
        pos_c = np.minimum(pos, len(space) - 1)
        keep = space[pos_c] == ids
        if keep.all():
            return pos, None
        return pos[keep], keep

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
        ids, ws, _ = self.postings(q.fieldname, q.text)
        if not len(ids):
            return Scored(score, hit, 0, None)
        at, keep = self._locate(ids)
        if keep is not None:
            ids, ws = ids[keep], ws[keep]
        idf = self.searcher.idf(q.fieldname, q.text)
        score[at] = self._bm25(q.fieldname, idf, ws.astype(np.float64), ids) * q.boost
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

    # -- positions ------------------------------------------------------------------------------

    def positions(self, fieldname: str, text: str, docnums) -> dict[int, list[tuple[int, int, int]]]:
        """(position, start char, end char) of a term in each of `docnums` that holds it."""
        ids, _ws, parts = self.postings(fieldname, text)
        docnums = np.asarray(docnums, dtype=np.int64)
        out: dict[int, list] = {}
        if not len(ids) or not len(docnums):
            return out
        idx = np.searchsorted(ids, docnums)
        inside = idx < len(ids)
        found = np.zeros(len(docnums), dtype=bool)
        found[inside] = ids[idx[inside]] == docnums[inside]
        if not found.any():
            return out
        decode = self.searcher.schema[fieldname].format.decode_characters
        part_starts = [p[0] for p in parts]
        for d, i in zip(docnums[found].tolist(), idx[found].tolist()):
            start, seg_key, postfile, starts, wheres = parts[bisect_right(part_starts, i) - 1]
            local = i - start
            bi = bisect_right(starts, local) - 1
            values = _SHARED.block(seg_key + (bi,), lambda: _block_values(postfile, wheres[bi]))
            out[d] = decode(values[local - starts[bi]])
        return out

    def _bm25(self, fieldname: str, idf: float, tf: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F (`scoring.bm25`) for frequencies `tf` in documents `docs`, vectorised."""
        w = self.weighting
        avgfl = self.searcher.avg_field_length(fieldname) or 1
        b = getattr(w, "_field_B", {}).get(fieldname, getattr(w, "B", 0.75))
        k1 = getattr(w, "K1", 1.2)
        fl = self.lengths(fieldname)[docs]
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def _span_score(self, fieldname: str, words, tf: np.ndarray, docs: np.ndarray, boost: float, idf_of) -> np.ndarray:
        """BM25 of a phrase or proximity pseudo-term (query._PhraseScorer's formula), vectorised."""
        return self._bm25(fieldname, idf_of(self.searcher.idf(fieldname, t) for t in words) * boost, tf, docs)

    def _phrase(self, q) -> Scored:
        """An exact phrase (consecutive positions), scored by its own frequency in each document."""
        score = np.zeros(self._size(), dtype=np.float64)
        hit = np.zeros(self._size(), dtype=bool)
        words = tuple(q.words)
        found = self._phrase_counts(q.fieldname, words)
        if found is None:
            return Scored(score, hit, 0, None)
        idx, tfs = found
        at, keep = self._locate(idx)
        if keep is not None:
            idx, tfs = idx[keep], tfs[keep]
        if len(idx):
            score[at] = self._span_score(q.fieldname, words, tfs, idx, q.boost, max)
            hit[at] = True
        return Scored(score, hit, len(words), None)

    def _phrase_counts(self, fieldname: str, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray] | None:
        """(documents, occurrences) of a phrase; None when one of its words is not in the index.

        Kept per searcher: the phrase forms of common compounds (`대한 민국`) recur across queries and
        cost a position lookup in every document holding all their words.
        """
        key = (fieldname, words)
        if key in self._phrases:
            return self._phrases[key]
        lists = [self.postings(fieldname, w)[0] for w in words]
        if any(not len(ids) for ids in lists):
            found = None
        else:
            cand = lists[0]
            for ids in lists[1:]:
                cand = np.intersect1d(cand, ids, assume_unique=True)
            found = self._count_phrase(fieldname, words, cand)
        self._phrases[key] = found
        if len(self._phrases) > CACHE_PHRASES:
            self._phrases.popitem(last=False)
        return found

    def _count_phrase(self, fieldname: str, words, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(words)
        posmaps = [self.positions(fieldname, w, cand) for w in words] if len(cand) else []
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

    def near(self, q: Near, docnums) -> dict[int, float]:
        """Proximity bonus of `docnums`: pairs of the two words within `slop`, either order."""
        a, b = q.words
        both = np.intersect1d(np.intersect1d(np.asarray(docnums), self.postings(q.fieldname, a)[0]),
                              self.postings(q.fieldname, b)[0])
        if not len(both):
            return {}
        pa = self.positions(q.fieldname, a, both)
        pb = self.positions(q.fieldname, b, both)
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
        scores = self._span_score(q.fieldname, q.words, np.array(tfs, dtype=np.float64), idx, q.boost, min)
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
                for d, found in self.positions("body", t, wanted).items():
                    events.setdefault(d, []).extend((pos, k) for pos, _s, _e in found)
        weights = [w for _t, w in units]
        out: dict[int, float] = {}
        for d, ev in events.items():
            ev.sort()
            count = [0] * len(units)
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
            out[d] = best
        return out

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

    # -- ranking --------------------------------------------------------------------------------

    def matches(self, q) -> Scored:
        """Scores of the live documents for `q` (normalised first, as Whoosh's searcher does).

        Only documents holding one of the query's words can match, so the arrays cover the union of
        their posting lists (a few thousand documents for most queries, not the whole index).
        """
        q = q.normalize()
        res = self.evaluate(q, self._universe(q))
        res.hit &= res.dense(self.live())
        return res

    def _universe(self, q) -> np.ndarray | None:
        """The sorted union of the posting lists of every word in `q` (None: some node may match others)."""
        lists = []
        stack = [q]
        while stack:
            node = stack.pop()
            if isinstance(node, Q.Term):
                lists.append(self.postings(node.fieldname, node.text)[0])
            elif isinstance(node, ScoredPhrase):
                lists.append(self.postings(node.fieldname, node.words[0])[0])
            elif type(node) in (Q.Or, Q.DisjunctionMax, Q.And, Q.AndMaybe, Q.AndNot) or isinstance(node, BestOf):
                stack.extend(node.children())
            else:
                return None
        mark = np.zeros(self.n, dtype=bool)
        for ids in lists:
            mark[ids] = True
        return np.flatnonzero(mark)

    @staticmethod
    def top(res: Scored, hit: np.ndarray, depth: int) -> list[tuple[float, int]]:
        """The `depth` best (score, docnum) among `hit`, by score, then docnum."""
        idx = np.flatnonzero(hit)
        if not len(idx) or depth <= 0:
            return []
        scores = res.score[idx]
        docs = idx if res.docs is None else res.docs[idx]
        if len(docs) > depth:
            # Everything scoring at least the depth-th best, so ties at the cut keep docnum order.
            kth = np.partition(scores, len(docs) - depth)[len(docs) - depth]
            keep = scores >= kth
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:depth]
        return [(float(scores[i]), int(docs[i])) for i in order]

    def top_by(self, res: Scored, hit: np.ndarray, depth: int, fieldname: str) -> list[tuple[float, int]]:
        """The `depth` first (score, docnum) among `hit` by a column's value, greatest first, then docnum."""
        idx = np.flatnonzero(hit)
        if not len(idx) or depth <= 0:
            return []
        docs = idx if res.docs is None else res.docs[idx]
        order = np.lexsort((docs, -self.column_order(fieldname)[docs]))[:depth]
        return [(float(res.score[idx[i]]), int(docs[i])) for i in order]

    def column_order(self, fieldname: str) -> np.ndarray:
        """Each document's rank among the sorted values of a column (equal values, equal ranks)."""
        codes, names = self.column_codes(fieldname)
        rank = np.empty(len(names), dtype=np.int64)
        rank[np.argsort(np.array(names, dtype=object), kind="stable")] = np.arange(len(names))
        return rank[codes]

    def mask_of(self, q) -> np.ndarray:
        """Documents matching filter query `q`."""
        mask = np.zeros(self.n, dtype=bool)
        ids = np.fromiter(self.searcher.docs_for_query(q), dtype=np.int64)
        mask[ids] = True
        return mask

    def counts(self, fieldname: str, res: Scored, hit: np.ndarray) -> dict[str, int]:
        """How many of the matches `hit` (indexed like `res`) have each value of a column."""
        codes, names = self.column_codes(fieldname)
        tally = np.bincount(codes[res.docnums(hit)], minlength=len(names))
        return {names[i]: int(c) for i, c in enumerate(tally) if c}


def _combined(score: np.ndarray, hit: np.ndarray, subs: list[Scored]) -> Scored:
    terms = sum(s.terms for s in subs)
    count = None
    if len(subs) > 1 or (subs and subs[0].count is not None):
        count = np.zeros(len(hit), dtype=np.int32)
        for s in subs:
            if s.terms:
                count += s.matched_terms()
    return Scored(score, hit, terms, count)


def _length_bytes(reader, fieldname: str, size: int) -> np.ndarray | None:
    """The one-byte field lengths of a segment, read whole (None when the codec hides them)."""
    perdoc = getattr(reader, "_perdoc", None)
    get = getattr(perdoc, "_cached_reader", None)
    if get is None:
        return None
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        col = get(_lenfield(fieldname), LENGTHS_COLUMN)
    except Exception:
        return None
    if col is None:
        return np.zeros(size, dtype=np.uint8)
    try:
        out = np.zeros(size, dtype=np.uint8)
        count = min(col._count, size)
        if count and col._fixedlen == 1:
            out[:count] = np.frombuffer(bytes(col._dbfile.get(col._basepos, count)), dtype=np.uint8)
        elif count:
            out[:count] = [col[d] for d in range(count)]
        return out
    except Exception:
        return np.fromiter((col[d] for d in range(size)), dtype=np.uint8, count=size)


def _segment_id(reader) -> str:
    segment = getattr(reader, "_segment", None)
    return segment.segment_id() if segment is not None else str(id(reader))


def _block_values(postfile, where) -> tuple:
    """The encoded posting values of one block (a tuple already, for inlined postings)."""
    if isinstance(where, tuple) and len(where) == 3 and isinstance(where[0], int):
        offset, length, compression = where
        data = postfile.get(offset, length)
        if compression:
            data = zlib.decompress(data)
        return loads(data)[2]
    return where


def _decode_postings(m) -> tuple[np.ndarray, np.ndarray, list[int], list]:
    """A segment's (docnums, weights, block starts, block locations) for one term, read whole."""
    ids, ws, blocks = _read_postings(m)
    return (ids.astype(np.int32), ws.astype(np.float32), [b for b, _ in blocks], [w for _, w in blocks])


def _read_postings(m) -> tuple[np.ndarray, np.ndarray, list]:
    """All (docnums, weights, blocks) of a segment's posting matcher; blocks say where values are."""
    if hasattr(m, "_read_data") and hasattr(m, "_next_block"):
        ids_parts, w_parts, blocks = [], [], []
        count = 0
        while m.is_active():
            blocks.append((count, (m._dataoffset, m._nextoffset - m._dataoffset, m._compression)))
            count += m._blocklength
            if m._data is None:
                m._read_data()
            deltas, weights = m._data[0], m._data[1]
            n = m._blocklength
            ids_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
            if weights is None:
                w_parts.append(np.ones(n))
            elif isinstance(weights, float):
                w_parts.append(np.full(n, weights))
            else:
                w_parts.append(np.asarray(weights, dtype=np.float64))
            m._next_block()
        return np.concatenate(ids_parts), np.concatenate(w_parts), blocks
    ids, ws, vals = [], [], []
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        vals.append(m.value())
        m.next()
    return np.array(ids, dtype=np.int64), np.array(ws, dtype=np.float64), [(0, tuple(vals))]
