"""`SphinxStore`: the search contract over the cluster's distributed index (search/contract.py)."""

from __future__ import annotations

import logging
import math
import os
import threading
from pathlib import Path
from typing import Iterator

from ...analysis import Analyzer, vocabulary
from ...errors import QueryRefused, StoreError, Unavailable, Unsupported
from ...search.contract import DayCount, Match, StorePage, Suggestion, TermCounts
from ...search.model import MAX_LIMIT, MAX_PAGE, Reason, SearchRequest
from ...search.querylang import QueryTree
from ...search.settings import DEFAULT, Ranking
from ...search.spelling import suggestion
from . import bylines, days, foreground, groups, order, rescore, words
from .candidate import Candidate, Parsed
from .cluster import Cluster
from .documents import date_int, decode_spans, doc_key, term_counts, token
from .nodes import MARKER, namespace
from .queries import alt_expr, build_match
from .stats import GlobalStats

log = logging.getLogger(__name__)

# Ranker of the candidates (rescore.py scores the best of them again, with the cluster's statistics): query
# words matched and their longest run in order (per field, weighted), then Sphinx's BM25; measured on KorQuAD
# against proximity_bm25, bm25, sph04 and bm25a/bm25f (docs/scale-out.md).
DEFAULT_RANKER = "expr('sum((lcs+word_count)*user_weight)*1000+bm25')"
FIELD_WEIGHTS = "title=1, body=2"
_FIELDS = "s_id, s_title, s_body, s_date, s_publisher, s_reporter, s_url, s_ents"
# Groups of copies counted exactly (see `_group_count`): as many as the last page can reach.
GROUP_COUNT_LIMIT = MAX_PAGE * MAX_LIMIT
MEMBERS_PAGE = 5000
# A candidate's columns for re-scoring (candidate.py), and how many pages' rows are read by id at once.
_SCORED = "title_len, body_len, s_tspans, s_bspans"
_BEST = "WEIGHT() DESC, id ASC"
_BY_DATE = ("newest", "oldest")  # the sorts searchd orders alone (anything else ranks by relevance)
IDS_AT_ONCE = 500


def _ranker() -> str:
    return os.environ.get("NEWSEARCH_SPHINX_RANKER") or DEFAULT_RANKER


