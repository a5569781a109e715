"""`SphinxStore`: the search contract over the cluster's distributed index (search/contract.py)."""

from __future__ import annotations

import logging
import math
import os
import threading
from pathlib import Path

from ...analysis import Analyzer, vocabulary
from ...errors import QueryRefused, StoreError, Unavailable, Unsupported
from ...search.contract import Match, StorePage
from ...search.model import Reason, SearchRequest
from ...search.querylang import QueryTree
from ...search.settings import DEFAULT, Ranking
from .cluster import Cluster
from .documents import date_int, decode_spans, doc_key, term_counts, token
from .nodes import MARKER, namespace
from .queries import alt_expr, build_match

log = logging.getLogger(__name__)

# Ranker: query words matched and their longest run in order (per field, weighted), then Sphinx's
# BM25; measured on KorQuAD against proximity_bm25, bm25, sph04 and bm25a/bm25f (docs/scale-out.md).
DEFAULT_RANKER = "expr('sum((lcs+word_count)*user_weight)*1000+bm25')"
FIELD_WEIGHTS = "title=1, body=2"
_FIELDS = "s_id, s_title, s_body, s_date, s_publisher, s_reporter, s_url"


def _ranker() -> str:
    return os.environ.get("NEWSEARCH_SPHINX_RANKER") or DEFAULT_RANKER


class SphinxStore:
    """Searches one namespace of the cluster through any node's distributed index."""

    name = "sphinx"

    def __init__(self, index_dir: str | Path, cluster: Cluster | None = None, ranking: Ranking = DEFAULT):
        self.index_dir = Path(index_dir)
        self.cluster = cluster or Cluster.for_index(index_dir)
        self.ns = namespace(index_dir)
        self.ranking = ranking  # Sphinx scores with its own ranker (DEFAULT_RANKER); kept for the contract
        self._lock = threading.Lock()
        if not (self.index_dir / MARKER).is_file() and self.doc_count() == 0:
            raise StoreError(f"no index at {self.index_dir} (sphinx namespace {self.ns}): "
                             "run `newsearch index` first")
        # Queries are analysed with the user dictionary the documents were indexed with.
        self._analyzer = Analyzer.for_words(vocabulary.kept_user_dict(self.index_dir))

    def analyzer(self) -> Analyzer:
        return self._analyzer

    def close(self) -> None:
        self.cluster.close()

    @property
    def dist(self) -> str:
        return self.cluster.prefix

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
        match = build_match(tree)
        where, args = _filters(request.date_from, request.date_to)
        pub_where, pub_args = (" AND s_publisher=%s", [request.publisher]) if request.publisher else ("", [])
        order = "dateint DESC, WEIGHT() DESC, id ASC" if request.sort == "newest" else "WEIGHT() DESC, id ASC"
        cols = "id, WEIGHT() AS w, " + _FIELDS + (", s_tspans, s_bspans" if request.snippets else "")
        offset, limit = request.offset, request.limit
        sql = (f"SELECT {cols} FROM {self.dist} WHERE MATCH(%s) AND ns=%s{where}{pub_where} ORDER BY {order} "
               f"LIMIT {offset}, {limit} OPTION ranker={_ranker()}, field_weights=({FIELD_WEIGHTS}), "
               f"max_matches={offset + limit}, idf='plain,tfidf_unnormalized'")
        try:
            rows, meta = self._select(sql, [match, self.ns, *args, *pub_args], meta=True)
            total = int(meta.get("total_found", 0))
            page = StorePage(total=total, matched=total, warning=_warning(meta))
            terms = tree.highlight_terms if request.snippets else None
            page.matches = [_match(r, terms) for r in rows]
            if request.facets:
                page.publishers = self._publisher_counts(match, where, args)
        except QueryRefused as e:
            if "agent" in str(e):  # an agent (another node) failed: the cluster is not whole
                raise Unavailable(str(e)) from None
            raise
        return page

    def _publisher_counts(self, match: str, where: str, args: list) -> list[tuple[str, int]]:
        rows = self._select(f"SELECT s_publisher, COUNT(*) AS c FROM {self.dist} WHERE MATCH(%s) AND ns=%s{where} "
                            "GROUP BY s_publisher ORDER BY c DESC LIMIT 1000 OPTION max_matches=1000",
                            [match, self.ns, *args])
        return list(rows)

    def suggest(self, tree: QueryTree) -> str | None:
        """Did-you-mean needs the term dictionary, which SphinxQL 2.2 does not list."""
        raise Unsupported(Reason.NO_SUGGESTIONS)

    # -- single articles ------------------------------------------------------------------

    def _fetch(self, doc_id: str):
        try:
            rows = self._select(f"SELECT id, 0, {_FIELDS}, s_tspans, s_bspans FROM {self.dist} "
                                "WHERE id=%s AND ns=%s LIMIT 1", (doc_key(self.ns, doc_id), self.ns))
        except StoreError as e:
            log.warning("%s", e)
            return None
        return rows[0] if rows and rows[0][2] == doc_id else None

    def document(self, doc_id: str, terms: set[str]) -> Match | None:
        r = self._fetch(doc_id)
        if r is None:
            return None
        match = _match(r, terms)
        if not terms:
            match.body_spans, match.title_spans = [], []
        return match

    def related(self, doc_id: str, limit: int) -> list[Match]:
        """More-like-this: articles sharing the article's most distinctive terms (tf x idf)."""
        r = self._fetch(doc_id)
        if r is None:
            return []
        keys = self._key_terms(r[9], r[10])
        if not keys:
            return []
        match = " | ".join(alt_expr((k,)) for k in keys)
        try:
            rows = self._select(f"SELECT id, WEIGHT() AS w, {_FIELDS} FROM {self.dist} WHERE MATCH(%s) AND ns=%s "
                                f"AND id!=%s LIMIT {limit} OPTION ranker=bm25", (match, self.ns, r[0]))
        except StoreError as e:
            log.warning("%s", e)
            return []
        return [_match(row, None) for row in rows]

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


def _match(r, terms: set[str] | None) -> Match:
    """A result row (id, weight, the stored fields[, title spans, body spans]) as a `Match`."""
    sid, title, body, date, publisher, reporter, url = r[2:9]
    fields = {"id": sid, "title": title, "body": body, "date": date, "publisher": publisher,
              "reporter": reporter, "url": url}
    match = Match(fields, r[1] / 1000.0)
    if terms is not None and len(r) > 9:
        match.title_spans, match.body_spans = decode_spans(r[9], terms), decode_spans(r[10], terms)
    return match


def _filters(date_from: str | None, date_to: str | None) -> tuple[str, list]:
    where, args = "", []
    if date_from:
        where += " AND dateint>=%s"
        args.append(date_int(date_from))
    if date_to:
        where += " AND dateint<=%s AND dateint>0"
        args.append(date_int(date_to[:10]) + 999999)
    return where, args


def _warning(meta: dict) -> str | None:
    """Sphinx reports failed agents as a `warning` in SHOW META: the hits come from fewer shards."""
    w = meta.get("warning")
    return f"partial results: {w}" if w else None
