"""The query tree (search/querylang.py) as Whoosh queries, with the scorers newsearch adds to Whoosh.

Each concept becomes a clause matching any of its forms (the compound, or its parts as a phrase)
in the title or body. Concepts are optional by default: more matched concepts rank higher (BM25
sums, plus a small coordination bonus), so keyword queries and natural questions both work.
A compound's parts found apart add to the score of a document that matches (`AndMaybe`), never
make a match alone. Proximity and the title's extra weight are kept apart (`Compiled.rerank`): they
re-rank only the best candidates of the first pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as Q
from whoosh.matching import DisjunctionMaxMatcher, WrappingMatcher
from whoosh.scoring import bm25

from ...analysis import QueryUnit
from ...entities.keys import name_key
from ...search.querylang import FIELDS, AnyOf, Concepts, Entity, Node, Phrase, QueryTree
from ...search.settings import Ranking


@dataclass
class Compiled:
    """A query tree as one Whoosh query, plus the clauses that only re-rank the best candidates."""

    query: Q.Query
    rerank: list[Q.Query] = field(default_factory=list)


def _span_scorer(m, searcher, fieldname: str, words, boost: float, idf_of=max):
    """Wrap a span matcher so it scores as one pseudo-term (BM25 over its span count)."""
    if not m.is_active():
        return m
    parent = searcher.get_parent()
    idf = idf_of(parent.idf(fieldname, w) for w in words)
    weighting = searcher.weighting
    b = getattr(weighting, "_field_B", {}).get(fieldname, getattr(weighting, "B", 0.75))
    k1 = getattr(weighting, "K1", 1.2)
    avgfl = parent.avg_field_length(fieldname) or 1
    return _PhraseScorer(m, searcher.reader(), fieldname, idf * boost, avgfl, b, k1)


class ScoredPhrase(Q.Phrase):
    """A phrase scored as one pseudo-term by BM25 over its own frequency in the document.

    Whoosh scores a phrase by the sum of its words' scores over all their occurrences, so
    `카카오 ... 헬스케어` scattered through an article would rank like the phrase itself.
    """

    def matcher(self, searcher, context=None):
        boost, self.boost = self.boost, 1.0
        try:
            m = super().matcher(searcher, context)
        finally:
            self.boost = boost
        return _span_scorer(m, searcher, self.fieldname, self.words, boost)


class Near(Q.Query):
    """Two terms within `slop` positions of each other in either order, scored as a pseudo-term."""

    def __init__(self, fieldname: str, a: str, b: str, slop: int, boost: float = 1.0):
        self.fieldname, self.words, self.slop, self.boost = fieldname, (a, b), slop, boost

    def __eq__(self, other):
        return (type(other) is Near and self.fieldname == other.fieldname and self.words == other.words
                and self.slop == other.slop and self.boost == other.boost)

    def __hash__(self):
        return hash((self.fieldname, self.words, self.slop, self.boost))

    def __repr__(self):
        return f"Near({self.fieldname!r}, {self.words!r}, slop={self.slop}, boost={self.boost})"

    def terms(self, phrases=False):
        return [(self.fieldname, w) for w in self.words]

    def estimate_size(self, ixreader):
        return min(ixreader.doc_frequency(self.fieldname, w) for w in self.words)

    def matcher(self, searcher, context=None):
        from whoosh.matching import NullMatcher
        from whoosh.query.spans import SpanNear2

        reader = searcher.reader()
        if any((self.fieldname, w) not in reader for w in self.words):
            return NullMatcher()
        q = SpanNear2([Q.Term(self.fieldname, w) for w in self.words], slop=self.slop, ordered=False)
        return _span_scorer(q.matcher(searcher, context), searcher, self.fieldname, self.words, self.boost,
                            idf_of=min)


class _PhraseScorer(WrappingMatcher):
    def __init__(self, child, reader, fieldname, idf, avgfl, b, k1):
        super().__init__(child)
        self._args = (reader, fieldname, idf, avgfl, b, k1)

    def _replacement(self, newchild):
        return self.__class__(newchild, *self._args)

    def copy(self):
        return self.__class__(self.child.copy(), *self._args)

    def supports_block_quality(self):
        return False

    def score(self):
        reader, fieldname, idf, avgfl, b, k1 = self._args
        tf = len(self.child.spans()) or 1
        fl = reader.doc_field_length(self.child.id(), fieldname, 1)
        return bm25(idf, tf, fl, avgfl, b, k1)


class _BestMatcher(DisjunctionMaxMatcher):
    """Whoosh's DisjunctionMaxMatcher scores a child that sits on another document; this does not."""

    def score(self):
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        ida, idb = a.id(), b.id()
        if ida < idb:
            return a.score()
        if idb < ida:
            return b.score()
        return max(a.score(), b.score())