class SphinxStore:
    """Searches one namespace of the cluster through any node's distributed index."""

    name = "sphinx"
    # How many of searchd's best matches are re-scored (None: `rescore.candidates(ranking)`; tests go lower).
    candidate_depth: int | None = None

    def __init__(self, index_dir: str | Path, cluster: Cluster | None = None, ranking: Ranking = DEFAULT):
        self.index_dir = Path(index_dir)
        self.cluster = cluster or Cluster.for_index(index_dir)
        self.ns = namespace(index_dir)
        self.ranking = ranking  # rescore.py ranks searchd's candidates as the Whoosh store ranks
        self._lock = threading.Lock()
        self.stats = GlobalStats(self._select, self.dist, self.ns)  # the DFS step, cached per store
        self._parsed = Parsed()  # candidates' positions (candidate.py), kept for the next queries
        if not (self.index_dir / MARKER).is_file() and self.doc_count() == 0:
            raise StoreError(f"no index at {self.index_dir} (sphinx namespace {self.ns}): "
                             "run `newsearch index` first")
        # Queries are analysed with the user dictionary the documents were indexed with, read again when an
        # update keeps another one (a long-lived store, as the web server's, would go on with the old one).
        self._dictionary: tuple | None = None  # (the kept file's stamp, its Analyzer)
        self.analyzer()

    def analyzer(self) -> Analyzer:
        stamp = _stamp(self.index_dir / vocabulary.USER_DICT_NAME)
        kept = self._dictionary
        if kept is None or kept[0] != stamp:
            kept = self._dictionary = (stamp, Analyzer.for_words(vocabulary.kept_user_dict(self.index_dir)))
        return kept[1]

    def close(self) -> None:
        self.cluster.close()

    @property
    def dist(self) -> str:
        return self.cluster.prefix

    def _options(self, max_matches: int) -> str:
        return (f"OPTION ranker={_ranker()}, field_weights=({FIELD_WEIGHTS}), max_matches={max(max_matches, 1)}, "
                "idf='plain,tfidf_unnormalized'")

    def _select(self, sql: str, args=None, meta: bool = False):
        with self._lock:  # one connection per node and store: statements must not interleave
            return self.cluster.any_node(sql, args, meta=meta)

    def doc_count(self) -> int:
        try:
            _rows, meta = self._select(f"SELECT id FROM {self.dist} WHERE ns=%s LIMIT 1", (self.ns,), meta=True)
        except StoreError as e:
            log.warning("%s", e)
            return 0
        return int(meta.get("total_found", 0))

    # -- searching ------------------------------------------------------------------------

    def search(self, request: SearchRequest, tree: QueryTree) -> StorePage:
        """The page of `tree`'s matches `request` asks for, one per group of copies with `request.group`."""
        cond, cond_args = self._condition(request, tree)
        try:
            page, rows = (self._grouped_page if request.group else self._flat_page)(request, tree, cond, cond_args)
            page.matches = self._matches(rows, tree.highlight_terms if request.snippets else None)
            if request.facets:
                page.publishers = self._publisher_counts(*self._condition(request, tree, publisher=False))
        except QueryRefused as e:
            raise _whole_or_refused(e) from None
        return page

    # -- ranking: searchd's candidates scored again with the cluster's statistics (rescore.py) ------------

    def _ranked(self, tree: QueryTree, cond: str, args: list) -> rescore.Ranked:
        """searchd's best `rescore.candidates()` matches in the Whoosh store's order, scored from their spans
        with the namespace's statistics over every shard (stats.py): no score depends on the node."""
        k = self.candidate_depth or rescore.candidates(self.ranking)
        rows, meta = self._select(f"SELECT id, grp, {_SCORED}, s_id FROM {self.dist} WHERE {cond} ORDER BY {_BEST} "
                                  f"LIMIT {k} {self._options(k)}", args, meta=True)
        m = rescore.model(tree, self.ranking)
        scorer = rescore.Scorer(self.stats.collect(rescore.words(m)), self.ranking)
        docs = [self._candidate(r[0], *r[2:6], doc_id=r[6]) for r in rows]
        grps = {r[0]: r[1] for r in rows}
        order = [(score, key, grps[key]) for score, key in rescore.rank(tree, m, scorer, docs)]
        return rescore.Ranked(order, int(meta.get("total_found", 0)), _warning(meta), scorer, m, len(rows) < k)

    def _candidate(self, key: int, title_len, body_len, title_spans: str, body_spans: str,
                   doc_id: str = "") -> Candidate:
        return Candidate(key, title_spans, body_spans, int(title_len or 0), int(body_len or 0), self._parsed, doc_id)

    def _keys(self, ranked: rescore.Ranked, group: bool, cond: str, args: list, need: int) -> list[tuple]:
        """(score or None, doc key) of the best `need` matches (one per group with `group`): the re-scored
        candidates, then searchd's order of the others (their score is read with their rows)."""
        head = ranked.groups_first() if group else ranked.order
        out: list[tuple] = [(score, key) for score, key, _g in head]
        if len(out) >= need or ranked.complete:
            return out[:need]
        if group:  # the groups of no candidate, in searchd's order
            seen = {g for _s, _k, g in head}
            n = need + len(seen)
            rows = self._select(f"SELECT id, grp FROM {self.dist} WHERE {cond} GROUP BY grp WITHIN GROUP ORDER BY "
                                f"{_BEST} ORDER BY {_BEST} LIMIT {n} {self._options(n)}", args)
            out += [(None, r[0]) for r in rows if r[1] not in seen]
        else:  # the candidates are searchd's best: the rest follow them
            skip = len(ranked.order)
            rows = self._select(f"SELECT id FROM {self.dist} WHERE {cond} ORDER BY {_BEST} "
                                f"LIMIT {skip}, {need - skip} {self._options(need)}", args)
            out += [(None, r[0]) for r in rows]
        return out[:need]

    def _by_id(self, cols: str, keys: list[int], cond: str, args: list) -> dict[int, tuple]:
        """doc key -> (id, `cols`...) of the matches among `keys`."""
        out: dict[int, tuple] = {}
        for i in range(0, len(keys), IDS_AT_ONCE):
            chunk = keys[i:i + IDS_AT_ONCE]
            ids = ",".join(str(int(k)) for k in chunk)
            rows = self._select(f"SELECT id, {cols} FROM {self.dist} WHERE {cond} AND id IN ({ids}) "
                                f"LIMIT {len(chunk)} OPTION ranker=none, max_matches={len(chunk)}", args)
            out.update((r[0], r) for r in rows)
        return out

    def _ranked_rows(self, ranked: rescore.Ranked, keyed: list[tuple], cond: str, args: list) -> list[tuple]:
        """Result rows (id, score x 1000, grp, gsize, the stored fields, spans) of (score, key) in that order."""
        by_key = self._by_id(f"0 AS w, grp, gsize, {_FIELDS}, s_tspans, s_bspans, title_len, body_len",
                             [k for _s, k in keyed], cond, args)
        out = []
        for score, key in keyed:
            r = by_key.get(key)
            if r is None:  # deleted between the two statements
                continue
            if score is None:
                score = ranked.first_pass(self._candidate(key, r[14], r[15], r[12], r[13]))
            out.append((key, score * 1000.0, *r[2:14]))
        return out

    def _condition(self, request: SearchRequest, tree: QueryTree, publisher: bool = True) -> tuple[str, list]:
        """The WHERE condition (and its arguments) of `tree`'s matches after `request`'s filters: dates, and
        the publisher unless `publisher` is False (facets count every publisher)."""
        where, args = _filters(request.date_from, request.date_to)
        byline, byline_args = bylines.where(tree)  # `기자:` (part of the query: facets count under it too)
        where, args = where + byline, [*args, *byline_args]
        if publisher and request.publisher:
            where, args = where + " AND s_publisher=%s", [*args, request.publisher]
        return f"MATCH(%s) AND ns=%s{where}", [build_match(tree), self.ns, *args]

    def timeline(self, request: SearchRequest, tree: QueryTree) -> list[DayCount]:
        cond, args = self._condition(request, tree)
        try:
            return days.timeline(self._select, self.dist, cond, args)
        except QueryRefused as e:
            raise _whole_or_refused(e) from None

    def scan(self, request: SearchRequest, tree: QueryTree) -> Iterator[Match]:
        """Every match after `request`'s filters in `search`'s order without grouping, each with its group (no
        copies): by relevance the re-scored candidates, then the other matches in searchd's order; by date
        searchd's order. Each query reads at most `order.PAGE` rows, paged by the last row's sort key (order.py)."""
        cond, args = self._condition(request, tree)
        ranked = None
        try:
            if request.sort not in _BY_DATE:
                ranked = self._ranked(tree, cond, args)
                head = [(score, key) for score, key, _g in ranked.order]
                for i in range(0, len(head), IDS_AT_ONCE):
                    yield from _groups_only(self._matches(self._ranked_rows(ranked, head[i:i + IDS_AT_ONCE],
                                                                            cond, args), None))
                if ranked.complete:
                    return
        except QueryRefused as e:
            raise _whole_or_refused(e) from None
        seen = {key for _s, key, _g in ranked.order} if ranked else set()
        for rows in self._scan_pages(request, cond, args, scored=ranked is not None):
            if ranked is not None:  # beyond the candidates: their first-pass score, searchd's order
                rows = [(r[0], 1000.0 * ranked.first_pass(self._candidate(r[0], *r[13:17])), *r[2:12])
                        for r in rows if r[0] not in seen]
            yield from _groups_only(self._matches(rows, None))

    def _scan_pages(self, request: SearchRequest, cond: str, args: list, scored: bool) -> Iterator[list]:
        """Pages of every match's row (id, weight, grp, gsize, the fields, dateint[, the re-scoring columns]) in
        searchd's order of `request.sort`."""
        ranked = f" ORDER BY {order.clause(request.sort)} LIMIT {order.PAGE} {self._options(order.PAGE)}"
        extra = f", {_SCORED}" if scored else ""

        def fetch(last: tuple | None) -> list:
            after, only_after = (", " + order.after(request.sort, *last), f" AND {order.AFTER}=1") if last else ("", "")
            try:
                return list(self._select(f"SELECT id, WEIGHT() AS w, grp, gsize, {_FIELDS}, dateint{extra}{after}"
                                         f"{order.columns(request.sort)} "
                                         f"FROM {self.dist} WHERE {cond}{only_after}{ranked}", args))
            except QueryRefused as e:
                raise _whole_or_refused(e) from None

        yield from order.pages(fetch, key=lambda r: (r[1], r[0], r[12]))  # weight, doc key, dateint

    def term_counts(self, request: SearchRequest, tree: QueryTree, depth: int) -> TermCounts:
        """The terms of the best `depth` stories (one row per group of copies, in `search`'s grouped order by
        relevance) from their stored spans, against the cluster's whole archive (foreground.py)."""
        cond, args = self._condition(request, tree)
        try:
            matches = self._select(f"SELECT COUNT(*) FROM {self.dist} WHERE {cond} OPTION ranker=none", args)
            keys = [key for _s, key in self._keys(self._ranked(tree, cond, args), True, cond, args, depth)]
            rows = self._by_id("s_id, s_tspans, s_bspans", keys, cond, args)
            everything = self._select(f"SELECT COUNT(*) FROM {self.dist}")  # every namespace: CALL KEYWORDS' scope
        except QueryRefused as e:
            raise _whole_or_refused(e) from None
        return foreground.foreground_counts([rows[k][1:4] for k in keys if k in rows],
                                            int(matches[0][0]) if matches else 0,
                                            int(everything[0][0]) if everything else 0)

    def doc_frequencies(self, terms: list[str]) -> dict[str, int]:
        """Documents of the cluster's shards holding each term (`CALL KEYWORDS`: every namespace counts)."""
        found = self._doc_freqs(terms) if terms else {}
        return {t: found.get(token(t), 0) for t in terms}

    def _page_sql(self, request: SearchRequest, cond: str, group: bool) -> str:
        """The page's SELECT by date (newest, oldest first); with `GROUP BY grp` the first of each group."""
        order_by = order.clause(request.sort)
        cols = ("id, WEIGHT() AS w, grp, gsize, " + _FIELDS + (", s_tspans, s_bspans" if request.snippets else "")
                + order.columns(request.sort))
        # Each node's best member of a group is among its best offset+limit groups when the group's best
        # of all is, so max_matches=offset+limit finds the page exactly, as without grouping.
        grouping = f" GROUP BY grp WITHIN GROUP ORDER BY {order_by}" if group else ""
        offset, limit = request.offset, request.limit
        return (f"SELECT {cols} FROM {self.dist} WHERE {cond}{grouping} ORDER BY {order_by} "
                f"LIMIT {offset}, {limit} {self._options(offset + limit)}")

    def _rows(self, request: SearchRequest, tree: QueryTree, cond: str, args: list) -> tuple[list, int, str | None]:
        """The page's rows, the number of matches and searchd's warning: by relevance re-scored (`_ranked`),
        by date in searchd's order."""
        if request.sort in _BY_DATE:
            rows, meta = self._select(self._page_sql(request, cond, request.group), args, meta=True)
            return list(rows), int(meta.get("total_found", 0)), _warning(meta)
        ranked = self._ranked(tree, cond, args)
        keyed = self._keys(ranked, request.group, cond, args, request.offset + request.limit)[request.offset:]
        return self._ranked_rows(ranked, keyed, cond, args), ranked.total, ranked.warning

    def _flat_page(self, request: SearchRequest, tree: QueryTree, cond: str, args: list) -> tuple[StorePage, list]:
        """Every matching article ranked on its own (`request.group` False): the counts and the page's rows."""
        rows, total, warning = self._rows(request, tree, cond, args)
        return StorePage(total=total, matched=total, warning=warning), rows

    def _grouped_page(self, request: SearchRequest, tree: QueryTree, cond: str, args: list) -> tuple[StorePage, list]:
        """One row per group of copies; `total` counts articles and `groups` the groups they form."""
        # The matches alone in their group (gsize=1) and the others (gsize>1, or 0: not grouped yet), in one query.
        rows, meta = self._select(f"SELECT IF(gsize=1, 0, 1) AS multi, COUNT(*) AS c FROM {self.dist} WHERE {cond} "
                                  "GROUP BY multi OPTION ranker=none", args, meta=True)
        counts = {int(multi): int(c) for multi, c in rows}
        alone, with_copies = counts.get(0, 0), counts.get(1, 0)
        total = alone + with_copies
        page = StorePage(total=total, matched=total, groups=0, warning=_warning(meta))
        if not total:
            return page, []
        page.groups = self._group_count(cond, args, alone, with_copies)
        rows, _total, warning = self._rows(request, tree, cond, args)
        page.warning = page.warning or warning
        return page, rows

    def _group_count(self, cond: str, args: list, alone: int, with_copies: int) -> int:
        """How many groups the matching articles form: the `alone` ones (gsize=1) one each, plus the groups
        the `with_copies` others form, counted with a GROUP BY of those only.

        The distributed index counts the groups of a GROUP BY only when every node's groups fit in
        max_matches (the master merges them; `total_found` is no count at all otherwise, measured on
        searchd 2.2.11), so max_matches covers them all up to GROUP_COUNT_LIMIT; beyond, the count
        is that limit (a lower bound, and as far as pages reach).
        """
        cap = min(with_copies, GROUP_COUNT_LIMIT - alone)
        if cap <= 0:
            return min(alone, GROUP_COUNT_LIMIT)
        _rows, meta = self._select(f"SELECT grp FROM {self.dist} WHERE {cond} AND gsize!=1 GROUP BY grp LIMIT 1 "
                                   f"OPTION ranker=none, max_matches={cap}", args, meta=True)
        return alone + min(int(meta.get("total", 0)), cap)

    def _matches(self, rows, terms: set[str] | None) -> list[Match]:
        """Result rows (id, weight, grp, gsize, the stored fields[, spans]) as `Match`es with their groups and
        copies (read back only for the rows with copies: gsize 1 is a group of one)."""
        members = self._members({r[2] for r in rows if r[3] != 1})
        out = []
        for r in rows:
            m = _match(r, terms)
            groups.attach(m, r[0], r[2], members)
            out.append(m)
        return out

    def _members(self, grps: set[int]) -> dict[int, list[groups.MemberRow]]:
        """grp -> every member of those groups of copies (matching the query or not), lead first."""
        if not grps:
            return {}
        return groups.ordered(self._all_rows("", f"grp IN ({','.join(str(int(g)) for g in sorted(grps))})"))

    def _publisher_counts(self, cond: str, args: list) -> list[tuple[str, int]]:
        rows = self._select(f"SELECT s_publisher, COUNT(*) AS c FROM {self.dist} WHERE {cond} "
                            "GROUP BY s_publisher ORDER BY c DESC LIMIT 1000 OPTION max_matches=1000", args)
        return list(rows)

    def suggest(self, tree: QueryTree) -> Suggestion | None:
        """A did-you-mean from the namespace's words, which SphinxQL 2.2 cannot list: the writers keep them beside
        the index (words.py); the correcting is search/spelling.py's, as on Whoosh. An index written before the
        words were kept has none until its next `newsearch index`."""
        kept = words.kept(self.index_dir)
        if kept is None:
            raise Unsupported(Reason.NO_SUGGESTIONS)
        try:
            return suggestion(tree, kept.vocab, kept.known, self.analyzer(), self._match_count)
        except StoreError as e:
            log.warning("did-you-mean: %s", e)
            return None

    def _match_count(self, tree: QueryTree) -> int:
        """Documents of the namespace `tree` matches (no filters: what a did-you-mean is measured by)."""
        _rows, meta = self._select(f"SELECT id FROM {self.dist} WHERE MATCH(%s) AND ns=%s LIMIT 1 OPTION ranker=none",
                                   (build_match(tree), self.ns), meta=True)
        return int(meta.get("total_found", 0))

    def complete(self, prefix, limit: int) -> list:
        """As-you-type needs the words of the dictionary, which SphinxQL 2.2 does not list: `CALL KEYWORDS('카카*')`
        does not expand the wildcard (the nodes index no prefixes: min_prefix_len = 0), and its counts would mix
        every namespace of the cluster."""
        raise Unsupported(Reason.NO_COMPLETIONS)

    # -- single articles ------------------------------------------------------------------

    def _fetch(self, doc_id: str):
        try:
            rows = self._select(f"SELECT id, 0, grp, gsize, {_FIELDS}, s_tspans, s_bspans FROM {self.dist} "
                                "WHERE id=%s AND ns=%s LIMIT 1", (doc_key(self.ns, doc_id), self.ns))
        except StoreError as e:
            log.warning("%s", e)
            return None
        return rows[0] if rows and rows[0][4] == doc_id else None

    def _grouped_matches(self, rows, terms: set[str] | None) -> list[Match]:
        """`_matches` for a single article's calls: a failure to read the groups leaves each match alone."""
        try:
            return self._matches(rows, terms)
        except StoreError as e:
            log.warning("%s", e)
            return [_match(r, terms) for r in rows]

    def document(self, doc_id: str, terms: set[str]) -> Match | None:
        """One article with the spans of `terms`, its group and copies."""
        r = self._fetch(doc_id)
        if r is None:
            return None
        match = self._grouped_matches([r], terms)[0]
        if not terms:
            match.body_spans, match.title_spans = [], []
        return match

    def related(self, doc_id: str, limit: int) -> list[Match]:
        """More-like-this: articles sharing the article's most distinctive terms (tf x idf), with their groups."""
        r = self._fetch(doc_id)
        if r is None:
            return []
        keys = self._key_terms(r[12], r[13])
        if not keys:
            return []
        match = " | ".join(alt_expr((k,)) for k in keys)
        try:
            rows = self._select(f"SELECT id, WEIGHT() AS w, grp, gsize, {_FIELDS} FROM {self.dist} WHERE MATCH(%s) "
                                f"AND ns=%s AND id!=%s LIMIT {limit} OPTION ranker=bm25", (match, self.ns, r[0]))
        except StoreError as e:
            log.warning("%s", e)
            return []
        return self._grouped_matches(rows, None)

    def duplicates(self) -> list[tuple[str, ...]]:
        """Every group of two or more copies, lead first, sorted by lead (the non-leads, then their leads)."""
        copies = self._all_rows("IF(grp=id, 0, 1) AS cp", "cp=1")
        leads = []
        grps = sorted({r[1] for r in copies})
        for k in range(0, len(grps), 1000):
            leads += self._all_rows("", f"id IN ({','.join(map(str, grps[k:k + 1000]))})")
        return groups.duplicates(copies, leads)

    def _all_rows(self, extra: str, where: str) -> list[groups.MemberRow]:
        """Member rows of every document of the namespace with `where` (over `extra` columns), paged by id."""
        rows, last = [], 0
        cols = "id, grp, s_id, s_publisher, s_date, s_title" + (f", {extra}" if extra else "")
        while True:
            got = self._select(f"SELECT {cols} FROM {self.dist} WHERE ns=%s AND {where} AND id>%s ORDER BY id ASC "
                               f"LIMIT {MEMBERS_PAGE} OPTION max_matches={MEMBERS_PAGE}", (self.ns, last))
            rows += [tuple(r[:6]) for r in got]
            if len(got) < MEMBERS_PAGE:
                return rows
            last = got[-1][0]

    def _key_terms(self, title_spans: str, body_spans: str) -> list[str]:
        """The 12 terms of an article with the highest tf x idf (title terms counted twice)."""
        counts = term_counts(body_spans)
        for t, n in term_counts(title_spans).items():
            counts[t] = counts.get(t, 0) + 2 * n
        cands = sorted(counts.items(), key=lambda x: -x[1])[:60]
        if not cands:
            return []
        df = self._doc_freqs([t for t, _ in cands])
        total = max(self.doc_count(), 1)
        scored = sorted(cands, key=lambda x: -(x[1] * math.log(1 + total / (1 + df.get(token(x[0]), 0)))))
        return [t for t, _ in scored[:12]]

    def _doc_freqs(self, terms: list[str]) -> dict[str, int]:
        """Document frequency of each term's token, summed over the shards that answer."""
        toks = " ".join(token(t) for t in terms)
        out: dict[str, int] = {}
        for i in range(self.cluster.shards):
            try:
                with self._lock:
                    rows = self.cluster.run(i, "CALL KEYWORDS(%s, %s, 1)", (toks, f"{self.dist}{i}"), retry=False)
            except StoreError:
                continue
            for r in rows:
                out[r[1]] = out.get(r[1], 0) + int(r[3])
        return out

    def publishers(self) -> list[tuple[str, int]]:
        try:
            rows = self._select(f"SELECT s_publisher, COUNT(*) AS c FROM {self.dist} WHERE ns=%s GROUP BY s_publisher "
                                "ORDER BY c DESC LIMIT 1000 OPTION max_matches=1000", (self.ns,))
        except StoreError as e:
            log.warning("%s", e)
            return []
        return list(rows)


