"""The query language: free Korean text plus `"phrase"`, `-exclude`, `+require`, `OR`, `title:`.

Free text is analysed by Kiwi as a whole (context matters for Korean), then each concept
becomes a clause matching any of its forms (the compound, or its parts as a phrase) in the
title or body. Concepts are optional by default: more matched concepts rank higher (BM25
sums, plus a small coordination bonus), so keyword queries and natural questions both work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as Q
from whoosh.matching import DisjunctionMaxMatcher, WrappingMatcher
from whoosh.scoring import bm25

from .analysis import QueryUnit, phrase_terms, query_units

FIELDS = ("title", "body")
MAX_QUERY_CHARS = 2000  # longer input is cut: no reader types more, and Kiwi time grows with it
COORD_SCALE = 0.25
# Weight of a compound's other forms (its parts as a phrase) against the form as written.
SPLIT_WEIGHT = 1.0
# A compound's parts also count one by one, at this weight (0: only as the compound or a phrase).
PART_WEIGHT = 0.4
# Proximity (sequential dependence): adjacent query concepts found near each other in the body
# earn a bonus clause of this weight, within this many positions.
PROXIMITY_WEIGHT = 0.3
PROXIMITY_SLOP = 4
# Query-time field weights (BM25F-style: a title match counts more than a body match).
FIELD_WEIGHTS = {"title": 0.5, "body": 1.0}

_CLAUSE = re.compile(
    r'(?P<sign>[+-]?)(?:(?P<field>title|body|제목|본문):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>\S+))'
)
_FIELD_ALIASES = {"제목": "title", "본문": "body"}
# Surface forms of particles and common endings: a query word made only of these has no
# content, though Kiwi, seeing it alone, may call it a noun (`을` -> NNG).
PARTICLES = frozenset("""
이 가 을 를 은 는 의 에 에서 에게 께 한테 로 으로 와 과 도 만 요 야 아 이나 나 이랑 랑 하고 부터 까지
처럼 보다 마저 조차 밖에 께서 에게서 이며 며 든지 이든지 라도 이라도 뿐 대로 만큼 커녕 다 이다 입니다
""".split())
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def is_function_word(word: str) -> bool:
    """True for a word made only of particles/endings or punctuation (`을를`, `에서`, `?!`)."""
    word = word.strip(".,!?~\"'()[]{}<>·…")
    if not word:
        return True
    reach = [True] + [False] * len(word)
    for i in range(len(word)):
        if reach[i]:
            for j in range(i + 1, min(len(word), i + 4) + 1):
                if word[i:j] in PARTICLES:
                    reach[j] = True
    return reach[-1]


class QuerySyntaxError(ValueError):
    """A query that cannot be understood, with a reason a reader can act on."""


@dataclass
class Clause:
    """One parsed piece of the query before analysis."""

    text: str
    sign: str = ""  # "", "+" or "-"
    fieldname: str | None = None
    phrase: bool = False
    or_group: list["Clause"] = field(default_factory=list)


@dataclass
class ParsedQuery:
    """A Whoosh query plus the terms to highlight, or the reason there is none."""

    query: Q.Query | None
    highlight_terms: set[str]
    units: list[QueryUnit]
    reason: str | None = None
    # Proximity clauses, scored only over the best first-pass candidates (spans are costly).
    rerank: list[Q.Query] = field(default_factory=list)
    # Only free words (no phrase, exclusion, OR or field): looser matching may widen it.
    plain: bool = True


def clean(text: str) -> str:
    """Drop control characters and lone surrogates; cut overlong input."""
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() or ch in " \t" else " " for ch in text[:MAX_QUERY_CHARS])
    return text.strip()


def tokenize_clauses(text: str) -> list[Clause]:
    """Split the query into clauses; runs of plain words stay together for analysis."""
    clauses: list[Clause] = []
    plain: list[str] = []

    def flush() -> None:
        if plain:
            clauses.append(Clause(" ".join(plain)))
            plain.clear()

    pending_or = False
    for m in _CLAUSE.finditer(text):
        sign, fld, phrase, word = m.group("sign"), m.group("field"), m.group("phrase"), m.group("word")
        if word == "OR" and not sign and not fld:
            flush()
            pending_or = bool(clauses)
            continue
        is_plain = not sign and not fld and phrase is None
        if is_plain and not pending_or:
            plain.append(word)
            continue
        flush()
        fld = _FIELD_ALIASES.get(fld, fld)
        clause = Clause(phrase if phrase is not None else word, sign, fld, phrase is not None)
        if pending_or and clauses:
            prev = clauses[-1]
            if not prev.or_group:
                clauses[-1] = Clause("", prev.sign, None, False, [prev])
            clauses[-1].or_group.append(clause)
            pending_or = False
            continue
        clauses.append(clause)
    flush()
    return clauses


def _fields(clause_field: str | None) -> tuple[str, ...]:
    return (clause_field,) if clause_field else FIELDS


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


def _alt_query(fieldname: str, alt: tuple[str, ...], weight: float = 1.0) -> Q.Query:
    boost = FIELD_WEIGHTS.get(fieldname, 1.0) * weight
    if len(alt) == 1:
        return Q.Term(fieldname, alt[0], boost=boost)
    return ScoredPhrase(fieldname, list(alt), slop=1, boost=boost)


def unit_query(unit: QueryUnit, fields: tuple[str, ...], weight: float = 1.0) -> Q.Query:
    """Any form of the concept, in any of the fields (best form per field, fields summed)."""
    per_field = []
    for f in fields:
        # The form as written (the compound) outranks its parts found apart.
        alts = [_alt_query(f, alt, weight * (1.0 if k == 0 else SPLIT_WEIGHT))
                for k, alt in enumerate(unit.alternatives)]
        per_field.append(alts[0] if len(alts) == 1 else BestOf(alts))
    return per_field[0] if len(per_field) == 1 else Q.Or(per_field)


def _clause_queries(clause: Clause, units_out: list[QueryUnit], terms_out: set[str],
                    rerank_out: list[Q.Query] | None = None) -> list[Q.Query]:
    """The clause as one or more concept queries (several for a run of plain words)."""
    if clause.or_group:
        subs = []
        for c in clause.or_group:
            subs.extend(_clause_queries(c, units_out, terms_out, None))
        return [Q.Or(subs)] if subs else []
    fields = _fields(clause.fieldname)
    if clause.phrase:
        words = phrase_terms(clause.text)
        if not words:
            return []
        terms_out.update(words)
        return [Q.Or([_alt_query(f, tuple(words)) for f in fields])]
    content = " ".join(w for w in clause.text.split() if not is_function_word(w))
    units = query_units(content) if content else []
    units_out.extend(units)
    for u in units:
        terms_out.update(u.terms())
    out = []
    if PROXIMITY_WEIGHT and "body" in fields and rerank_out is not None:
        heads = [u.alternatives[0] for u in units]
        pairs = list(zip(heads, heads[1:]))
        for a, b in pairs:
            if len(a) == 1 and len(b) == 1 and a != b:
                rerank_out.append(Near("body", a[0], b[0], PROXIMITY_SLOP, PROXIMITY_WEIGHT))
    # The body field holds the title too, so candidates are found in it alone; the extra weight of a
    # title match is added when the best candidates are re-ranked (half the matchers per query).
    first_fields = ("body",) if fields == FIELDS and rerank_out is not None else fields
    for u in units:
        out.append(unit_query(u, first_fields))
        if first_fields != fields:
            rerank_out.append(unit_query(u, ("title",)))
        if PART_WEIGHT:
            parts = [a for a in u.alternatives if len(a) > 1]
            for term in (parts[0] if parts else ()):
                out.append(Q.Or([Q.Term(f, term, boost=FIELD_WEIGHTS.get(f, 1.0) * PART_WEIGHT)
                                 for f in first_fields]))
    return out


def parse(text: str, syntax: bool = True) -> ParsedQuery:
    """Parse user input into a Whoosh query over title and body.

    With `syntax=False` the text is taken as plain words (quotes, `-`, `OR`, `field:` mean nothing):
    for judged question sets, whose questions are prose, not query syntax.
    """
    text = clean(text)
    if not text:
        return ParsedQuery(None, set(), [], "empty query")
    should: list[Q.Query] = []
    must: list[Q.Query] = []
    must_not: list[Q.Query] = []
    units: list[QueryUnit] = []
    terms: set[str] = set()
    rerank: list[Q.Query] = []
    clauses = tokenize_clauses(text) if syntax else [Clause(text)]
    plain = all(not (c.sign or c.fieldname or c.phrase or c.or_group) for c in clauses)
    for clause in clauses:
        negative = clause.sign == "-"
        qs = _clause_queries(clause, units if not negative else [], terms if not negative else set(),
                             rerank if not negative else None)
        if not qs:
            continue
        if negative:
            must_not.extend(qs)
        elif clause.sign == "+":
            must.extend(qs)
        else:
            should.extend(qs)
    if not should and not must:
        reason = ("only excluded words: add a word to search for" if must_not
                  else "no searchable words in the query (only particles, endings or punctuation)")
        return ParsedQuery(None, set(), units, reason)
    if must and should:
        positive: Q.Query = Q.AndMaybe(Q.And(must) if len(must) > 1 else must[0], _or(should))
    elif must:
        positive = Q.And(must) if len(must) > 1 else must[0]
    else:
        positive = _or(should)
    if must_not:
        positive = Q.AndNot(positive, Q.Or(must_not))
    return ParsedQuery(positive, terms, units, rerank=rerank, plain=plain)


def _or(queries: list[Q.Query]) -> Q.Query:
    if len(queries) == 1:
        return queries[0]
    return Q.Or(queries, scale=COORD_SCALE)