class BestOf(Q.DisjunctionMax):
    """Matches any subquery; a document scores by its best-scoring one."""

    def _matcher(self, subs, searcher, context):
        r = searcher.reader()
        return self._tree_matcher(subs, _BestMatcher, searcher, context, lambda q: q.estimate_size(r),
                                  tiebreak=self.tiebreak)


def _alt_query(fieldname: str, alt: tuple[str, ...], boost: float) -> Q.Query:
    if len(alt) == 1:
        return Q.Term(fieldname, alt[0], boost=boost)
    return ScoredPhrase(fieldname, list(alt), slop=1, boost=boost)


def unit_query(unit: QueryUnit, fields: tuple[str, ...], ranking: Ranking) -> Q.Query:
    """Any form of the concept, in any of the fields (best form per field, fields summed)."""
    per_field = []
    for f in fields:
        # The form as written (the compound) outranks its parts found apart.
        alts = [_alt_query(f, alt, ranking.field_weight(f) * (1.0 if k == 0 else ranking.split_weight))
                for k, alt in enumerate(unit.alternatives)]
        per_field.append(alts[0] if len(alts) == 1 else BestOf(alts))
    return per_field[0] if len(per_field) == 1 else Q.Or(per_field)


def _concept_queries(node: Concepts, ranking: Ranking, rerank_out: list | None,
                     parts_out: list | None = None) -> list[Q.Query]:
    """One query per concept (and per part of a compound), plus proximity and title re-rank clauses."""
    fields = (node.fieldname,) if node.fieldname else FIELDS
    units = node.units
    if ranking.proximity_weight and "body" in fields and rerank_out is not None:
        heads = [u.alternatives[0] for u in units]
        for a, b in zip(heads, heads[1:]):
            if len(a) == 1 and len(b) == 1 and a != b:
                rerank_out.append(Near("body", a[0], b[0], ranking.proximity_slop, ranking.proximity_weight))
    # The body field holds the title too, so candidates are found in it alone; the extra weight of a
    # title match is added when the best candidates are re-ranked (half the matchers per query).
    first_fields = ("body",) if fields == FIELDS and rerank_out is not None else fields
    out = []
    for u in units:
        out.append(unit_query(u, first_fields, ranking))
        if first_fields != fields:
            rerank_out.append(unit_query(u, ("title",), ranking))
        if ranking.part_weight and parts_out is not None:
            # A compound's parts found apart add to the score of whatever matches; alone they never make a match.
            for term in u.parts():
                parts_out.append(Q.Or([Q.Term(f, term, boost=ranking.field_weight(f) * ranking.part_weight)
                                        for f in first_fields]))
    return out


def _queries(node: Node, ranking: Ranking, rerank_out: list | None, parts_out: list | None = None) -> list[Q.Query]:
    """The node as Whoosh queries (several for a run of free words); `rerank_out` and `parts_out` (the
    compounds' parts, scored in the first pass but never matching alone) only at the top."""
    if isinstance(node, AnyOf):
        subs = [q for m in node.members for q in _queries(m, ranking, None)]
        return [Q.Or(subs)] if subs else []
    if isinstance(node, Phrase):
        fields = (node.fieldname,) if node.fieldname else FIELDS
        return [Q.Or([_alt_query(f, tuple(node.words), ranking.field_weight(f)) for f in fields])]
    if isinstance(node, Entity):
        return [Q.Term(node.kind, name_key(node.name), boost=ranking.field_weight(node.kind))]
    return _concept_queries(node, ranking, rerank_out, parts_out)


def compile_tree(tree: QueryTree, ranking: Ranking) -> Compiled:
    """The Whoosh query of a parsed query that has something to search (`tree.reason` is None)."""
    rerank: list[Q.Query] = []
    parts: list[Q.Query] = []
    should = [q for n in tree.should for q in _queries(n, ranking, rerank, parts)]
    must = [q for n in tree.must for q in _queries(n, ranking, rerank, parts)]
    must_not = [q for n in tree.must_not for q in _queries(n, ranking, None)]
    required = (Q.And(must) if len(must) > 1 else must[0]) if must else None
    if required is not None and should:
        positive: Q.Query | None = Q.AndMaybe(required, _or(should, ranking))
    elif required is not None or should:
        positive = required if required is not None else _or(should, ranking)
    else:
        positive = None
    if positive is not None and parts:
        positive = Q.AndMaybe(positive, Q.Or(parts) if len(parts) > 1 else parts[0])
    names = [q for e in tree.entities for q in _queries(e, ranking, None)]  # narrow whatever else matches
    if names:
        positive = Q.And(names + [positive]) if positive is not None else (Q.And(names) if len(names) > 1
                                                                          else names[0])
    if must_not:
        positive = Q.AndNot(positive, Q.Or(must_not))
    return Compiled(positive, rerank)


def _or(queries: list[Q.Query], ranking: Ranking) -> Q.Query:
    if len(queries) == 1:
        return queries[0]
    return Q.Or(queries, scale=ranking.coord_scale)
