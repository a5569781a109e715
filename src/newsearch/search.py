"""Searching the index: ranking, filters, facets, highlighting, suggestions.

Returns plain `Hit` and `Results` objects; no Whoosh type leaks out of this module.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import query as Q
from whoosh import scoring, sorting

from . import analysis, highlight, segment_files, vocabulary
from .analysis import alternative_terms, query_units
from .firstpass import FirstPass
from .index import body_offset, open_index, title_in_body
from .query import Near, QuerySyntaxError, clean, parse

log = logging.getLogger(__name__)
segment_files.install()  # readers share the mapped segment instead of copying it

# BM25 parameters, per field (title is short: less length normalisation).
K1 = 0.7
BODY_B = 0.5
TITLE_B = 0.5
FEW_HITS = 3
# How many first-pass candidates the proximity bonus may re-order.
RERANK_DEPTH = 100
OPTIMIZE = False  # block-quality skipping makes counting the hits a second full pass
OTHER_READING_WEIGHT = 0.3
# Best-passage bonus: the idf of the distinct query concepts found together within WINDOW_WIDTH
# positions, times WINDOW_WEIGHT, for the WINDOW_DEPTH best candidates (see FirstPass.window_scores).
WINDOW_WEIGHT = 0.5
WINDOW_WIDTH = 16
WINDOW_DEPTH = 30
MAX_SUGGEST_UNITS = 6
MAX_PAGE = 1000


@dataclass
class Hit:
    """One ranked result, ready to show (snippet and title_html are safe HTML)."""

    id: str
    title: str
    date: str | None
    publisher: str | None
    url: str | None
    score: float
    snippet: str
    reporter: str | None = None
    title_html: str = ""

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "date": self.date, "publisher": self.publisher,
                "url": self.url, "score": round(self.score, 4), "snippet": self.snippet}


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
    reason: str | None = None
    publishers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit)) if self.limit else 1

    def to_json(self) -> dict:
        out = {"query": self.query, "total": self.total, "took_ms": round(self.took_ms, 2),
               "hits": [h.to_json() for h in self.hits]}
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.reason:
            out["reason"] = self.reason
        return out


class NewsBM25(scoring.BM25F):
    """BM25F with Lucene's probabilistic idf, which ranks rare terms more sharply than Whoosh's."""

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        n = parent.doc_frequency(fieldname, text)
        dc = parent.doc_count_all()
        return math.log(1 + (dc - n + 0.5) / (n + 0.5))


def _weighting() -> scoring.WeightingModel:
    return NewsBM25(B=BODY_B, K1=K1, title_B=TITLE_B)


def _opt(value) -> str | None:
    return value or None


class Searcher:
    """A long-lived reader over one index directory; picks up new commits by itself."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._ix = open_index(self.index_dir)
        self._searcher = self._ix.searcher(weighting=_weighting())
        self._lock = threading.Lock()
        self._fp: FirstPass | None = None
        self._load_dictionary()
        warm_up()

    def _load_dictionary(self) -> None:
        """Analyse queries with the user dictionary the index was built with."""
        self.dictionary = vocabulary.load_user_dict(self.index_dir / vocabulary.USER_DICT_NAME)
        analysis.use_dictionary(self.dictionary)

    def dictionary_warning(self) -> str | None:
        """A note when the configured user dictionary differs from the one the index was built with."""
        try:
            configured = vocabulary.load_user_dict(vocabulary.user_dict_path())
        except vocabulary.VocabularyError as e:
            return str(e)
        if configured != self.dictionary:
            return "the user dictionary changed since the index was built: run `newsearch index` to apply it"
        return None

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _current(self):
        """The searcher, refreshed if the index changed (or was swapped by a rebuild)."""
        with self._lock:
            try:
                if not self._searcher.up_to_date():
                    self._searcher = self._searcher.refresh()
                    self._load_dictionary()
            except Exception:  # directory swapped under us: reopen from scratch
                self._ix = open_index(self.index_dir)
                self._searcher = self._ix.searcher(weighting=_weighting())
                self._load_dictionary()
            analysis.use_dictionary(self.dictionary)
            return self._searcher

    @property
    def doc_count(self) -> int:
        return self._current().doc_count()

    # -- searching ------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 10, page: int = 1, sort: str = "relevance",
               publisher: str | None = None, date_from: str | None = None, date_to: str | None = None,
               facets: bool = False, suggest: bool = True, snippets: bool = True, syntax: bool = True) -> Results:
        """Run a user query; never raises for bad input (the reason is in `Results.reason`)."""
        t0 = time.perf_counter()
        limit = max(1, min(int(limit), 100))
        page = max(1, min(int(page), MAX_PAGE))
        # Echo the query as valid Unicode (a lone surrogate cannot be written as UTF-8 or JSON).
        res = Results(query=text.encode("utf-8", "replace").decode("utf-8"), page=page, limit=limit)
        try:
            parsed = parse(text, syntax=syntax)
        except QuerySyntaxError as e:
            res.reason = str(e)
            res.took_ms = (time.perf_counter() - t0) * 1000
            return res
        if parsed.query is None:
            res.reason = parsed.reason
            res.took_ms = (time.perf_counter() - t0) * 1000
            return res
        s = self._current()
        date_filter = _date_filter(date_from, date_to)
        filters = [f for f in (date_filter, Q.Term("publisher", publisher) if publisher else None) if f]
        flt = (Q.And(filters) if len(filters) > 1 else filters[0]) if filters else None
        sortedby = None
        if sort == "newest":
            sortedby = sorting.FieldFacet("date", reverse=True)
        first = (page - 1) * limit
        # First pass: BM25 over concepts; the proximity bonus then re-ranks the best candidates only.
        rerank = parsed.rerank if sort != "newest" else []
        depth = max(first + limit, RERANK_DEPTH) if rerank else first + limit
        if sort == "newest":
            ranked, main_total = self._whoosh_pass(s, text, parsed, flt, depth, sortedby, res)
            if facets:
                scored = self._firstpass(s).matches(parsed.query)
                self._facets(s, scored, scored.hit, date_filter, res)
        else:
            ranked, main_total = self._fast_pass(s, text, parsed, date_filter, publisher, depth, facets, res)
        if rerank and ranked:
            bonus = self._rerank_scores(s, rerank, [d for _, d in ranked])
            ranked = sorted(((score + bonus.get(d, 0.0), d) for score, d in ranked), key=lambda x: (-x[0], x[1]))
            if WINDOW_WEIGHT and len(parsed.units) > 1:
                ranked = self._window_rerank(s, parsed.units, ranked)
        # A page past the end is empty (Whoosh would clamp it to the last page).
        page_hits = ranked[first:first + limit]
        docnums = [d for _, d in page_hits]
        spans = self._spans(s, docnums, parsed.highlight_terms if snippets else set())
        for score, docnum in page_hits:
            stored = s.stored_fields(docnum)
            title = stored.get("title", "")
            body_spans, title_spans = _field_spans(spans, docnum, title, stored.get("body", ""))
            res.hits.append(Hit(
                id=stored["id"], title=title, date=_opt(stored.get("date")),
                publisher=_opt(stored.get("publisher")), url=_opt(stored.get("url")),
                score=score,
                snippet=highlight.snippet(stored.get("body", ""), body_spans) if snippets else "",
                reporter=_opt(stored.get("reporter")),
                title_html=highlight.mark(title, [(a, b) for a, b, _ in title_spans]),
            ))
        if suggest and main_total < FEW_HITS:
            res.suggestion = self.suggest(text, s)
        res.took_ms = (time.perf_counter() - t0) * 1000
        return res

    def _firstpass(self, s) -> FirstPass:
        """The term-at-a-time scorer of searcher `s` (one per searcher: it caches per index state)."""
        fp = self._fp
        if fp is None or fp.searcher is not s:
            fp = self._fp = FirstPass(s)
        return fp

    def _fast_pass(self, s, text, parsed, date_filter, publisher, depth, facets, res):
        """Rank by relevance term-at-a-time (firstpass.py); fills total and publisher facets."""
        fp = self._firstpass(s)
        scored = fp.matches(parsed.query)
        main_total = int(scored.hit.sum())
        wider = self._widened(s, text, parsed) if main_total == 0 else None
        if wider is not None:
            scored = fp.matches(wider)
        hit = scored.hit
        if date_filter is not None:
            hit = hit & scored.dense(fp.mask_of(date_filter))
        if facets:
            self._facets(s, scored, hit, None, res)
        if publisher:
            hit = hit & scored.dense(fp.mask_of(Q.Term("publisher", publisher)))
        res.total = int(hit.sum())
        return fp.top(scored, hit, depth), main_total

    def _facets(self, s, scored, hit, date_filter, res) -> None:
        """Publisher counts over the matches `hit` of `scored` (within the date range; any publisher)."""
        fp = self._firstpass(s)
        if date_filter is not None:
            hit = hit & scored.dense(fp.mask_of(date_filter))
        counts = fp.counts("publisher", scored, hit)
        res.publishers = sorted(((k, n) for k, n in counts.items() if k), key=lambda x: (-x[1], x[0]))

    def _whoosh_pass(self, s, text, parsed, flt, depth, sortedby, res):
        """Whoosh's own search: for orders other than relevance (newest first)."""
        results = s.search(parsed.query, limit=depth, filter=flt, sortedby=sortedby, terms=False,
                           optimize=OPTIMIZE)
        main_total = len(results)
        wider = self._widened(s, text, parsed) if main_total == 0 else None
        if wider is not None:
            results = s.search(wider, limit=depth, filter=flt, sortedby=sortedby, terms=False)
        res.total = len(results)
        return [(float(hit.score or 0.0), hit.docnum) for hit in results], main_total

    @staticmethod
    def _widened(s, text: str, parsed):
        """For a plain query with no hits: the query plus weak clauses for index terms found only in
        Kiwi's second and third readings of `text` (`이용만의` may be `이용` + `만` in the documents);
        None when there is nothing to add."""
        if not parsed.plain:
            return None
        reader = s.reader()
        extra = [Q.Term("body", term, boost=OTHER_READING_WEIGHT)
                 for term in alternative_terms(clean(text)[:200]) - parsed.highlight_terms
                 if ("body", term) in reader]
        return Q.Or([parsed.query] + extra) if extra else None

    def _rerank_scores(self, s, queries, docnums: list[int]) -> dict[int, float]:
        """Extra score each candidate earns from `queries` (proximity from the candidates' positions)."""
        fp = self._firstpass(s)
        bonus: dict[int, float] = {}
        wanted = np.array(sorted(set(docnums)), dtype=np.int64)
        for q in queries:
            if isinstance(q, Near):
                extra = fp.near(q, wanted)
            else:
                scored = fp.evaluate(q.normalize(), wanted)  # over the candidates only
                extra = dict(zip(wanted[scored.hit].tolist(), scored.score[scored.hit].tolist()))
            for docnum, value in extra.items():
                bonus[docnum] = bonus.get(docnum, 0.0) + value
        return bonus

    def _window_rerank(self, s, units, ranked: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """Add the best-passage bonus to the top WINDOW_DEPTH candidates (they can only move up)."""
        fp = self._firstpass(s)
        weighted = []
        for u in units:
            terms = tuple(sorted({alt[0] for alt in u.alternatives}))
            weighted.append((terms, max(s.idf("body", t) for t in terms)))
        head = ranked[:WINDOW_DEPTH]
        best = fp.window_scores(weighted, [d for _, d in head], WINDOW_WIDTH)
        head = [(score + WINDOW_WEIGHT * best.get(d, 0.0), d) for score, d in head]
        return sorted(head, key=lambda x: (-x[0], x[1])) + ranked[WINDOW_DEPTH:]

    def _spans(self, s, docnums: list[int], terms: set[str]) -> dict[str, dict[int, list]]:
        """Character spans of `terms` in each doc, read from the postings (stored offsets)."""
        out: dict[str, dict[int, list]] = {"title": {}, "body": {}}
        if not docnums or not terms:
            return out
        fp = self._firstpass(s)
        wanted = sorted(set(docnums))
        for fieldname in ("title", "body"):
            spans = out[fieldname]
            for term in sorted(terms):
                for docnum, found in fp.positions(fieldname, term, wanted).items():
                    spans.setdefault(docnum, []).extend((start, end, term) for _pos, start, end in found)
        return out

    # -- spelling ---------------------------------------------------------------------------

    def suggest(self, text: str, s=None) -> str | None:
        """A 'did you mean' rewrite of `text` from the index's own vocabulary, or None."""
        s = s or self._current()
        text = clean(text)
        units = query_units(text) if text else []
        # Spelling help is for short queries; a long one would cost a corrector walk per word.
        if not units or len(units) > MAX_SUGGEST_UNITS:
            return None
        reader = s.reader()
        changed = False
        out = text
        # Replace from the end so earlier offsets stay valid.
        for u in sorted(units, key=lambda u: -u.start):
            main = u.alternatives[0][0]
            if any(reader.doc_frequency(f, t) for f in ("body", "title") for alt in u.alternatives for t in alt[:1]):
                continue
            if len(main) < 2:
                continue
            best = None
            for f in ("body", "title"):
                try:
                    cands = s.corrector(f).suggest(main, limit=3, maxdist=1 if len(main) < 4 else 2)
                except Exception:
                    cands = []
                for c in cands:
                    freq = reader.doc_frequency(f, c)
                    if best is None or freq > best[1]:
                        best = (c, freq)
                if best:
                    break
            if best:
                out = out[:u.start] + best[0] + out[u.end:]
                changed = True
        return out if changed and out != text else None

    # -- single articles ------------------------------------------------------------------

    def _docnum(self, s, doc_id: str) -> int | None:
        return s.document_number(id=doc_id)

    def article(self, doc_id: str, q: str | None = None) -> dict | None:
        """The stored article (`body_html` highlights `q`'s words when given), or None."""
        s = self._current()
        docnum = self._docnum(s, doc_id)
        if docnum is None:
            return None
        stored = dict(s.stored_fields(docnum))
        terms: set[str] = set()
        if q:
            parsed = parse(q)
            terms = parsed.highlight_terms
        spans = self._spans(s, [docnum], terms)
        body = stored.get("body", "")
        title = stored.get("title", "")
        body_spans, title_spans = _field_spans(spans, docnum, title, body)
        stored["body_html"] = highlight.mark(body, [(a, b) for a, b, _ in body_spans])
        stored["title_html"] = highlight.mark(title, [(a, b) for a, b, _ in title_spans])
        for key in ("date", "publisher", "reporter", "url"):
            stored[key] = _opt(stored.get(key))
        return stored

    def related(self, doc_id: str, limit: int = 5) -> list[Hit]:
        """More-like-this: articles sharing the article's most distinctive terms."""
        s = self._current()
        docnum = self._docnum(s, doc_id)
        if docnum is None:
            return []
        stored = s.stored_fields(docnum)
        text = (stored.get("title", "") + "\n") * 2 + stored.get("body", "")[:3000]
        try:
            keys = [t for t, _w in s.key_terms_from_text("body", text, numterms=12)]
        except Exception:
            return []
        if not keys:
            return []
        q = Q.Or([Q.Term("body", k) for k in keys] + [Q.Term("title", k) for k in keys])
        hits = []
        for hit in s.search(q, limit=limit + 1, terms=False):
            if hit.docnum == docnum:
                continue
            f = hit.fields()
            hits.append(Hit(id=f["id"], title=f.get("title", ""), date=_opt(f.get("date")),
                            publisher=_opt(f.get("publisher")), url=_opt(f.get("url")),
                            score=float(hit.score or 0), snippet=highlight.snippet(f.get("body", ""), [])))
        return hits[:limit]

    def publishers(self) -> list[tuple[str, int]]:
        """Every publisher in the index with its article count."""
        fp = self._firstpass(self._current())
        codes, names = fp.column_codes("publisher")
        tally = np.bincount(codes[fp.live()], minlength=len(names))
        return sorted(((names[i], int(n)) for i, n in enumerate(tally) if n and names[i]),
                      key=lambda x: (-x[1], x[0]))


def _field_spans(spans: dict, docnum: int, title: str, body: str) -> tuple[list, list]:
    """Highlight spans in the stored body and title of one document.

    The indexed body field holds title + body (offsets move back by the title). A title that is
    the body's own first sentence (index.title_in_body) is not repeated there: its spans are the
    body's within it (a one-sentence text has no title field at all).
    """
    derived = title_in_body(title, body)
    off = body_offset(title, derived)
    body_spans = [(a - off, b - off, t) for a, b, t in spans["body"].get(docnum, []) if a >= off]
    if derived:
        start, end = derived
        return body_spans, [(a - start, b - start, t) for a, b, t in body_spans if a >= start and b <= end]
    return body_spans, spans["title"].get(docnum, [])


def warm_up() -> None:
    """Load Kiwi and run its slow first analysis now, not inside the first query."""
    query_units("뉴스 검색")


def _date_filter(date_from: str | None, date_to: str | None):
    if not date_from and not date_to:
        return None
    lo = date_from or None
    hi = (date_to + "\uffff") if date_to else None
    return Q.TermRange("date", lo, hi)
