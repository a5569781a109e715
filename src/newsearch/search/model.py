"""What a search is asked and what it answers: `SearchRequest`, `Results`, `Hit`, `Snippet`, `Reason`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from html import escape

MAX_LIMIT = 100
MAX_PAGE = 1000
SORTS = ("relevance", "newest", "oldest")  # oldest: undated articles last, as newest


class Reason(str, Enum):
    """Why a search has no results, or what a store cannot do (codes: the faces word them)."""

    EMPTY_QUERY = "empty query"
    ONLY_EXCLUDED = "only excluded words: add a word to search for"
    ONLY_FILTERS = "only a reporter filter (reporter:/기자:): add a word to search for"
    NO_SEARCHABLE_WORDS = "no searchable words in the query (only particles, endings or punctuation)"
    JAMO_ONLY = "only Hangul letters without syllables (초성 such as ㅋㅋㅇ): type whole words"
    BACKEND_UNAVAILABLE = "search backend unavailable"
    BACKEND_REFUSED = "query not understood by the search backend"
    NO_SUGGESTIONS = "this store keeps no vocabulary for did-you-mean"
    NO_TERM_COLUMN = "this index keeps no terms per article for related words: run `newsearch index` to add them"
    NO_COMPLETIONS = "this store cannot list its words for as-you-type suggestions"

    @property
    def text(self) -> str:
        return self.value


@dataclass(frozen=True)
class SearchRequest:
    """One search: the user's text and the options of `newsearch query` and `/api/search`."""

    text: str
    limit: int = 10
    page: int = 1
    sort: str = "relevance"
    publisher: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    facets: bool = False
    suggest: bool = True
    snippets: bool = True
    syntax: bool = True  # False: quotes, -, OR and field: are plain words (judged question sets)
    # A query that matches nothing is searched as its confident did-you-mean instead (needs `suggest`);
    # False searches the text as typed (the web's `nc=1`, "원래 검색어").
    correct: bool = True
    # Copies of one story (copies/) collapse to their best-ranked member; False shows every copy.
    group: bool = True

    def clamped(self) -> "SearchRequest":
        """The request with limit and page in range and the text valid Unicode."""
        return replace(self, limit=max(1, min(int(self.limit), MAX_LIMIT)),
                       page=max(1, min(int(self.page), MAX_PAGE)),
                       text=self.text.encode("utf-8", "replace").decode("utf-8"))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


Span = tuple[int, int]


@dataclass
class Snippet:
    """A fragment of a text and the character spans in it that matched the query."""

    text: str
    spans: list[Span] = field(default_factory=list)
    cut_before: bool = False  # the text goes on before / after the fragment
    cut_after: bool = False

    def html(self) -> str:
        """The fragment as HTML: `<mark>` around matches, everything else escaped."""
        return self._render(lambda s: "<mark>" + escape(s) + "</mark>", escape)

    def terminal(self, color: bool) -> str:
        """The fragment for a terminal: matches in bold yellow when `color`."""
        return self._render((lambda s: "\x1b[1;33m" + s + "\x1b[0m") if color else str, str)

    def _render(self, marked, plain) -> str:
        out, cur = [], 0
        for s, e in self.spans:
            out.append(plain(self.text[cur:s]))
            out.append(marked(self.text[s:e]))
            cur = e
        out.append(plain(self.text[cur:]))
        return ("…" if self.cut_before else "") + "".join(out) + ("…" if self.cut_after else "")


@dataclass(frozen=True)
class CopyGroup:
    """The group of copies a document belongs to: its id, how many articles it holds, and its lead."""

    id: str
    size: int
    lead: str

    def to_json(self) -> dict:
        return {"id": self.id, "size": self.size, "lead": self.lead}


@dataclass(frozen=True)
class Copy:
    """Another member of a hit's group: enough to list and link it."""

    id: str
    publisher: str | None
    date: str | None
    title: str

    def to_json(self) -> dict:
        return {"id": self.id, "publisher": self.publisher, "date": self.date, "title": self.title}


@dataclass
class Hit:
    """One ranked result: the article's fields, its score and its highlighted title and snippet."""

    id: str
    title: str
    date: str | None
    publisher: str | None
    url: str | None
    score: float
    snippet: Snippet
    reporter: str | None = None
    title_marks: Snippet | None = None
    group: CopyGroup | None = None
    copies: list[Copy] = field(default_factory=list)  # the group's other members, lead first
    quotes: list = field(default_factory=list)  # search.entities.QuoteView: its quotations holding a matched word

    @property
    def snippet_html(self) -> str:
        return self.snippet.html()

    @property
    def title_html(self) -> str:
        return (self.title_marks or Snippet(self.title)).html()

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "date": self.date, "publisher": self.publisher,
                "url": self.url, "score": round(self.score, 4), "snippet": self.snippet_html,
                "group": self.group.to_json() if self.group else None,
                "copies": [c.to_json() for c in self.copies], "quotes": [q.to_json() for q in self.quotes]}


@dataclass
class Results:
    """A page of results for one query."""

    query: str
    total: int = 0
    took_ms: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    limit: int = 10
    suggestion: str | None = None
    reason: Reason | None = None
    reason_detail: str | None = None  # what the store said, for a backend reason
    warning: str | None = None  # partial results: some shards did not answer
    publishers: list[tuple[str, int]] = field(default_factory=list)
    unsupported: list[Reason] = field(default_factory=list)  # what the store could not do for this request
    # Auto-correction: `query` stays what was typed; when the typed text matched nothing and its
    # did-you-mean was confident, the hits are those of `searched` (the correction, also `suggestion`)
    # and `corrected_from` is the text as typed. Both None when the text was searched as typed.
    searched: str | None = None
    corrected_from: str | None = None
    # With copies grouped: how many groups the `total` matching articles form (pages count groups).
    total_groups: int | None = None

    @property
    def pages(self) -> int:
        shown = self.total if self.total_groups is None else self.total_groups
        return max(1, -(-shown // self.limit)) if self.limit else 1

    @property
    def reason_text(self) -> str | None:
        """The reason in English, with the store's own words when it gave some."""
        if self.reason is None:
            return None
        return f"{self.reason.text}: {self.reason_detail}" if self.reason_detail else self.reason.text

    def to_json(self) -> dict:
        out = {"query": self.query, "total": self.total}
        if self.total_groups is not None:
            out["total_groups"] = self.total_groups
        # paging: `pages` counts groups of copies when they are grouped, as `page` does
        out.update(page=self.page, limit=self.limit, pages=self.pages, took_ms=round(self.took_ms, 2),
                   hits=[h.to_json() for h in self.hits])
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.corrected_from is not None:
            out["searched"] = self.searched
            out["corrected_from"] = self.corrected_from
        if self.reason:
            out["reason"] = self.reason_text
            out["reason_code"] = self.reason.name.lower()  # the same in every language (the web words `reason` in Korean)
        if self.warning:
            out["warning"] = self.warning
        return out
