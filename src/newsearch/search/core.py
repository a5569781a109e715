"""`Searcher`: the one search core above every store (request -> query tree -> store -> results)."""

from __future__ import annotations

import logging
import os
import time

from ..analysis import vocabulary
from ..copies import group_id
from ..errors import StoreError, Unavailable, Unsupported
from . import complete, entities, export, highlight, significant, trend
from .contract import Match, Store, StorePage, Suggestion
from .model import CopyGroup, Hit, Reason, Results, SearchRequest, Snippet
from .querylang import parse

log = logging.getLogger(__name__)

# Related articles asked of the store beyond the limit, to make up for copies left out.
RELATED_SLACK = 10
# A query with fewer matches than this gets a did-you-mean; one with none is searched as its correction
# when the store is confident of it (Results.searched, Results.corrected_from).
FEW_HITS = 3


class Searcher:
    """Searches, articles, related articles and publishers of one store; safe to share between threads."""

    def __init__(self, store: Store):
        self.store = store
        self._dictionary_note: tuple | None = None  # (file stamp, store's words, note): dictionary_warning
        store.analyzer().warm_up()

    @property
    def doc_count(self) -> int:
        return self.store.doc_count()

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def search(self, request: SearchRequest | str, **options) -> Results:
        """Run a user query; never raises for bad input (the reason is in `Results.reason`).

        `request` is a `SearchRequest`, or the query text with the request's fields as keywords.
        """
        t0 = time.perf_counter()
        if isinstance(request, str):
            request = SearchRequest(request, **options)
        request = request.clamped()
        res = Results(query=request.text, page=request.page, limit=request.limit)
        tree = parse(request.text, self.store.analyzer(), syntax=request.syntax)
        res.reason = tree.reason
        if tree.reason is None:
            self._fill(res, request, tree)
        res.took_ms = (time.perf_counter() - t0) * 1000
        return res

    def _fill(self, res: Results, request: SearchRequest, tree) -> None:
        """Ask the store for the page and make its matches into hits (a store error becomes the reason).

        A query that matched nothing as typed is searched as its did-you-mean instead when the store is
        confident of it and the request allows (`correct`): Naver's "X(으)로 검색한 결과".
        """
        if request.sort != "relevance":
            tree = tree.requiring_all()  # sorted by date, a page must not start with half matches
        try:
            page = self.store.search(request, tree)
        except StoreError as e:
            res.reason = Reason.BACKEND_UNAVAILABLE if isinstance(e, Unavailable) else Reason.BACKEND_REFUSED
            res.reason_detail = str(e)
            log.warning("%s", res.reason_text)
            return
        suggestion = self._suggest(tree, res) if request.suggest and page.matched < FEW_HITS else None
        if suggestion is not None:
            res.suggestion = suggestion.text
            if request.correct and suggestion.confident and page.matched == 0:
                page = self._corrected(res, request, suggestion.text) or page
        res.total, res.publishers, res.warning = page.total, by_count(page.publishers), page.warning
        res.total_groups = page.groups if request.group else None
        if page.warning:
            log.warning("%s", page.warning)
        res.hits = [make_hit(m, request.snippets) for m in page.matches]

    def _suggest(self, tree, res: Results) -> Suggestion | None:
        try:
            return self.store.suggest(tree)
        except Unsupported as e:
            res.unsupported.append(e.reason)
            return None

    def _corrected(self, res: Results, request: SearchRequest, text: str) -> StorePage | None:
        """The page of the corrected query `text`, recorded in `res`; None (keep the page as typed) when it
        shows nothing either (a filter) or the store fails on it."""
        tree = parse(text, self.store.analyzer(), syntax=request.syntax)
        if tree.reason is not None:
            return None
        if request.sort != "relevance":
            tree = tree.requiring_all()
        try:
            page = self.store.search(request, tree)
        except StoreError as e:
            log.warning("searching the correction %r: %s", text, e)
            return None
        if not page.total:
            return None
        res.searched, res.corrected_from = text, request.text
        return page

    def suggest(self, text: str) -> str | None:
        """A did-you-mean rewrite of `text`, or None (also when the store keeps no vocabulary)."""
        try:
            got = self.store.suggest(parse(text, self.store.analyzer()))
        except Unsupported:
            return None
        return got.text if got is not None else None

    def complete(self, text: str, limit: int = complete.DEFAULT_LIMIT) -> complete.Completions:
        """As-you-type suggestions: `text` with its last, partly typed word completed from the store's words
        (`카카`, `ㅋㅋㅇ`, `카카옿` -> `카카오`), most documents first (search/complete.py); none, with the reason in
        `unsupported`, when the store cannot list its words."""
        return complete.run(self.store, text, limit)

    def article(self, doc_id: str, q: str | None = None) -> dict | None:
        """The stored article (`body_html`, `title_html` highlight `q`'s words when given; `group` and
        `copies`: the other members of its group of copies), or None."""
        terms = parse(q, self.store.analyzer()).highlight_terms if q else set()
        match = self.store.document(doc_id, terms)
        if match is None:
            return None
        out = {k: match.fields.get(k) or None for k in ("id", "date", "publisher", "reporter", "url")}
        out["title"], out["body"] = match.fields.get("title", ""), match.fields.get("body", "")
        out["body_html"] = highlight.mark(out["body"], [(a, b) for a, b, _ in match.body_spans]).html()
        out["title_html"] = highlight.mark(out["title"], [(a, b) for a, b, _ in match.title_spans]).html()
        out["group"], out["copies"] = match.group or _single(out["id"]), list(match.copies)
        out["entities"] = entities.entities_of(match)
        return out

    def related(self, doc_id: str, limit: int = 5) -> list[Hit]:
        """More-like-this: articles sharing the article's most distinctive terms; never a copy of the
        article itself, and one article of each other group of copies."""
        own = self.store.document(doc_id, set())
        seen = {(own.group or _single(doc_id)).id} if own is not None else set()
        out = []
        for m in self.store.related(doc_id, limit + RELATED_SLACK):
            group = m.group or _single(m.fields["id"])
            if group.id not in seen:
                seen.add(group.id)
                out.append(make_hit(m, True))
        return out[:limit]

    def duplicates(self) -> list[tuple[str, ...]]:
        """Every group of two or more copies in the store, lead first."""
        return self.store.duplicates()

    def trend(self, queries: list[str], by: str | None = None, date_from: str | None = None,
              date_to: str | None = None, publisher: str | None = None) -> trend.Trend:
        """Matching articles and stories per day, week, month or year (`by`; None: chosen from the span) of
        each query and of their co-occurrence (search/trend.py); ValueError for a bad `by` or size."""
        return trend.run(self.store, list(queries), trend.request_for(date_from, date_to, publisher), by)

    def scan(self, request: SearchRequest | str, **options) -> export.Export:
        """Every article matching a query after its filters, in its sort order, streamed with no cap (the
        query's `reason` when it cannot be searched); `StoreError` when the store cannot answer."""
        if isinstance(request, str):
            request = SearchRequest(request, **options)
        return export.scan(self.store, request)

    def export(self, request: SearchRequest | str, fmt: str, out, **options) -> export.Export:
        """Write every matching article as `fmt` (export.FORMATS) to `out`, a path (written whole or not at
        all) or a binary stream; the export (`rows`, or the query's `reason` and nothing written)."""
        scanned = self.scan(request, **options)
        if scanned.reason is None:
            if isinstance(out, (str, os.PathLike)):
                export.save(scanned, fmt, out)
            else:
                export.write(scanned, fmt, out)
        return scanned

    def related_words(self, text: str, limit: int = significant.DEFAULT_LIMIT,
                      method: str = significant.DEFAULT_METHOD, date_from: str | None = None,
                      date_to: str | None = None, publisher: str | None = None) -> significant.RelatedWords:
        """The nouns most over-represented in the query's matches (after the filters) against the whole
        archive, copies counted once (search/significant.py); ValueError for an unknown `method`."""
        request = SearchRequest(text, publisher=publisher, date_from=date_from, date_to=date_to).clamped()
        return significant.find(self.store, request, limit, method)

    def entities(self, text: str, date_from: str | None = None, date_to: str | None = None,
                 publisher: str | None = None, depth: int = entities.DEPTH) -> entities.EntityView:
        """The people, organisations and places named most among the query's best stories (after the filters;
        copies once), and the network of people and organisations named together (search/entities.py)."""
        request = SearchRequest(text, publisher=publisher, date_from=date_from, date_to=date_to).clamped()
        return entities.view(self.store, request, depth)

    def quotes(self, text: str, speaker: str | None = None, limit: int = 50, date_from: str | None = None,
               date_to: str | None = None, publisher: str | None = None) -> entities.QuoteList:
        """The quotations holding the query's words in its best stories, with their speakers (by `speaker`
        when given): `newsearch quotes`, `/api/quotes`."""
        request = SearchRequest(text, publisher=publisher, date_from=date_from, date_to=date_to).clamped()
        return entities.quotes(self.store, request, speaker, limit)

    def publishers(self) -> list[tuple[str, int]]:
        """Every publisher in the index with its article count."""
        return by_count(self.store.publishers())

    def dictionary_warning(self) -> str | None:
        """A note when the configured user dictionary differs from the one the documents were indexed with.

        Cheap enough for every results page: the file is read again only when its path, size or
        modification time changes, or the store's dictionary does (a rebuilt index).
        """
        path = vocabulary.user_dict_path()
        try:
            st = path.stat() if path else None
            stamp = (str(path), st.st_mtime_ns, st.st_size) if st else (str(path),)
        except OSError:
            stamp = (str(path),)
        words = self.store.analyzer().words
        cached = self._dictionary_note
        if cached is not None and cached[0] == stamp and (cached[1] is words or cached[1] == words):
            return cached[2]
        try:
            configured = vocabulary.load_user_dict(path)
        except vocabulary.VocabularyError as e:
            note = str(e)
        else:
            note = ("the user dictionary changed since the index was built: run `newsearch index` to apply it"
                    if configured != words else None)
        self._dictionary_note = (stamp, words, note)
        return note


def by_count(counts) -> list[tuple[str, int]]:
    """(name, count) pairs with a name, most first, then by name: how facets and publishers are listed."""
    return sorted(((name, int(n)) for name, n in counts if name), key=lambda x: (-x[1], x[0]))


def make_hit(match: Match, snippets: bool) -> Hit:
    """A result from a store's match: the snippet around the densest matches, the title marked."""
    f = match.fields
    title = f.get("title") or ""
    return Hit(id=f["id"], title=title, date=f.get("date") or None, publisher=f.get("publisher") or None,
               url=f.get("url") or None, score=match.score,
               snippet=highlight.snippet(f.get("body") or "", match.body_spans) if snippets else Snippet(""),
               reporter=f.get("reporter") or None,
               title_marks=highlight.mark(title, [(a, b) for a, b, _ in match.title_spans]),
               group=match.group or _single(f["id"]), copies=list(match.copies),
               quotes=entities.hit_quotes(entities.entities_of(match), match.body_spans) if snippets else [])


def _single(doc_id: str) -> CopyGroup:
    """The group of a document without copies."""
    return CopyGroup(group_id(doc_id), 1, doc_id)