def _stamp(path: Path) -> tuple | None:
    """What tells a file's versions apart (None: there is none)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _match(r, terms: set[str] | None) -> Match:
    """A result row (id, weight, grp, gsize, the stored fields[, title spans, body spans]) as a `Match`."""
    sid, title, body, date, publisher, reporter, url, ents = r[4:12]
    fields = {"id": sid, "title": title, "body": body, "date": date, "publisher": publisher,
              "reporter": reporter, "url": url, "ents": ents}
    match = Match(fields, r[1] / 1000.0)
    if terms is not None and len(r) > 12:
        match.title_spans, match.body_spans = decode_spans(r[12], terms), decode_spans(r[13], terms)
    return match


def _groups_only(matches: list[Match]) -> Iterator[Match]:
    """The contract's scan gives groups only: the members are read per page all the same."""
    for m in matches:
        m.copies = []
        yield m


def _filters(date_from: str | None, date_to: str | None) -> tuple[str, list]:
    where, args = "", []
    if date_from:
        where += " AND dateint>=%s"
        args.append(date_int(date_from))
    if date_to:
        where += " AND dateint<=%s AND dateint>0"
        args.append(date_int(date_to[:10]) + 999999)
    return where, args


def _whole_or_refused(e: QueryRefused) -> StoreError:
    """A refused query as what it means: when an agent (another node) failed, the cluster is not whole."""
    return Unavailable(str(e)) if "agent" in str(e) else e


def _warning(meta: dict) -> str | None:
    """Sphinx reports failed agents as a `warning` in SHOW META: the hits come from fewer shards."""
    w = meta.get("warning")
    return f"partial results: {w}" if w else None
