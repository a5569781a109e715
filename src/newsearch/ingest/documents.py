"""Articles on their way into a store: Kiwi's terms of title and body, and how the fields hold them."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..analysis import Analyzer, Term
from ..copies import Signature, body_signature
from ..entities import Entities, extract
from ..entities.keys import KINDS, mentions, name_terms
from ..extract import Article, fallback_title
from .sources import Problem, SourceDoc


@dataclass
class IndexedDoc:
    """One analysed document on its way into a store."""

    doc: SourceDoc
    article: Article
    title_terms: list
    body_terms: list
    # The body's near-duplicate signature (copies/), None for a body too short to have one.
    signature: Signature | None = field(default=None)
    # People, organisations, places and quotations named in the article (entities/).
    entities: Entities = field(default_factory=Entities)

    @property
    def id(self) -> str:
        return self.doc.id

    def fields(self) -> tuple[list, list]:
        """The terms of the indexed title and body fields (see `indexed_terms`)."""
        return indexed_terms(self.article.title or "", self.article.body or "", self.title_terms, self.body_terms)

    def entity_fields(self) -> dict[str, tuple[str, list]]:
        """kind -> (text, terms) of the people, orgs and places fields: the names one a line, each indexed by
        `name_terms`, the whole name once per mention (so an article about a person outranks one naming them)."""
        text = (self.article.title or "") + "\n" + (self.article.body or "")
        out = {}
        for kind in KINDS:
            names = getattr(self.entities, kind)
            terms: list = []
            start = 0
            for name in names:
                end = start + len(name)
                keys = name_terms(name)
                for k in [keys[0]] * mentions(name, text) + list(keys[1:]):
                    terms.append(Term(k, len(terms), start, end))
                start = end + 1
            out[kind] = ("\n".join(names), terms)
        return out

    def quote_terms(self) -> list:
        """The body's terms inside its quotations (body offsets and positions kept): the `인용:` field."""
        spans = [(q.start, q.end) for q in self.entities.quotes]
        if not spans:
            return []
        return [t for t in self.body_terms if any(a <= t.start and t.end <= b for a, b in spans)]


def title_in_body(title: str, body: str) -> tuple[int, int] | None:
    """Where a title taken from the body stands in it: (start, end); None for a title of its own.

    Extraction falls back to the body's first sentence when a page or row names no title (every
    review is its own title). Such a title's terms are cut from the body's analysis instead of
    running Kiwi on the same words twice, and the indexed body does not repeat it.
    """
    if not title or title != fallback_title(body):
        return None
    core = title[:-3] if title.endswith("...") else title  # cut short at 100 characters
    start = body.find(core)
    return (start, start + len(core)) if core and start >= 0 else None


def body_offset(title: str, span: tuple[int, int] | None) -> int:
    """Where the body starts in the indexed `body` field: after "title, blank line", unless the
    title is the body's own first sentence (`span`, from title_in_body, is then not None)."""
    if not title or span is not None:
        return 0
    return len(title) + 2


def terms_within(terms: list, start: int, end: int) -> list:
    """The terms inside characters [start, end), as if that span had been analysed alone.

    Character offsets count from `start` and positions from the first term kept. Kiwi read the
    span in its context, which can only help at its edges; a term crossing an edge is left out.
    """
    inside = [t for t in terms if t.start >= start and t.end <= end]
    if len(inside) == len(terms) and start == 0 and (not terms or terms[0].pos == 0):
        return terms  # the whole text: the same list, not a copy
    if not inside:
        return []
    first = min(t.pos for t in inside)
    return [Term(t.text, t.pos - first, t.start - start, t.end - start) for t in inside]


def indexed_terms(title: str, body: str, title_terms, body_terms) -> tuple[list, list]:
    """The terms of the indexed title and body fields.

    The body field is the title's terms, then the body's shifted past the title (positions and
    characters): one BM25 field over the whole article ranks better than summing separate title
    and body scores. A title that is the body's own first sentence (see title_in_body) is not
    repeated in the body field; when it is the whole body (a one-sentence review) there is no
    title apart from the text, and it earns no title match (its highlights come from the body).
    """
    span = title_in_body(title, body)
    if span is None:
        return title_terms, _combined_terms(title_terms, body_terms, body_offset(title, span))
    return ([] if span == (0, len(body)) else title_terms), body_terms


def _combined_terms(title_terms, body_terms, char_shift: int) -> list:
    """Title terms, then body terms shifted past the title (positions, and `char_shift` characters)."""
    if not title_terms:
        return body_terms
    pos_shift = title_terms[-1].pos + 2  # a gap, so phrases do not run from title into body
    return list(title_terms) + [Term(t.text, t.pos + pos_shift, t.start + char_shift, t.end + char_shift)
                                for t in body_terms]


def analysed(analyzer: Analyzer, docs: Iterable[tuple[SourceDoc, Article]],
             report: Callable[[Problem], None] | None = None) -> Iterator[IndexedDoc]:
    """Run Kiwi's worker threads over titles and bodies as one ordered stream.

    A title taken from the body's first sentence (see `title_in_body`) is not analysed again:
    its terms are cut from the body's. Entities are read from the same Kiwi tokens; an article whose
    entities cannot be read (a fault of the extractor's) is indexed without them, and `report` is told.
    """
    pending: deque = deque()

    def texts():
        for doc, art in docs:
            span = title_in_body(art.title or "", art.body)
            pending.append((doc, art, span))
            if span is None and art.title:
                yield art.title
            yield art.body

    stream = analyzer.terms_and_tokens_many(texts())
    for first, first_tokens in stream:
        doc, art, span = pending.popleft()
        title_tokens = None
        if span is not None:
            body_terms, body_tokens = first, first_tokens
            title_terms = terms_within(body_terms, *span)
        elif art.title:
            (title_terms, title_tokens), (body_terms, body_tokens) = (first, first_tokens), next(stream)
        else:
            title_terms, body_terms, body_tokens = [], first, first_tokens
        entities = _entities(doc, art, title_tokens, body_tokens, report)
        yield IndexedDoc(doc, art, title_terms, body_terms, body_signature(art.body, body_terms), entities)


def _entities(doc: SourceDoc, art: Article, title_tokens, body_tokens,
              report: Callable[[Problem], None] | None) -> Entities:
    """The article's entities, or none and a warning for `report` when the extractor fails on it: one
    article's fault never stops a run or leaves the article out of the index."""
    try:
        return extract(art.title or "", title_tokens, art.body, body_tokens, art.reporter)
    except Exception as e:  # noqa: BLE001 - any fault of the extractor's, reported with the document's place
        if report is not None:
            report(Problem(doc.where, f"people, organisations and places not read ({type(e).__name__}: {e}); "
                                      "indexed without them", warning=True))
        return Entities()
