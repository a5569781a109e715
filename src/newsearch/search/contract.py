"""The one search contract: what every store (Whoosh, Sphinx) answers, in plain objects.

A store ranks, filters and counts; the `Searcher` above it (core.py) parses the query once, turns
what the store found into `Hit`s with snippets, and asks for suggestions. Where a store cannot do
a thing it raises `errors.Unsupported` with a `Reason`, and the results say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Protocol

from ..analysis import Analyzer
from .complete import Completion, Prefix
from .model import Copy, CopyGroup, SearchRequest
from .querylang import QueryTree

Span = tuple[int, int, str]  # start, end, the term that matched


@dataclass
class Match:
    """One document a store found: its stored fields, score, and where the query's terms are in it."""

    fields: dict  # id, title, body, date, publisher, reporter, url
    score: float = 0.0
    body_spans: list[Span] = field(default_factory=list)  # offsets into fields["body"]
    title_spans: list[Span] = field(default_factory=list)
    group: CopyGroup | None = None  # the document's group of copies (size 1: none)
    copies: list[Copy] = field(default_factory=list)  # the group's other members, lead first


@dataclass
class StorePage:
    """One page of a store's ranked matches, with counts."""

    total: int  # matches after every filter
    matched: int  # matches of the query as written (a few: worth a did-you-mean)
    matches: list[Match] = field(default_factory=list)
    publishers: list[tuple[str, int]] = field(default_factory=list)  # (name, matches), any order
    warning: str | None = None
    groups: int | None = None  # with `request.group`: how many groups of copies the `total` matches form


@dataclass
class Suggestion:
    """A did-you-mean: the query with its unknown words corrected from the store's vocabulary.

    A store offers one only when it is a better query: the corrected text matches more documents than
    the query as typed. `confident`: every corrected word is at most one edit (over Hangul jamo) from a
    word of several documents with no rival about as near; the search core then searches it at once
    when the query as typed matched nothing (`SearchRequest.correct`).
    """

    text: str
    confident: bool = False
    matched: int = 0  # matches of the corrected query as written


@dataclass(frozen=True)
class DayCount:
    """Matches of one day: articles, and stories (groups of copies, each counted on the day of its earliest
    matching member, so days add up to weeks, months and years without counting a story twice)."""

    day: str | None  # YYYY-MM-DD; None for the undated matches
    articles: int
    stories: int


@dataclass
class TermCounts:
    """The terms of a query's best matches (the foreground; copies counted once) and the store's size: what
    related words are scored from against the whole store (search/significant.py)."""

    matches: int  # matching articles after the filters
    sample: int  # foreground size: stories read (one document per group of copies among the best matches)
    docs: dict[str, int]  # term -> foreground stories holding it
    total: int  # documents in the store (the background)
    # term -> the ids of the best-ranked foreground documents holding it (the first significant.EXAMPLES), best first
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)


class Store(Protocol):
    """What a search backend implements (see backends/whoosh/searcher.py, backends/sphinx/searcher.py)."""

    name: str

    def analyzer(self) -> Analyzer:
        """The analyzer for queries: Kiwi with the user dictionary the documents were indexed with (its `words`)."""

    def doc_count(self) -> int:
        """How many documents the store holds."""

    def search(self, request: SearchRequest, tree: QueryTree) -> StorePage:
        """Rank, filter and count the matches of `tree`; the page `request` asks for (with spans if snippets).

        With `request.group`, copies of one story (copies/) count once: the page lists the best-ranked
        matching member of each group, in rank order, `groups` counts the groups and `total` the articles.
        Every match carries its `group` and `copies` (all other members of the group, matching or not).
        """

    def suggest(self, tree: QueryTree) -> Suggestion | None:
        """A did-you-mean rewrite of the query's text from the store's vocabulary, or None; bounded work
        whatever the query (a store that keeps no vocabulary raises `Unsupported(Reason.NO_SUGGESTIONS)`)."""

    def complete(self, prefix: Prefix, limit: int) -> list[Completion]:
        """As-you-type: the store's words that `prefix` (a partly typed word, search/complete.py) may become, at
        most `limit`, most documents first, then the most recent latest article; pieces of longer words left
        out. Bounded work whatever the store's size (a `complete.Lexicon` lookup: bisections, a partial sort).
        A store that cannot list its words raises `Unsupported(Reason.NO_COMPLETIONS)`."""

    def document(self, doc_id: str, terms: set[str]) -> Match | None:
        """One stored article, with the spans of `terms` in it, its group and copies."""

    def related(self, doc_id: str, limit: int) -> list[Match]:
        """Articles sharing the article's most distinctive terms, best first, each with its `group`."""

    def duplicates(self) -> list[tuple[str, ...]]:
        """Every group of two or more copies, lead first (copies.Groups order)."""

    def timeline(self, request: SearchRequest, tree: QueryTree) -> list[DayCount]:
        """The matches of `tree` after `request`'s filters (dates, publisher), counted per day, in day order
        (the undated last); exact counts from the index."""

    def scan(self, request: SearchRequest, tree: QueryTree) -> Iterator[Match]:
        """Every match of `tree` after `request`'s filters, in `request.sort` order (relevance: the order
        `search` pages through with `group` False), each with its `group` (no spans, no `copies`); streamed,
        memory flat in the number of matches."""

    def term_counts(self, request: SearchRequest, tree: QueryTree, depth: int) -> TermCounts:
        """The terms of the best-ranked `depth` stories matching `tree` after `request`'s filters (relevance
        order; one document per group of copies), how many of them hold each and the first few that do (where
        the noun filter reads it). Terms `significant.countable` refuses (numbers, URLs, single letters) may be
        left out. Bounded work: `depth` documents are read, whatever the number of matches."""

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many documents of the whole store hold each term (each copy counts; a term in none: 0 or absent)."""

    def publishers(self) -> list[tuple[str, int]]:
        """Every publisher with its article count, in any order (the core sorts)."""

    def close(self) -> None:
        """Release files and connections."""
