"""The query language, parsed once for every store: free Korean text plus `"phrase"`, `-exclude`,
`+require`, `OR`, `title:`/`제목:`, `body:`/`본문:` and `quote:`/`인용:` (words inside the article's quotations), the
names found in articles `person:`/`인물:`, `org:`/`기관:`, `place:`/`지역:` (entities/), and the byline filter `reporter:`/`기자:` (`기자:홍길동`: articles
whose reporter is 홍길동; several name any of them, `-기자:` leaves them out; it filters, it is not searched).

Free text is analysed by Kiwi as a whole (context matters for Korean) into concepts
(`QueryUnit`s), each matching any of its forms. The result is a `QueryTree` of should / must /
must-not clauses that each store compiles to its own query (backends/*/queries.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..analysis import Analyzer, QueryUnit
from ..entities.keys import KINDS as ENTITY_FIELDS
from .model import Reason

FIELDS = ("title", "body")
MAX_QUERY_CHARS = 2000  # longer input is cut: no reader types more, and Kiwi time grows with it

_CLAUSE = re.compile(
    r'(?P<sign>[+-]?)(?:(?P<field>title|body|reporter|quote|person|org|place|제목|본문|기자|인용|인물|기관|지역):)?'
    r'(?:"(?P<phrase>[^"]*)"?|(?P<word>\S+))'
)
_FIELD_ALIASES = {"제목": "title", "본문": "body", "기자": "reporter", "인용": "quote", "인물": "people", "기관": "orgs",
                  "지역": "places", "person": "people", "org": "orgs", "place": "places"}
# Fields that filter by the article's stored value instead of searching text.
FILTER_FIELDS = ("reporter",)
# Surface forms of particles and common endings: a query word made only of these has no
# content, though Kiwi, seeing it alone, may call it a noun (`을` -> NNG).
PARTICLES = frozenset("""
이 가 을 를 은 는 의 에 에서 에게 께 한테 로 으로 와 과 도 만 요 야 아 이나 나 이랑 랑 하고 부터 까지
처럼 보다 마저 조차 밖에 께서 에게서 이며 며 든지 이든지 라도 이라도 뿐 대로 만큼 커녕 다 이다 입니다
""".split())
# Hangul compatibility letters (ㄱ-ㅎ, ㅏ-ㅣ) and spaces only: a 초성 abbreviation, not words.
_JAMO_ONLY = re.compile(r"[\u3131-\u318e\s]*[\u3131-\u318e][\u3131-\u318e\s]*")


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


@dataclass
class Clause:
    """One parsed piece of the query before analysis."""

    text: str
    sign: str = ""  # "", "+" or "-"
    fieldname: str | None = None
    phrase: bool = False
    or_group: list["Clause"] = field(default_factory=list)
    offset: int = 0  # where its text starts in the query (a run of plain words: its first word)


@dataclass
class Concepts:
    """A run of free words: its concepts, in one field or in both."""

    units: list[QueryUnit]
    fieldname: str | None = None
    # Where the clause starts in `QueryTree.text`. The units' offsets count in the clause's words from
    # there, function words left out, joined by single spaces (spelling corrections map them back).
    offset: int | None = None


@dataclass
class Phrase:
    """A quoted phrase: its terms in order."""

    words: list[str]
    fieldname: str | None = None


@dataclass
class Entity:
    """`인물:황창규`, `기관:KT`, `지역:부산`: articles in which the name was found as a person, organisation or
    place (`kind` is one of ENTITY_FIELDS); ranked by how often the article names it."""

    kind: str
    name: str
    words: list[str] = field(default_factory=list)  # the name's index terms, for highlighting its mentions


@dataclass
class AnyOf:
    """`a OR b`: any member matches."""

    members: list["Concepts | Phrase | AnyOf"]


Node = Concepts | Phrase | Entity | AnyOf


@dataclass
class QueryTree:
    """A parsed query: its clauses, what to highlight, or the reason there is nothing to search."""

    text: str
    should: list[Node] = field(default_factory=list)
    must: list[Node] = field(default_factory=list)
    must_not: list[Node] = field(default_factory=list)
    units: list[QueryUnit] = field(default_factory=list)  # the searched concepts, in order
    highlight_terms: set[str] = field(default_factory=set)
    plain: bool = True  # only free words (no phrase, exclusion, OR or field): looser matching may widen it
    reason: Reason | None = None
    # `기자:이름`: only articles by one of these reporters (an article has one byline); `-기자:이름`: none by these.
    reporters: list[str] = field(default_factory=list)
    excluded_reporters: list[str] = field(default_factory=list)
    # `인물:이름`, `기관:이름`, `지역:이름` (with or without `+`): every one is required, around whatever else the
    # query matches (`헬스케어 인물:황창규`: the 헬스케어 articles that name 황창규): a facet's click narrows.
    entities: list[Entity] = field(default_factory=list)

    def requiring_all(self) -> "QueryTree":
        """The same query with every concept required (for orders other than relevance, as Naver does)."""
        return replace(self, should=[], must=self.must + self.should)  # each concept of a node is a clause


def clean(text: str) -> str:
    """Drop control characters and lone surrogates; cut overlong input."""
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    text = "".join(ch if ch.isprintable() or ch in " \t" else " " for ch in text[:MAX_QUERY_CHARS])
    return text.strip()


def tokenize_clauses(text: str) -> list[Clause]:
    """Split the query into clauses; runs of plain words stay together for analysis."""
    clauses: list[Clause] = []
    plain: list[str] = []
    plain_at = 0

    def flush() -> None:
        if plain:
            clauses.append(Clause(" ".join(plain), offset=plain_at))
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
            if not plain:
                plain_at = m.start("word")
            plain.append(word)
            continue
        flush()
        fld = _FIELD_ALIASES.get(fld, fld)
        clause = Clause(phrase if phrase is not None else word, sign, fld, phrase is not None,
                        offset=m.start("phrase") if phrase is not None else m.start("word"))
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


def _node(clause: Clause, analyzer: Analyzer) -> Node | None:
    """The clause analysed; None when nothing in it can be searched."""
    if clause.fieldname in FILTER_FIELDS:  # a byline inside an OR group of words: not a text to search
        return None
    if clause.or_group:
        members = [m for m in (_node(c, analyzer) for c in clause.or_group) if m is not None]
        return AnyOf(members) if members else None
    if clause.fieldname in ENTITY_FIELDS:
        name = " ".join(clause.text.split()).strip(".,!?~'()[]{}<>·…")
        return Entity(clause.fieldname, name, analyzer.phrase_terms(name)) if name else None
    if clause.phrase:
        words = analyzer.phrase_terms(clause.text)
        return Phrase(words, clause.fieldname) if words else None
    content = " ".join(w for w in clause.text.split() if not is_function_word(w))
    units = analyzer.query_units(content) if content else []
    return Concepts(units, clause.fieldname, clause.offset) if units else None


def _filter(clause: Clause, tree: QueryTree) -> bool:
    """Record a `기자:` clause, or an OR group of them only, as the tree's byline filter; False for any other."""
    members = clause.or_group or [clause]
    if not all(m.fieldname in FILTER_FIELDS for m in members):
        return False
    names = tree.excluded_reporters if clause.sign == "-" else tree.reporters
    for m in members:
        name = " ".join(m.text.split())
        if name and name not in names:
            names.append(name)
    return True


