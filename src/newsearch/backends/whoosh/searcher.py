"""`WhooshStore`: the search contract over an index folder (search/contract.py).

A long-lived reader that picks up new commits by itself. Ranking is term-at-a-time (snapshot.py and the modules it holds)
over the compiled query tree; the best candidates are then re-ranked by title matches, proximity
and the best passage. Highlight spans come from the stored character offsets of the postings.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Iterator

import numpy as np
from whoosh import query as Q
from whoosh import scoring

from ...analysis import Analyzer, vocabulary
from ...ingest.documents import body_offset, title_in_body
from ...copies import group_id
from ...search.complete import Completion, Prefix
from ...search.contract import DayCount, Match, StorePage, Suggestion, TermCounts
from ...search.model import CopyGroup, SearchRequest
from ...search.querylang import QueryTree, clean
from ...search.settings import DEFAULT, Ranking
from ...search.spelling import suggestion
from . import bylines, complete, days, forward, groups, scan, segment_files, spelling, store
from .postings import doc_frequency
from .queries import Compiled, Near, compile_tree
from .snapshot import Snapshot

segment_files.install()  # readers share the mapped segment instead of copying it


class NewsBM25(scoring.BM25F):
    """BM25F with Lucene's probabilistic idf, which ranks rare terms more sharply than Whoosh's."""

    def idf(self, searcher, fieldname, text):
        parent = searcher.get_parent()
        n = doc_frequency(parent, fieldname, text)
        dc = parent.doc_count_all()
        return math.log(1 + (dc - n + 0.5) / (n + 0.5))


def weighting(ranking: Ranking) -> scoring.WeightingModel:
    return NewsBM25(B=ranking.body_b, K1=ranking.k1, title_B=ranking.title_b)


class WhooshStore:
    """Searches one index folder (`search.Searcher` is the face; this is the store)."""

    name = "whoosh"

    def __init__(self, index_dir: str | Path, ranking: Ranking = DEFAULT):
        self.index_dir = Path(index_dir)
        self.ranking = ranking
        self._ix = store.open_index(self.index_dir)
        self._searcher = self._ix.searcher(weighting=weighting(ranking))
        self._lock = threading.Lock()
        self._snap: Snapshot | None = None
        self._view: groups.GroupView | None = None
        # Re-ranking stages, in order, over the first pass's best `ranking.rerank_depth` candidates.
        self.stages = [self._bonus_stage, self._window_stage]
        self._load_dictionary()

    def _load_dictionary(self) -> None:
        """Analyse queries with the user dictionary the index was built with."""
        self._analyzer = Analyzer.for_words(vocabulary.kept_user_dict(self.index_dir))

    def analyzer(self) -> Analyzer:
        return self._analyzer

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def _current(self):
        """The searcher, refreshed if the index changed (or was swapped by a rebuild)."""
        with self._lock:
            try:
                if not self._searcher.up_to_date():
                    self._searcher = self._searcher.refresh()
                    self._load_dictionary()
            except Exception:  # directory swapped under us: reopen from scratch
                self._ix = store.open_index(self.index_dir)
                self._searcher = self._ix.searcher(weighting=weighting(self.ranking))
                self._load_dictionary()
            return self._searcher

    def _snapshot(self, s) -> Snapshot:
        """The term-at-a-time machinery of searcher `s` (one per searcher: it caches per index state)."""
        snap = self._snap
        if snap is None or snap.searcher is not s:
            snap = self._snap = Snapshot(s)
        return snap

    def doc_count(self) -> int:
        return self._current().doc_count()

    # -- searching ------------------------------------------------------------------------

    def search(self, request: SearchRequest, tree: QueryTree) -> StorePage:
        s = self._current()
        snap = self._snapshot(s)
        compiled = compile_tree(tree, self.ranking)
        scored, hit, matched, dated = self._filtered(s, request, tree, compiled)
        page = StorePage(total=int(np.count_nonzero(hit)), matched=matched)
        if request.facets:
            page.publishers = list(snap.collector.counts("publisher", scored, dated).items())
        depth = request.offset + request.limit
        if request.group:
            view = self._groups(s)
            page.groups = view.count(scored.docnums(hit))
            ranked = self._ranked_groups(s, request, tree, compiled, scored, hit, view)
        else:
            ranked = self._ranked(s, request, tree, compiled, scored, hit, depth)
        terms = tree.highlight_terms if request.snippets else set()
        page.matches = self._matches(s, ranked[request.offset:depth], terms)
        return page

    def _filtered(self, s, request: SearchRequest, tree: QueryTree, compiled: Compiled):
        """(scored, hit, matched, dated): the query's scores, its matches after every filter of `request`, how
        many the query matched as written, and the matches before the publisher filter (facets count all)."""
        snap = self._snapshot(s)
        scored = snap.scorer.matches(compiled.query)
        matched = int(np.count_nonzero(scored.hit))
        wider = self._widened(s, tree, compiled) if matched == 0 else None
        if wider is not None:
            scored = snap.scorer.matches(wider)
        hit = scored.hit
        byline = bylines.mask(snap.collector, tree)  # `기자:`: part of the query, so facets count under it too
        if byline is not None:
            hit = hit & scored.dense(byline)
        if request.date_from or request.date_to:
            hit = hit & scored.dense(days.date_mask(snap.postings, request.date_from, request.date_to))
        dated = hit
        if request.publisher:
            hit = hit & scored.dense(snap.collector.mask_of(Q.Term("publisher", request.publisher)))
        return scored, hit, matched, dated

    def timeline(self, request: SearchRequest, tree: QueryTree) -> list[DayCount]:
        s = self._current()
        snap = self._snapshot(s)
        scored, hit, _matched, _dated = self._filtered(s, request, tree, compile_tree(tree, self.ranking))
        return days.day_counts(snap.postings, self._groups(s), scored.docnums(hit))

    def scan(self, request: SearchRequest, tree: QueryTree) -> Iterator[Match]:
        """Every match after `request`'s filters in the order `search` pages through without grouping (scan.py)."""
        s = self._current()
        compiled = compile_tree(tree, self.ranking)
        scored, hit, _matched, _dated = self._filtered(s, request, tree, compiled)
        collector, everything = self._snapshot(s).collector, int(np.count_nonzero(hit))
        if request.sort in ("newest", "oldest"):
            scores, docs = collector.top_by_arrays(scored, hit, everything, "date", request.sort == "oldest")
        else:  # the first pass's whole order, its head re-ranked exactly as `_ranked` re-ranks it for a page
            scores, docs = scan.order(self._ranked(s, request, tree, compiled, scored, hit, 0),
                                      *collector.top_arrays(scored, hit, everything))
        return scan.matches(s, self._groups(s), scores, docs)

    def term_counts(self, request: SearchRequest, tree: QueryTree, depth: int) -> TermCounts:
        """The terms of the best `depth` stories among the matches, from each document's terms column (forward.py)."""
        s = self._current()
        snap = self._snapshot(s)
        scored, hit, _matched, _dated = self._filtered(s, request, tree, compile_tree(tree, self.ranking))
        view = self._groups(s)
        docnums = forward.foreground(snap.collector, view, scored, hit, depth)
        return forward.term_counts(s, snap.postings.leaves, view.id_of, docnums, int(np.count_nonzero(hit)))

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        return forward.doc_frequencies(self._current(), terms)

    def _ranked_groups(self, s, request: SearchRequest, tree: QueryTree, compiled: Compiled, scored, hit,
                       view: groups.GroupView):
        """The best-ranked match of each group down to the requested page, in the requested order.

        Each ranking is a prefix of any deeper one (see `_ranked`), so collapsing a prefix gives a
        prefix of the collapsed whole: pages never repeat or lose a group. Deeper rankings reuse the
        re-ranked head and only extend the first pass's tail.
        """
        need, matches = request.offset + request.limit, int(np.count_nonzero(hit))
        depth = need * 2
        ranked = self._ranked(s, request, tree, compiled, scored, hit, depth)
        while True:
            collapsed = view.collapse(ranked)
            if len(collapsed) >= need or len(ranked) >= matches:
                return collapsed
            depth *= 4
            ranked = self._ranked(s, request, tree, compiled, scored, hit, depth,
                                  head=ranked[:self.ranking.rerank_depth])

    def _ranked(self, s, request: SearchRequest, tree: QueryTree, compiled: Compiled, scored, hit, depth: int,
                head: list | None = None):
        """(score, docnum) of the `depth` best matches, in the requested order (`head`: the re-ranked head
        of an earlier call with the same query)."""
        collector = self._snapshot(s).collector
        if request.sort in ("newest", "oldest"):  # by date, undated last either way
            return collector.top_by(scored, hit, depth, "date", request.sort == "oldest")
        if not compiled.rerank:
            return collector.top(scored, hit, depth)
        # First pass: BM25 over concepts; the re-ranking stages then re-order the best `rerank_depth`
        # candidates among themselves. The head is the same whatever page is asked, and the tail keeps the
        # first pass's order, so walking the pages shows every match exactly once.
        ranked = collector.top(scored, hit, max(depth, self.ranking.rerank_depth))
        tail = ranked[self.ranking.rerank_depth:]
        if head is None:
            head = ranked[:self.ranking.rerank_depth]
            for stage in self.stages:
                if not head:
                    break
                head = stage(s, tree, compiled, head)
        return head + tail

    def _bonus_stage(self, s, tree: QueryTree, compiled: Compiled, ranked: list[tuple[float, int]]):
        """Title matches and proximity of adjacent concepts (`compiled.rerank`) added to the candidates."""
        bonus = self._rerank_scores(s, compiled.rerank, [d for _, d in ranked])
        return sorted(((score + bonus.get(d, 0.0), d) for score, d in ranked), key=lambda x: (-x[0], x[1]))

    def _window_stage(self, s, tree: QueryTree, compiled: Compiled, ranked: list[tuple[float, int]]):
        """The best-passage bonus, for queries of several concepts."""
        if not self.ranking.window_weight or len(tree.units) < 2:
            return ranked
        return self._window_rerank(s, tree.units, ranked)

    def _widened(self, s, tree: QueryTree, compiled: Compiled):
        """For a plain query with no hits: the query plus weak clauses for index terms found only in
        Kiwi's second and third readings of it (`이용만의` may be `이용` + `만` in the documents);
        None when there is nothing to add."""
        if not tree.plain:
            return None
        reader = s.reader()
        extra = [Q.Term("body", term, boost=self.ranking.other_reading_weight)
                 for term in self._analyzer.alternative_terms(clean(tree.text)[:200]) - tree.highlight_terms
                 if ("body", term) in reader]
        return Q.Or([compiled.query] + extra) if extra else None

    def _rerank_scores(self, s, queries, docnums: list[int]) -> dict[int, float]:
        """Extra score each candidate earns from `queries` (proximity from the candidates' positions)."""
        snap = self._snapshot(s)
        bonus: dict[int, float] = {}
        wanted = np.array(sorted(set(docnums)), dtype=np.int64)
        for q in queries:
            if isinstance(q, Near):
                extra = snap.proximity.near(q, wanted)
            else:
                scored = snap.scorer.evaluate(q.normalize(), wanted)  # over the candidates only
                extra = dict(zip(wanted[scored.hit].tolist(), scored.score[scored.hit].tolist()))
            for docnum, value in extra.items():
                bonus[docnum] = bonus.get(docnum, 0.0) + value
        return bonus

    def _window_rerank(self, s, units, ranked: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """Add the best-passage bonus to the top `window_depth` candidates (they can only move up)."""
        proximity = self._snapshot(s).proximity
        r = self.ranking
        weighted = []
        for u in units:
            terms = tuple(sorted({alt[0] for alt in u.alternatives}))
            weighted.append((terms, max(s.idf("body", t) for t in terms)))
        head = ranked[:r.window_depth]
        best = proximity.window_scores(weighted, [d for _, d in head], r.window_width)
        head = [(score + r.window_weight * best.get(d, 0.0), d) for score, d in head]
        return sorted(head, key=lambda x: (-x[0], x[1])) + ranked[r.window_depth:]

    def _matches(self, s, ranked: list[tuple[float, int]], terms: set[str]) -> list[Match]:
        """The stored fields and highlight spans of ranked documents."""
        spans = self._spans(s, [d for _, d in ranked], terms)
        view = self._groups(s)
        out = []
        for score, docnum in ranked:
            stored = s.stored_fields(docnum)
            body_spans, title_spans = _field_spans(spans, docnum, stored.get("title", ""), stored.get("body", ""))
            out.append(self._grouped(s, view, docnum, Match(dict(stored), score, body_spans, title_spans)))
        return out

    def _groups(self, s) -> groups.GroupView:
        """The groups of copies over searcher `s`'s documents (made again after a commit or a new file)."""
        snap = self._snapshot(s)
        stamp = (id(snap), groups.file_stamp(self.index_dir))
        view = self._view
        if view is None or view.stamp != stamp:
            _gen, found, places = groups.read_file(self.index_dir)
            view = self._view = groups.GroupView(found, snap.postings.leaves, snap.postings.live(), s.reader(), stamp,
                                                 places)
        return view

    def _grouped(self, s, view: groups.GroupView, docnum: int, match: Match) -> Match:
        """`match` with its group and the group's other members (lead first, then by date and id)."""
        match.fields["ents"] = self._snapshot(s).column("ents")[docnum]  # entities/ JSON ("" before SCHEMA 9)
        lead = view.lead_id(docnum)
        others = [int(d) for d in view.group_docnums(docnum) if d != docnum]
        match.group = CopyGroup(group_id(lead), len(others) + 1, lead)
        copies = [view.copy(d) for d in others]
        copies.sort(key=lambda c: (c.id != lead, c.date or "\uffff", c.id))
        match.copies = copies
        return match

    def duplicates(self) -> list[tuple[str, ...]]:
        return sorted(self._groups(self._current()).groups)

    def _spans(self, s, docnums: list[int], terms: set[str]) -> dict[str, dict[int, list]]:
        """Character spans of `terms` in each doc, read from the postings (stored offsets)."""
        out: dict[str, dict[int, list]] = {"title": {}, "body": {}}
        if not docnums or not terms:
            return out
        postings = self._snapshot(s).postings
        wanted = sorted(set(docnums))
        for fieldname in ("title", "body"):
            spans = out[fieldname]
            for term in sorted(terms):
                for docnum, found in postings.positions(fieldname, term, wanted).items():
                    spans.setdefault(docnum, []).extend((start, end, term) for _pos, start, end in found)
        return out

    # -- spelling ---------------------------------------------------------------------------

    def suggest(self, tree: QueryTree) -> Suggestion | None:
        """A did-you-mean from the index's own vocabulary (search/spelling.py: bounded work per query), offered
        only when the corrected query matches more documents than the query as typed."""
        s = self._current()
        vocab = spelling.vocabulary(s, self.index_dir)
        if not vocab:
            return None
        reader = s.reader()
        known = lambda w: any(reader.doc_frequency(f, w) for f in ("body", "title"))  # noqa: E731
        scorer = self._snapshot(s).scorer
        return suggestion(tree, vocab, known, self._analyzer,
                          lambda t: int(np.count_nonzero(scorer.matches(compile_tree(t, self.ranking).query).hit)))

    def complete(self, prefix: Prefix, limit: int) -> list[Completion]:
        """As-you-type: the words of the index's vocabulary completing `prefix` (complete.py)."""
        s = self._current()
        return complete.complete(s, self.index_dir, self._snapshot(s).postings, prefix, limit)

    # -- single articles ------------------------------------------------------------------

    def document(self, doc_id: str, terms: set[str]) -> Match | None:
        s = self._current()
        docnum = s.document_number(id=doc_id)
        if docnum is None:
            return None
        stored = dict(s.stored_fields(docnum))
        spans = self._spans(s, [docnum], terms)
        body_spans, title_spans = _field_spans(spans, docnum, stored.get("title", ""), stored.get("body", ""))
        return self._grouped(s, self._groups(s), docnum, Match(stored, 0.0, body_spans, title_spans))

    def related(self, doc_id: str, limit: int) -> list[Match]:
        s = self._current()
        docnum = s.document_number(id=doc_id)
        if docnum is None:
            return []
        stored = s.stored_fields(docnum)
        text = (stored.get("title", "") + "\n") * 2 + stored.get("body", "")[:3000]
        keys = self._key_terms(s, text)
        if not keys:
            return []
        q = Q.Or([Q.Term("body", k) for k in keys] + [Q.Term("title", k) for k in keys])
        view = self._groups(s)
        return [self._grouped(s, view, hit.docnum, Match(dict(hit.fields()), float(hit.score or 0)))
                for hit in s.search(q, limit=limit + 1, terms=False) if hit.docnum != docnum][:limit]

    def _key_terms(self, s, text: str) -> list[str]:
        """The 12 terms of `text` most distinctive against the index (Whoosh's key terms)."""
        from .schema import AnalyzedText

        try:
            return [t for t, _w in s.key_terms_from_text("body", AnalyzedText(text, self._analyzer.terms(text)),
                                                          numterms=12)]
        except Exception:
            return []

    def publishers(self) -> list[tuple[str, int]]:
        return list(self._snapshot(self._current()).collector.live_counts("publisher").items())


def _field_spans(spans: dict, docnum: int, title: str, body: str) -> tuple[list, list]:
    """Highlight spans in the stored body and title of one document.

    The indexed body field holds title + body (offsets move back by the title). A title that is
    the body's own first sentence (ingest.documents.title_in_body) is not repeated there: its spans
    are the body's within it (a one-sentence text has no title field at all).
    """
    derived = title_in_body(title, body)
    off = body_offset(title, derived)
    body_spans = [(a - off, b - off, t) for a, b, t in spans["body"].get(docnum, []) if a >= off]
    if derived:
        start, end = derived
        return body_spans, [(a - start, b - start, t) for a, b, t in body_spans if a >= start and b <= end]
    return body_spans, spans["title"].get(docnum, [])

