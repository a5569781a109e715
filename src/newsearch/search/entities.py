"""People, organisations, places and quotations over a query's results (issue 20), above the `Store` contract.

Each article carries the entities found in it at index time (entities/, stored as JSON with the article:
`Match.fields["ents"]`). Here they are read back for:

- a hit's quotations that hold the query's words, marked, with their speakers (`hit_quotes`);
- the facets of a result set: the people, organisations and places named most often among the best
  `DEPTH` stories (copies counted once: the store's grouped ranking), each a click-through to `인물:이름`;
- the co-occurrence network of people and organisations among the same stories (search/network.py);
- quotation search: every quotation of the best stories that holds the query's words (or, for `인용:`,
  those the store matched inside quotations), optionally by one speaker (`newsearch quotes`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from ..entities import Entities, Quote
from ..entities.keys import name_key
from ..errors import StoreError, Unsupported
from . import highlight, network
from .contract import Match, Store
from .model import Reason, SearchRequest, Snippet
from .querylang import QueryTree, parse

# The stories whose entities make the facets, the network and the quotation list.
DEPTH = 200
FACET_LIMIT = 8
# Each kind of name and its Korean word, which is also its query prefix (`인물:황창규`).
PREFIX = {"people": "인물", "orgs": "기관", "places": "지역"}


@dataclass
class QuoteView:
    """One quotation shown under a hit or listed by quotation search: marked text and its speaker."""

    text: Snippet
    speaker: str | None
    id: str = ""
    title: str = ""
    date: str | None = None
    publisher: str | None = None

    def to_json(self) -> dict:
        out = {"text": self.text.text, "speaker": self.speaker}
        if self.id:
            out.update(id=self.id, title=self.title, date=self.date, publisher=self.publisher)
        return out


@dataclass
class Story:
    """One of the best stories of a query (the best-ranked member of a group of copies) and its entities."""

    match: Match
    entities: Entities


@dataclass
class EntityView:
    """Facets and network of a query's best stories."""

    query: str
    stories: int = 0  # how many stories were read (at most DEPTH)
    total: int = 0  # how many stories match in all
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # kind -> (name, stories), most first
    network: network.Network | None = None
    reason: Reason | None = None
    reason_detail: str | None = None
    unsupported: list[Reason] = field(default_factory=list)
    took_ms: float = 0.0

    def to_json(self) -> dict:
        return {"query": self.query, "stories": self.stories, "total": self.total,
                "facets": {kind: [{"name": n, "articles": c, "query": filter_clause(kind, n)} for n, c in pairs]
                           for kind, pairs in self.facets.items()},
                "network": self.network.to_json() if self.network is not None else None,
                "reason": self.reason.name.lower() if self.reason else None, "reason_detail": self.reason_detail,
                "took_ms": round(self.took_ms, 1)}


def entities_of(match: Match) -> Entities:
    """The entities stored with a matched article (none for an article indexed before they existed)."""
    try:
        return Entities.from_json(match.fields.get("ents") or None)
    except ValueError:
        return Entities()


def filter_clause(kind: str, name: str) -> str:
    """The query clause that keeps the articles naming `name` as `kind`: `인물:황창규`, `인물:"버락 오바마"`."""
    return f'{PREFIX[kind]}:"{name}"' if " " in name else f"{PREFIX[kind]}:{name}"


def _marked(q: Quote, body_spans) -> Snippet | None:
    """The quotation with the matched words inside it (`body_spans`, body offsets) marked, or None for none."""
    inside = [(a - q.start, b - q.start) for a, b, *_ in body_spans if q.start <= a and b <= q.end]
    return highlight.mark(q.text, inside) if inside else None


def hit_quotes(entities: Entities, body_spans, limit: int = 3) -> list[QuoteView]:
    """The article's quotations holding a matched word (its `body_spans`), marked, in the article's order."""
    out = []
    for q in entities.quotes:
        text = _marked(q, body_spans)
        if text is not None:
            out.append(QuoteView(text, q.speaker))
            if len(out) >= limit:
                break
    return out


def best_stories(store: Store, request: SearchRequest, tree: QueryTree, depth: int = DEPTH,
                 spans: bool = False) -> tuple[list[Story], int]:
    """The best `depth` stories of the query after its filters (one per group of copies), and how many match."""
    asked = replace(request, limit=depth, page=1, group=True, facets=False, snippets=spans)
    page = store.search(asked, tree)
    total = page.groups if page.groups is not None else page.total
    return [Story(m, entities_of(m)) for m in page.matches], total


def full_names(stories: list[Story]) -> dict[str, str]:
    """A one-word name -> the one full name of the stories ending in it (`트럼프` -> `도널드 트럼프`), for counting
    one person once across stories that name them differently; a word ending several full names stays apart."""
    endings: dict[str, set[str]] = {}
    for story in stories:
        for name in story.entities.people:
            if " " in name:
                endings.setdefault(name.split()[-1], set()).add(name)
    return {short: next(iter(full)) for short, full in endings.items() if len(full) == 1}