def _collect(node: Node, tree: QueryTree) -> None:
    """Add a searched node's concepts and highlight terms to the tree."""
    if isinstance(node, AnyOf):
        for m in node.members:
            _collect(m, tree)
    elif isinstance(node, Phrase):
        tree.highlight_terms.update(node.words)
    elif isinstance(node, Entity):
        tree.highlight_terms.update(node.words)
    else:
        tree.units.extend(node.units)
        for u in node.units:
            tree.highlight_terms.update(u.terms())


def parse(text: str, analyzer: Analyzer, syntax: bool = True) -> QueryTree:
    """Parse user input into a `QueryTree` (its `reason` says why there is nothing to search).

    With `syntax=False` the text is taken as plain words (quotes, `-`, `OR`, `field:` mean nothing):
    for judged question sets, whose questions are prose, not query syntax.
    """
    text = clean(text)
    tree = QueryTree(text)
    if not text:
        tree.reason = Reason.EMPTY_QUERY
        return tree
    clauses = tokenize_clauses(text) if syntax else [Clause(text)]
    tree.plain = all(not (c.sign or c.fieldname or c.phrase or c.or_group) for c in clauses)
    for clause in clauses:
        if _filter(clause, tree):
            continue
        node = _node(clause, analyzer)
        if node is None:
            continue
        if clause.sign == "-":
            tree.must_not.append(node)
            continue
        if isinstance(node, Entity):
            tree.entities.append(node)
            _collect(node, tree)
            continue
        (tree.must if clause.sign == "+" else tree.should).append(node)
        _collect(node, tree)
    if not tree.should and not tree.must and not tree.entities:
        if tree.reporters or tree.excluded_reporters:
            tree.reason = Reason.ONLY_FILTERS
        elif tree.must_not:
            tree.reason = Reason.ONLY_EXCLUDED
        elif _JAMO_ONLY.fullmatch(text):
            tree.reason = Reason.JAMO_ONLY
        else:
            tree.reason = Reason.NO_SEARCHABLE_WORDS
    return tree
