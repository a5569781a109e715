"""The Whoosh store's ranking, computed over searchd's candidates with the cluster's global statistics.

searchd finds the candidates (its own ranker, deep enough: `SphinxStore` asks for `candidates(ranking)`);
each is then scored here from its stored spans (candidate.py) and the namespace's statistics over every
shard (stats.py), with the model `backends/whoosh` ranks by: the same query tree (`model`, as
`backends/whoosh/queries.compile_tree` builds it and Whoosh normalises it), BM25F with Lucene's idf and
`Ranking`'s k1, b and field weights, best-of compound forms, the coordination bonus, the parts of compounds
found apart (adding to whatever matches); then the same stages over the same depths: title matches and
proximity pairs for the best `rerank_depth`, the best passage for the best `window_depth`. A document's score therefore depends on the
query, the namespace and the document, never on the shard that holds it.

Differences left (ARCHITECTURE.md): entity clauses (`인물:` ...) only narrow here (Whoosh also scores them),
and a plain query without matches is not widened by Kiwi's other readings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ...search.querylang import FIELDS, AnyOf, Concepts, Entity, Node, Phrase, QueryTree
from ...search.settings import Ranking
from .candidate import Candidate
from .stats import Stats

# searchd's best candidates re-scored for a ranked page: every page within them is Whoosh's order.
MIN_CANDIDATES = 300


def candidates(ranking: Ranking) -> int:
    """How many of searchd's best matches are re-scored (the rest keep searchd's order after them)."""
    return max(MIN_CANDIDATES, 3 * ranking.rerank_depth)


# -- the query model (backends/whoosh/queries.py's tree, without Whoosh) --------------------------------


@dataclass(frozen=True)
class Term:
    fieldname: str
    word: str
    boost: float = 1.0


@dataclass(frozen=True)
class Words:
    """Consecutive words scored as one pseudo-term (whoosh/queries.ScoredPhrase)."""

    fieldname: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Near:
    fieldname: str
    words: tuple[str, str]
    slop: int
    boost: float


@dataclass(frozen=True)
class Name:
    """An entity clause: it narrows (searchd matched it), it adds nothing."""

    fieldname: str
    word: str


@dataclass(frozen=True)
class Group:
    """`kind`: "or" (summed, with the coordination bonus when `scale`), "best" (best child), "and"."""

    kind: str
    subs: tuple
    boost: float = 1.0
    scale: float | None = None


@dataclass(frozen=True)
class Maybe:
    req: object
    opt: object


@dataclass
class Model:
    query: object
    rerank: list


def _alt(fieldname: str, alt: tuple[str, ...], boost: float):
    return Term(fieldname, alt[0], boost) if len(alt) == 1 else Words(fieldname, tuple(alt), boost)


def _unit(unit, fields: tuple[str, ...], r: Ranking):
    per_field = []
    for f in fields:
        alts = [_alt(f, alt, r.field_weight(f) * (1.0 if k == 0 else r.split_weight))
                for k, alt in enumerate(unit.alternatives)]
        per_field.append(alts[0] if len(alts) == 1 else Group("best", tuple(alts)))
    return per_field[0] if len(per_field) == 1 else Group("or", tuple(per_field))


def _concepts(node: Concepts, r: Ranking, rerank: list | None, parts_out: list | None = None) -> list:
    fields = (node.fieldname,) if node.fieldname else FIELDS
    units = node.units
    if r.proximity_weight and "body" in fields and rerank is not None:
        heads = [u.alternatives[0] for u in units]
        for a, b in zip(heads, heads[1:]):
            if len(a) == 1 and len(b) == 1 and a != b:
                rerank.append(Near("body", (a[0], b[0]), r.proximity_slop, r.proximity_weight))
    first = ("body",) if fields == FIELDS and rerank is not None else fields
    out = []
    for u in units:
        out.append(_unit(u, first, r))
        if first != fields:
            rerank.append(_unit(u, ("title",), r))
        if r.part_weight and parts_out is not None:
            for term in u.parts():
                parts_out.append(Group("or", tuple(Term(f, term, r.field_weight(f) * r.part_weight) for f in first)))
    return out


def _queries(node: Node, r: Ranking, rerank: list | None, parts_out: list | None = None) -> list:
    if isinstance(node, AnyOf):
        subs = [q for m in node.members for q in _queries(m, r, None)]
        return [Group("or", tuple(subs))] if subs else []
    if isinstance(node, Phrase):
        fields = (node.fieldname,) if node.fieldname else FIELDS
        return [Group("or", tuple(_alt(f, tuple(node.words), r.field_weight(f)) for f in fields))]
    if isinstance(node, Entity):
        return [Name(node.kind, node.name)]
    return _concepts(node, r, rerank, parts_out)


def model(tree: QueryTree, r: Ranking) -> Model:
    """The query and its re-rank clauses, normalised as Whoosh normalises them (exclusions: searchd's)."""
    rerank: list = []
    parts: list = []
    should = [q for n in tree.should for q in _queries(n, r, rerank, parts)]
    must = [q for n in tree.must for q in _queries(n, r, rerank, parts)]
    required = (Group("and", tuple(must)) if len(must) > 1 else must[0]) if must else None
    any_of = (Group("or", tuple(should), scale=r.coord_scale) if len(should) > 1 else should[0]) if should else None
    if required is not None and any_of is not None:
        positive = Maybe(required, any_of)
    else:
        positive = required if required is not None else any_of
    if positive is not None and parts:  # a compound's parts add to whatever matches, never match alone
        positive = Maybe(positive, Group("or", tuple(parts)) if len(parts) > 1 else parts[0])
    names = [q for e in tree.entities for q in _queries(e, r, None)]
    if names:
        subs = names + ([positive] if positive is not None else [])
        positive = Group("and", tuple(subs)) if len(subs) > 1 else subs[0]
    return Model(normalized(positive), [normalized(q) for q in rerank])


def normalized(q):
    """Whoosh's `normalize()`: nested groups of a kind merged, repeated children dropped, one child unwrapped."""
    if isinstance(q, Maybe):
        return Maybe(normalized(q.req), normalized(q.opt))
    if not isinstance(q, Group):
        return q
    subs = []
    for s in (normalized(s) for s in q.subs):
        if isinstance(s, Group) and s.kind == q.kind:
            subs += [_boosted(ss, ss.boost * s.boost) for ss in s.subs]
        else:
            subs.append(s)
    subs = list(dict.fromkeys(subs))
    if len(subs) == 1:
        return _boosted(subs[0], getattr(subs[0], "boost", 1.0) * q.boost)
    return replace(q, subs=tuple(subs))


def _boosted(q, boost: float):
    return replace(q, boost=boost) if hasattr(q, "boost") and not isinstance(q, Near) else q


def words(m: Model) -> set[str]:
    """Every term the model scores (their frequencies come from stats.py)."""
    out: set[str] = set()
    stack = [m.query, *m.rerank]
    while stack:
        q = stack.pop()
        if isinstance(q, Term):
            out.add(q.word)
        elif isinstance(q, (Words, Near)):
            out.update(q.words)
        elif isinstance(q, Group):
            stack.extend(q.subs)
        elif isinstance(q, Maybe):
            stack += [q.req, q.opt]
    return out


# -- scoring (backends/whoosh/scorer.py and proximity.py, one candidate at a time) ----------------------


class Scorer:
    """Scores model nodes for candidates with the collection's statistics (`Stats`) and `Ranking`."""

    def __init__(self, stats: Stats, ranking: Ranking):
        self.stats, self.ranking = stats, ranking
        self._terms: dict[int, int] = {}  # id(node) -> term matchers (a node's hash walks its whole subtree)
        self._idf: dict[tuple[str, str], float] = {}

    def idf(self, fieldname: str, word: str) -> float:
        """Lucene's probabilistic idf over the whole namespace (whoosh/searcher.NewsBM25)."""
        got = self._idf.get((fieldname, word))
        if got is None:
            n, docs = self.stats.doc_frequency(fieldname, word), self.stats.docs
            got = self._idf[(fieldname, word)] = math.log(1 + (docs - n + 0.5) / (n + 0.5))
        return got

    def bm25(self, fieldname: str, idf: float, tf: float, doc: Candidate) -> float:
        k1, b = self.ranking.k1, self.ranking.field_b(fieldname)
        fl, avgfl = doc.lengths.get(fieldname, 1.0), self.stats.avg_length(fieldname)
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def terms(self, q) -> int:
        """How many term matchers Whoosh builds for `q` (a word missing from the collection builds none)."""
        got = self._terms.get(id(q))
        if got is None:
            if isinstance(q, Term):
                got = 1 if self.stats.doc_frequency(q.fieldname, q.word) else 0
            elif isinstance(q, Words):
                got = len(q.words) if all(self.stats.doc_frequency(q.fieldname, w) for w in q.words) else 0
            elif isinstance(q, Group):
                got = sum(self.terms(s) for s in q.subs)
            elif isinstance(q, Maybe):
                got = self.terms(q.req) + self.terms(q.opt)
            else:
                got = 1
            self._terms[id(q)] = got
        return got

    def score(self, q, doc: Candidate) -> tuple[float, bool, int]:
        """(score, matched, matched term matchers) of node `q` in `doc`."""
        if isinstance(q, Term):
            tf = doc.tf(q.fieldname, q.word)
            if not tf:
                return 0.0, False, 0
            return self.bm25(q.fieldname, self.idf(q.fieldname, q.word), tf, doc) * q.boost, True, 1
        if isinstance(q, Words):
            tf = phrase_count(doc, q.fieldname, q.words) if self.terms(q) else 0
            if not tf:
                return 0.0, False, 0
            idf = max(self.idf(q.fieldname, w) for w in q.words) * q.boost
            return self.bm25(q.fieldname, idf, tf, doc), True, len(q.words)
        if isinstance(q, Near):
            return self.near(q, doc), False, 0
        if isinstance(q, Name):
            return 0.0, True, 1
        if isinstance(q, Maybe):
            (rs, rh, rc), opt = self.score(q.req, doc), self.score(q.opt, doc)
            return (rs + opt[0] if rh else 0.0), rh, rc + opt[2]
        return self._group(q, doc)

    def _group(self, q: Group, doc: Candidate) -> tuple[float, bool, int]:
        results = [self.score(s, doc) for s in q.subs]
        count = sum(c for _s, _h, c in results)
        hits = [h for _s, h, _c in results]
        if q.kind == "best":
            hit = any(hits)
            score = max((s for s, h, _c in results if h), default=0.0)
        elif q.kind == "and":
            hit = all(hits)
            score = sum(s for s, _h, _c in results) if hit else 0.0
        else:
            hit = any(hits)
            score = sum(s for s, _h, _c in results)
        score *= q.boost
        tc = self.terms(q)
        if q.kind == "or" and q.scale and len(q.subs) > 1 and tc and hit:
            # Whoosh's coordination ("short query ranking"): a bonus per matched term matcher.
            score = (score + (count - 1) / (tc - q.scale) ** 2) * ((tc - 1) / tc) if tc != q.scale else 0.0
        return (score if hit else 0.0), hit, count

    def near(self, q: Near, doc: Candidate) -> float:
        """Proximity bonus: occurrences of the two words within `slop` positions, either order."""
        a, b = (doc.occurrences(q.fieldname, w) for w in q.words)
        if not a or not b:
            return 0.0
        spans = {(min(x, y), max(x, y), min(xs, ys), max(xe, ye))
                 for x, xs, xe in a for y, ys, ye in b if 1 <= abs(x - y) <= q.slop}
        if not spans:
            return 0.0
        idf = min(self.idf(q.fieldname, w) for w in q.words) * q.boost
        return self.bm25(q.fieldname, idf, len(spans), doc)


def phrase_count(doc: Candidate, fieldname: str, words: tuple[str, ...]) -> int:
    """Occurrences of the words at consecutive positions (whoosh/proximity.Phrases: distinct spans)."""
    at = []
    for w in words:
        by_pos: dict[int, list[tuple[int, int]]] = {}
        for p, s, e in doc.occurrences(fieldname, w):
            by_pos.setdefault(p, []).append((s, e))
        if not by_pos:
            return 0
        at.append(by_pos)
    spans = set()
    for p0, chars in at[0].items():
        for k in range(1, len(words)):
            nxt = at[k].get(p0 + k)
            if not nxt:
                chars = []
                break
            chars = [(min(a, c), max(b, e)) for a, b in chars for c, e in nxt]
        spans.update((p0, ch) for ch in chars)
    return len(spans)


def best_window(doc: Candidate, units: list[tuple[tuple[str, ...], float]], width: int) -> float:
    """The greatest weight of distinct concepts whose body occurrences lie within `width` positions."""
    ev = sorted((p, k) for k, (terms, _w) in enumerate(units) for t in terms
                for p, _s, _e in doc.occurrences("body", t))
    weights = [w for _t, w in units]
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
        best = max(best, cur)
    return best


# -- the stages (backends/whoosh/searcher.WhooshStore._ranked) -----------------------------------------


def rank(tree: QueryTree, m: Model, scorer: Scorer, docs: list[Candidate]) -> list[tuple[float, int]]:
    """(score, doc key) of `docs` in the Whoosh store's order: the first pass, then its best `rerank_depth`
    re-ranked by title, parts and proximity, then its best `window_depth` by the best passage."""
    first = [(scorer.score(m.query, d)[0], d) for d in docs]
    first.sort(key=lambda x: (-x[0], x[1].tie))
    if not m.rerank:
        return [(s, d.key) for s, d in first]
    r = scorer.ranking
    head, tail = first[:r.rerank_depth], first[r.rerank_depth:]
    head = [(s + sum(scorer.score(q, d)[0] for q in m.rerank), d) for s, d in head]
    head.sort(key=lambda x: (-x[0], x[1].tie))
    if r.window_weight and len(tree.units) >= 2:
        units = []
        for u in tree.units:
            terms = tuple(sorted({alt[0] for alt in u.alternatives}))
            units.append((terms, max(scorer.idf("body", t) for t in terms)))
        best = [(s + r.window_weight * best_window(d, units, r.window_width), d) for s, d in head[:r.window_depth]]
        head = sorted(best, key=lambda x: (-x[0], x[1].tie)) + head[r.window_depth:]
    return [(s, d.key) for s, d in head + tail]


@dataclass
class Ranked:
    """searchd's best candidates of a query in the Whoosh store's order, and what scores any other match."""

    order: list[tuple[float, int, int]]  # (score, doc key, group key), best first
    total: int  # every match of the query
    warning: str | None
    scorer: Scorer
    model: Model
    complete: bool  # the candidates are every match

    def first_pass(self, doc: Candidate) -> float:
        """A match's score beyond the candidates: the first pass alone (as Whoosh's tail beyond the re-ranked)."""
        return self.scorer.score(self.model.query, doc)[0]

    def groups_first(self) -> list[tuple[float, int, int]]:
        """The best-ranked candidate of each group of copies, in order."""
        seen: set[int] = set()
        out = []
        for item in self.order:
            if item[2] not in seen:
                seen.add(item[2])
                out.append(item)
        return out