def _names(story: Story, kind: str, full: dict[str, str]) -> list[str]:
    names = getattr(story.entities, kind)
    return [full.get(n, n) for n in names] if kind == "people" else list(names)


def facets(stories: list[Story], limit: int = FACET_LIMIT) -> dict[str, list[tuple[str, int]]]:
    """kind -> the `limit` names most stories name (each story once), most first, then by name.

    Spellings of one name (`KT`, `kt`; `버락오바마`, `버락 오바마`; `트럼프` where the stories name only one
    `… 트럼프`) count together under the commonest one.
    """
    out = {}
    full = full_names(stories)
    for kind in PREFIX:
        counts: dict[str, int] = {}
        spellings: dict[str, dict[str, int]] = {}
        for story in stories:
            for key, name in {name_key(n): n for n in _names(story, kind, full)}.items():
                counts[key] = counts.get(key, 0) + 1
                forms = spellings.setdefault(key, {})
                forms[name] = forms.get(name, 0) + 1
        shown = {key: max(forms.items(), key=lambda x: (x[1], -len(x[0])))[0] for key, forms in spellings.items()}
        out[kind] = sorted(((shown[k], c) for k, c in counts.items()), key=lambda x: (-x[1], x[0]))[:limit]
    return out


def story_network(stories: list[Story], max_nodes: int = 20) -> network.Network:
    """The people and organisations named together in the stories (co-occurrence per story)."""
    full = full_names(stories)
    return network.build_network(
        [network.StoryEntities(s.match.fields.get("id", ""),
                               tuple(("person", n) for n in _names(s, "people", full)) +
                               tuple(("org", n) for n in s.entities.orgs)) for s in stories],
        max_nodes=max_nodes)


def view(store: Store, request: SearchRequest, depth: int = DEPTH) -> EntityView:
    """Facets and network of `request.text`'s best stories after its filters."""
    t0 = time.perf_counter()
    out = EntityView(query=request.text)
    tree = parse(request.text, store.analyzer(), syntax=request.syntax)
    out.reason = tree.reason
    if tree.reason is None:
        try:
            stories, out.total = best_stories(store, request, tree, depth)
            out.stories = len(stories)
            out.facets = facets(stories)
            out.network = story_network(stories)
        except Unsupported as e:
            out.unsupported.append(e.reason)
        except StoreError as e:
            out.reason, out.reason_detail = Reason.BACKEND_UNAVAILABLE, str(e)
    out.took_ms = (time.perf_counter() - t0) * 1000
    return out


@dataclass
class QuoteList:
    """Quotation search: the quotations of a query's best stories, newest story first within the ranking."""

    query: str
    speaker: str | None = None
    quotes: list[QuoteView] = field(default_factory=list)
    stories: int = 0
    reason: Reason | None = None
    reason_detail: str | None = None
    took_ms: float = 0.0

    def to_json(self) -> dict:
        return {"query": self.query, "speaker": self.speaker, "stories": self.stories,
                "quotes": [q.to_json() for q in self.quotes],
                "reason": self.reason.name.lower() if self.reason else None, "reason_detail": self.reason_detail,
                "took_ms": round(self.took_ms, 1)}


def speaker_matches(quote: Quote, speaker: str | None) -> bool:
    """True when no speaker is asked for, or the quotation's speaker is that name (or a spaced part of it)."""
    if not speaker:
        return True
    if quote.speaker is None:
        return False
    want = name_key(speaker)
    return want == name_key(quote.speaker) or want in (p.lower() for p in quote.speaker.split())


def quotes(store: Store, request: SearchRequest, speaker: str | None = None, limit: int = 50,
           depth: int = DEPTH) -> QuoteList:
    """The quotations holding the query's words in its best `depth` stories (by `speaker` when given)."""
    t0 = time.perf_counter()
    out = QuoteList(query=request.text, speaker=speaker)
    tree = parse(request.text, store.analyzer(), syntax=request.syntax)
    out.reason = tree.reason
    if tree.reason is None:
        try:
            stories, _total = best_stories(store, request, tree, depth, spans=True)
        except StoreError as e:
            out.reason, out.reason_detail = Reason.BACKEND_UNAVAILABLE, str(e)
            stories = []
        out.stories = len(stories)
        # The query's words apart from the names of `인물:`-like clauses: a quotation must hold one of them (a
        # query of names alone lists every quotation of its stories).
        words = tree.highlight_terms - {w for e in tree.entities for w in e.words}
        for story in stories:
            f = story.match.fields
            spans = [s for s in story.match.body_spans if s[2] in words]
            for q in story.entities.quotes:
                if not speaker_matches(q, speaker):
                    continue
                text = _marked(q, spans)
                if text is not None or not words:
                    text = text if text is not None else Snippet(q.text)
                    out.quotes.append(QuoteView(text, q.speaker, f.get("id", ""), f.get("title") or "",
                                                f.get("date") or None, f.get("publisher") or None))
            if len(out.quotes) >= limit:
                break
        out.quotes = out.quotes[:limit]
    out.took_ms = (time.perf_counter() - t0) * 1000
    return out
