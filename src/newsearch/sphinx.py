"""The Sphinx/Manticore backend: a distributed real-time index over several `searchd` nodes.

Node i holds the real-time shard `<prefix><i>` and a `distributed` index `<prefix>` made of its
own shard (`local`) plus the other nodes' shards (`agent`s), so any node answers a query over
all shards. Documents go to shard `id_hash(id) % nodes`. Kiwi runs in Python as for Whoosh:
the engine receives morpheme text (index terms joined by spaces) and stores the article, its
digest and the character spans of every term as string attributes, so snippets and `<mark>`s
come from `highlight.py` exactly as with Whoosh, without running Kiwi again.

Configuration (environment): `NEWSEARCH_SPHINX_NODES=host:port,...` (SphinxQL listeners, node
order = shard order), `NEWSEARCH_SPHINX_INDEX` (index prefix, default `newsearch`),
`NEWSEARCH_SPHINX_NAMESPACE` (the logical index; by default derived from `--index DIR`, so
several indexes share one cluster), `NEWSEARCH_SPHINX_RANKER`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

from . import highlight
from . import query as _query
from .analysis import phrase_terms, query_units
from .backend import Backend, IndexedDoc, Shard, id_hash, shard_of
from .index import IndexError_
from .query import clean, is_function_word, tokenize_clauses
from .search import FEW_HITS, MAX_PAGE, Hit, Results, warm_up

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "newsearch"
MARKER = "sphinx.json"
# Characters an index term can hold that Sphinx keeps inside a word; any other character (URL and
# e-mail punctuation, symbols) sends the whole term through `token()`'s hash instead.
CHARSET_TABLE = ("0..9, A..Z->a..z, a..z, U+26, U+25, U+2E, U+2B, U+2D, U+2F, U+5F, U+AC00..U+D7A3, "
                 "U+1100..U+11FF, U+3130..U+318F, U+A960..U+A97F, U+D7B0..U+D7FF, U+3400..U+4DBF, "
                 "U+4E00..U+9FFF, U+F900..U+FAFF")
_SAFE = re.compile(r"^[0-9A-Za-z&%.+\-/_\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
                   r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
MAX_WORD = 40  # Sphinx cuts words at 42 characters: longer terms are hashed
# Ranker: query words matched and their longest run in order (per field, weighted), then Sphinx's
# BM25; measured on KorQuAD against proximity_bm25, bm25, sph04 and bm25a/bm25f (docs/scale-out.md).
DEFAULT_RANKER = "expr('sum((lcs+word_count)*user_weight)*1000+bm25')"
FIELD_WEIGHTS = "title=1, body=2"
STRING_ATTRS = ("s_id", "s_source", "s_digest", "s_title", "s_body", "s_date", "s_publisher", "s_reporter",
                "s_url", "s_tspans", "s_bspans")
BATCH_BYTES = 4 * 2**20
_QUERY_ESCAPE = re.compile(r"([^\w\s])")


class Unavailable(IndexError_):
    """No node (or not the node a shard lives on) answers."""


# ---------------------------------------------------------------------------------------------
# Configuration


def nodes_from_env() -> list[tuple[str, int]]:
    """The SphinxQL addresses of $NEWSEARCH_SPHINX_NODES (default 127.0.0.1:9306)."""
    raw = os.environ.get("NEWSEARCH_SPHINX_NODES", "127.0.0.1:9306")
    out = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        host, _, port = part.rpartition(":")
        if not host or not port.isdigit():
            raise IndexError_(f"NEWSEARCH_SPHINX_NODES: {part!r} is not host:port")
        out.append((host, int(port)))
    if not out:
        raise IndexError_("NEWSEARCH_SPHINX_NODES names no node")
    return out


def prefix_from_env() -> str:
    prefix = os.environ.get("NEWSEARCH_SPHINX_INDEX", DEFAULT_PREFIX)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", prefix):
        raise IndexError_(f"NEWSEARCH_SPHINX_INDEX: {prefix!r} is not a valid index name")
    return prefix


def namespace(index_dir: str | Path) -> int:
    """The 32-bit namespace of a logical index: $NEWSEARCH_SPHINX_NAMESPACE, else from the folder."""
    label = os.environ.get("NEWSEARCH_SPHINX_NAMESPACE") or str(Path(index_dir).resolve())
    return int.from_bytes(hashlib.blake2b(label.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big") or 1


def doc_key(ns: int, doc_id: str) -> int:
    """Sphinx document id: a 63-bit hash of namespace and string id (never 0)."""
    return (id_hash(f"{ns}\x00{doc_id}") & (2**63 - 1)) or 1


def node_config(i: int, nodes: list[dict], data_dir: str | Path, prefix: str = DEFAULT_PREFIX,
                mem_limit: str = "256M") -> str:
    """searchd config for node `i` of `nodes` (dicts with host, sql_port, api_port[, mirrors])."""
    data_dir = Path(data_dir)
    me = nodes[i]
    agents = "\n".join(f"    agent = {n['host']}:{n['api_port']}:{prefix}{j}"
                       for j, n in enumerate(nodes) if j != i)
    strings = "\n".join(f"    rt_attr_string = {a}" for a in STRING_ATTRS)
    return f"""# newsearch node {i} of {len(nodes)} (generated by newsearch.sphinx.node_config)
index {prefix}{i}
{{
    type = rt
    path = {data_dir}/{prefix}{i}
    rt_field = title
    rt_field = body
    rt_attr_uint = ns
    rt_attr_bigint = dateint
{strings}
    rt_mem_limit = {mem_limit}
    dict = keywords
    min_word_len = 1
    index_field_lengths = 1
    charset_table = {CHARSET_TABLE}
}}

index {prefix}
{{
    type = distributed
    local = {prefix}{i}
{agents}
    agent_connect_timeout = 500
    agent_query_timeout = 10000
}}

searchd
{{
    listen = {me['host']}:{me['sql_port']}:mysql41
    listen = {me['host']}:{me['api_port']}
    log = {data_dir}/searchd.log
    query_log = {data_dir}/query.log
    pid_file = {data_dir}/searchd.pid
    binlog_path = {data_dir}
    workers = threads
    max_packet_size = 64M
    read_timeout = 5
    client_timeout = 300
    seamless_rotate = 1
}}
"""


# ---------------------------------------------------------------------------------------------
# Documents as the engine sees them


def token(term: str) -> str:
    """The word Sphinx indexes for `term`: itself, or a hash when it has other characters or is long."""
    if len(term) <= MAX_WORD and _SAFE.match(term):
        return term
    digest = hashlib.blake2b(term.encode("utf-8", "surrogatepass"), digest_size=10).digest()
    return "_h" + base64.b32encode(digest).decode("ascii").lower().rstrip("=")


def morpheme_text(terms) -> str:
    """Space-joined tokens: one term per text position in order, then the extra forms.

    Kiwi terms can share a position (a compound and its first part, a prefixed noun and the noun,
    the parts of a long noun). Sphinx gives every word its own position, so the first term at
    each character offset forms the running text (phrases and proximity work on it) and the
    other forms follow it, parts of one word kept together.
    """
    main, extra = [], []
    starts: set[int] = set()
    for t in terms:
        if t.start in starts:
            extra.append(t)
        else:
            starts.add(t.start)
            main.append(t)
    extra.sort(key=lambda t: (t.start, t.end, t.pos))
    return " ".join(token(t.text) for t in main + extra)


def encode_spans(terms, shift: int = 0) -> str:
    """term -> character spans, one line a term: `term<TAB>start,len start,len ...` (starts delta-coded)."""
    by_term: dict[str, list[tuple[int, int]]] = {}
    for t in terms:
        by_term.setdefault(t.text, []).append((t.start - shift, t.end - shift))
    lines = []
    for text, spans in by_term.items():
        prev = 0
        parts = []
        for s, e in sorted(set(spans)):
            parts.append(f"{s - prev},{e - s}")
            prev = s
        lines.append(text + "\t" + " ".join(parts))
    return "\n".join(lines)


def decode_spans(data: str, wanted: set[str] | None = None) -> list[tuple[int, int, str]]:
    """The spans of `encode_spans` (only of `wanted` terms, when given) as (start, end, term)."""
    out = []
    for line in (data or "").split("\n"):
        text, _, rest = line.partition("\t")
        if not rest or (wanted is not None and text not in wanted):
            continue
        pos = 0
        for item in rest.split(" "):
            d, _, n = item.partition(",")
            pos += int(d)
            out.append((pos, pos + int(n), text))
    return out


def term_counts(data: str) -> dict[str, int]:
    """How often each term occurs, from encoded spans."""
    return {line.partition("\t")[0]: line.count(" ") + 1 for line in (data or "").split("\n") if "\t" in line}


def date_int(date: str | None) -> int:
    """`2018-09-19T10:21:30` -> 20180919102130 (0 for no date), sortable and filterable."""
    digits = re.sub(r"\D", "", date or "")[:14]
    return int(digits.ljust(14, "0")) if len(digits) >= 4 else 0


def row(ns: int, item: IndexedDoc) -> tuple:
    """The REPLACE INTO values of one document."""
    from .index import indexed_terms

    art, doc = item.article, item.doc
    title = art.title or ""
    title_field, body_field = indexed_terms(title, art.body or "", item.title_terms, item.body_terms)
    return (doc_key(ns, doc.id), morpheme_text(title_field), morpheme_text(body_field), ns,
            date_int(art.date), doc.id, doc.source, doc.digest, title, art.body or "", art.date or "",
            art.publisher or "", art.reporter or "", art.url or "",
            encode_spans(item.title_terms), encode_spans(item.body_terms))


COLUMNS = ("id", "title", "body", "ns", "dateint") + STRING_ATTRS


# ---------------------------------------------------------------------------------------------
# Connections


def _connect(host: str, port: int, timeout: float = 3.0):
    try:
        import pymysql
    except ImportError:
        raise IndexError_("the sphinx backend needs pymysql: pip install 'newsearch[sphinx]'") from None
    return pymysql.connect(host=host, port=port, charset="utf8mb4", autocommit=True, connect_timeout=timeout,
                           read_timeout=60, write_timeout=60)


def _errors():
    import pymysql

    return (pymysql.err.OperationalError, pymysql.err.InterfaceError, pymysql.err.InternalError, OSError)


class Cluster:
    """Connections to the nodes; node i holds shard i."""

    def __init__(self, nodes: list[tuple[str, int]] | None = None, prefix: str | None = None):
        self.nodes = nodes or nodes_from_env()
        self.prefix = prefix or prefix_from_env()
        self._conns: dict[int, object] = {}

    @classmethod
    def for_index(cls, index_dir: str | Path) -> "Cluster":
        """Nodes and prefix from the environment, else from the index folder's marker."""
        marker = Path(index_dir) / MARKER
        if "NEWSEARCH_SPHINX_NODES" not in os.environ and marker.is_file():
            try:
                info = json.loads(marker.read_text(encoding="utf-8"))
                nodes = [(a.rpartition(":")[0], int(a.rpartition(":")[2])) for a in info["nodes"]]
                return cls(nodes, os.environ.get("NEWSEARCH_SPHINX_INDEX") or info.get("prefix"))
            except (OSError, ValueError, KeyError, TypeError):
                pass
        return cls()

    @property
    def shards(self) -> int:
        return len(self.nodes)

    def addr(self, i: int) -> str:
        return "%s:%d" % self.nodes[i]

    def conn(self, i: int):
        c = self._conns.get(i)
        if c is None:
            try:
                c = self._conns[i] = _connect(*self.nodes[i])
            except _errors() as e:
                raise Unavailable(f"sphinx node {self.addr(i)} is unavailable ({_reason(e)})") from None
        return c

    def drop(self, i: int) -> None:
        c = self._conns.pop(i, None)
        if c is not None:
            try:
                c.close()
            except Exception:
                pass

    def run(self, i: int, sql: str, args=None, *, meta: bool = False, retry: bool = True):
        """Run one statement on node i: rows (and SHOW META as a dict when `meta`)."""
        for attempt in (0, 1):
            try:
                c = self.conn(i)
                with c.cursor() as cur:
                    cur.execute(sql, args)
                    rows = cur.fetchall()
                    info = {}
                    if meta:
                        cur.execute("SHOW META")
                        info = {k: v for k, v in cur.fetchall()}
                return (rows, info) if meta else rows
            except _errors() as e:
                self.drop(i)
                code = e.args[0] if e.args and isinstance(e.args[0], int) else 0
                # 1064 is Sphinx's code for a query error: not a connection problem, no retry.
                if code == 1064 or attempt or not retry:
                    if code == 1064:
                        raise QueryError(_reason(e)) from None
                    raise Unavailable(f"sphinx node {self.addr(i)} is unavailable ({_reason(e)})") from None

    def any_node(self, sql: str, args=None, *, meta: bool = False):
        """Run on the first node that answers (each node's distributed index covers every shard)."""
        last = None
        for i in range(len(self.nodes)):
            try:
                return self.run(i, sql, args, meta=meta, retry=False)
            except Unavailable as e:
                last = e
        raise Unavailable(f"no sphinx node answers ({last})")

    def close(self) -> None:
        for i in list(self._conns):
            self.drop(i)


class QueryError(Exception):
    """Sphinx refused a query or one of its agents failed."""


def _reason(e: Exception) -> str:
    msg = e.args[1] if len(e.args) > 1 else (str(e) or type(e).__name__)
    return str(msg).replace("\x00", "").strip().splitlines()[0][:300]


# ---------------------------------------------------------------------------------------------
# Writing


class SphinxBackend(Backend):
    """Writes go straight to the shard's node; searches through `SphinxSearcher`."""

    name = "sphinx"

    def __init__(self, index_dir: str | Path, cluster: Cluster | None = None):
        self.index_dir = Path(index_dir)
        self.cluster = cluster or Cluster.for_index(index_dir)
        self.ns = namespace(index_dir)
        self._adds: dict[int, list[tuple]] = {}
        self._add_bytes: dict[int, int] = {}
        self._deletes: dict[int, list[int]] = {}
        self._searcher = None

    def _shard_index(self, i: int) -> str:
        return f"{self.cluster.prefix}{i}"

    def existing(self, shard: Shard | None = None) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for i in range(self.cluster.shards):
            if shard is not None and shard.count == self.cluster.shards and shard.index != i:
                continue  # a worker per node: the other shards hold none of its ids
            last = 0
            while True:
                rows = self.cluster.run(
                    i, f"SELECT id, s_id, s_source, s_digest FROM {self._shard_index(i)} WHERE ns=%s AND id>%s "
                       "ORDER BY id ASC LIMIT 5000 OPTION max_matches=5000", (self.ns, last))
                for key, sid, source, digest in rows:
                    if shard is None or shard.owns(sid):
                        out[sid] = (source, digest)
                if len(rows) < 5000:
                    break
                last = rows[-1][0]
        return out

    def add(self, item: IndexedDoc) -> None:
        i = shard_of(item.id, self.cluster.shards)
        values = row(self.ns, item)
        self._adds.setdefault(i, []).append(values)
        self._add_bytes[i] = self._add_bytes.get(i, 0) + sum(len(v) for v in values if isinstance(v, str)) * 3
        if self._add_bytes[i] > BATCH_BYTES or len(self._adds[i]) >= 500:
            self._flush_adds(i)

    def _flush_adds(self, i: int) -> None:
        rows = self._adds.pop(i, [])
        self._add_bytes.pop(i, None)
        if not rows:
            return
        one = "(" + ",".join(["%s"] * len(COLUMNS)) + ")"
        sql = f"REPLACE INTO {self._shard_index(i)} ({', '.join(COLUMNS)}) VALUES " + ",".join([one] * len(rows))
        self.cluster.run(i, sql, [v for r in rows for v in r])

    def delete(self, doc_id: str) -> None:
        i = shard_of(doc_id, self.cluster.shards)
        self._deletes.setdefault(i, []).append(doc_key(self.ns, doc_id))

    def commit(self) -> None:
        for i in list(self._adds):
            self._flush_adds(i)
        for i, keys in list(self._deletes.items()):
            for k in range(0, len(keys), 1000):
                chunk = keys[k:k + 1000]
                self.cluster.run(i, f"DELETE FROM {self._shard_index(i)} WHERE id IN ({','.join(map(str, chunk))})")
            del self._deletes[i]
        self._mark()

    def _mark(self) -> None:
        """A small marker in the index folder: the namespace exists (even while empty)."""
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            (self.index_dir / MARKER).write_text(json.dumps({
                "backend": "sphinx", "namespace": self.ns, "prefix": self.cluster.prefix,
                "nodes": [self.cluster.addr(i) for i in range(self.cluster.shards)]}) + "\n", encoding="utf-8")
        except OSError:
            pass

    def cancel(self) -> None:
        self._adds.clear()
        self._add_bytes.clear()
        self._deletes.clear()

    def search(self, text: str, **opts):
        if self._searcher is None:
            self._searcher = SphinxSearcher(self.index_dir, cluster=self.cluster)
        return self._searcher.search(text, **opts)

    def stats(self) -> dict:
        per_shard = {}
        for i in range(self.cluster.shards):
            try:
                _rows, meta = self.cluster.run(i, f"SELECT id FROM {self._shard_index(i)} WHERE ns=%s LIMIT 1",
                                               (self.ns,), meta=True)
                per_shard[self.cluster.addr(i)] = int(meta.get("total_found", 0))
            except Unavailable:
                per_shard[self.cluster.addr(i)] = None
        return {"backend": self.name, "namespace": self.ns,
                "documents": sum(v for v in per_shard.values() if v), "shards": per_shard}

    def close(self) -> None:
        self.cancel()
        self.cluster.close()


# ---------------------------------------------------------------------------------------------
# Queries


def _q(tok: str) -> str:
    """A token escaped for Sphinx's extended query syntax."""
    return _QUERY_ESCAPE.sub(r"\\\1", tok)


def _alt_expr(alt: tuple[str, ...]) -> str:
    if len(alt) == 1:
        return _q(token(alt[0]))
    return '"' + " ".join(_q(token(t)) for t in alt) + '"'


def _scope(fieldname: str | None, expr: str) -> str:
    return f"(@{fieldname} {expr})" if fieldname else f"({expr})"


# Whether a compound's parts match alone too (as query.py does when PART_WEIGHT is set).
_PARTS_MATCH = bool(getattr(_query, "PART_WEIGHT", 0))


def _clause_exprs(clause, units_out: list, terms_out: set) -> list[str]:
    """One Sphinx expression per concept of the clause (see `query._clause_queries`)."""
    if clause.or_group:
        subs = [e for c in clause.or_group for e in _clause_exprs(c, units_out, terms_out)]
        return ["(" + " | ".join(subs) + ")"] if subs else []
    if clause.phrase:
        words = phrase_terms(clause.text)
        if not words:
            return []
        terms_out.update(words)
        return [_scope(clause.fieldname, _alt_expr(tuple(words)))]
    content = " ".join(w for w in clause.text.split() if not is_function_word(w))
    units = query_units(content) if content else []
    units_out.extend(units)
    out = []
    for u in units:
        terms_out.update(u.terms())
        alts = [_alt_expr(a) for a in u.alternatives]
        if _PARTS_MATCH:  # as in query.py: a compound's parts also match one by one
            parts = [a for a in u.alternatives if len(a) > 1]
            alts += [_alt_expr((t,)) for t in (parts[0] if parts else ())]
        out.append(_scope(clause.fieldname, alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")"))
    return out


def build_match(text: str) -> tuple[str | None, set[str], str | None]:
    """(MATCH expression, terms to highlight, reason when there is nothing to search)."""
    text = clean(text)
    if not text:
        return None, set(), "empty query"
    should: list[str] = []
    must: list[str] = []
    must_not: list[str] = []
    terms: set[str] = set()
    units: list = []
    for clause in tokenize_clauses(text):
        negative = clause.sign == "-"
        exprs = _clause_exprs(clause, units if not negative else [], terms if not negative else set())
        if not exprs:
            continue
        (must_not if negative else must if clause.sign == "+" else should).extend(exprs)
    if not should and not must:
        reason = ("only excluded words: add a word to search for" if must_not
                  else "no searchable words in the query (only particles, endings or punctuation)")
        return None, set(), reason
    any_of = "(" + " | ".join(should) + ")" if should else ""
    if must:
        expr = "(" + " ".join(must) + ")"
        if any_of:
            expr = f"({expr} MAYBE {any_of})"
    else:
        expr = any_of
    if must_not:
        expr = f"{expr} -(" + " | ".join(must_not) + ")"
    return expr, terms, None


class SphinxResults(Results):
    """Results that may carry a warning (some shards did not answer: the hits are partial)."""

    warning: str | None = None

    def to_json(self) -> dict:
        out = super().to_json()
        if self.warning:
            out["warning"] = self.warning
        return out


def _ranker() -> str:
    return os.environ.get("NEWSEARCH_SPHINX_RANKER") or DEFAULT_RANKER


class SphinxSearcher:
    """The `search.Searcher` API over the cluster's distributed index."""

    def __init__(self, index_dir: str | Path, cluster: Cluster | None = None):
        self.index_dir = Path(index_dir)
        self.cluster = cluster or Cluster.for_index(index_dir)
        self.ns = namespace(index_dir)
        self._lock = threading.Lock()
        if not (self.index_dir / MARKER).is_file() and self.doc_count == 0:
            raise IndexError_(f"no index at {self.index_dir} (sphinx namespace {self.ns}): "
                              "run `newsearch index` first")
        warm_up()

    def close(self) -> None:
        self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def dist(self) -> str:
        return self.cluster.prefix

    def _select(self, sql: str, args=None, meta: bool = False):
        with self._lock:  # one connection per node and searcher: statements must not interleave
            return self.cluster.any_node(sql, args, meta=meta)

    @property
    def doc_count(self) -> int:
        try:
            _rows, meta = self._select(f"SELECT id FROM {self.dist} WHERE ns=%s LIMIT 1", (self.ns,), meta=True)
        except (Unavailable, QueryError) as e:
            log.warning("%s", e)
            return 0
        return int(meta.get("total_found", 0))

    def search(self, text: str, *, limit: int = 10, page: int = 1, sort: str = "relevance",
               publisher: str | None = None, date_from: str | None = None, date_to: str | None = None,
               facets: bool = False, suggest: bool = True, snippets: bool = True) -> Results:
        """Run a user query; never raises (unavailable nodes and bad input give a reason or warning)."""
        t0 = time.perf_counter()
        limit = max(1, min(int(limit), 100))
        page = max(1, min(int(page), MAX_PAGE))
        res = SphinxResults(query=text, page=page, limit=limit)
        match, terms, reason = build_match(text)
        if match is None:
            res.reason = reason
            res.took_ms = (time.perf_counter() - t0) * 1000
            return res
        where, args = self._filters(date_from, date_to)
        pub_where, pub_args = (" AND s_publisher=%s", [publisher]) if publisher else ("", [])
        order = "dateint DESC, WEIGHT() DESC, id ASC" if sort == "newest" else "WEIGHT() DESC, id ASC"
        cols = "id, WEIGHT() AS w, s_id, s_title, s_date, s_publisher, s_url, s_reporter"
        if snippets:
            cols += ", s_body, s_tspans, s_bspans"
        offset = (page - 1) * limit
        sql = (f"SELECT {cols} FROM {self.dist} WHERE MATCH(%s) AND ns=%s{where}{pub_where} ORDER BY {order} "
               f"LIMIT {offset}, {limit} OPTION ranker={_ranker()}, field_weights=({FIELD_WEIGHTS}), "
               f"max_matches={offset + limit}, idf='plain,tfidf_unnormalized'")
        try:
            rows, meta = self._select(sql, [match, self.ns, *args, *pub_args], meta=True)
            res.total = int(meta.get("total_found", 0))
            res.warning = _warning(meta)
            for r in rows:
                res.hits.append(self._hit(r, terms if snippets else None, snippets))
            if facets:
                res.publishers = self._publisher_counts(match, where, args)
        except (Unavailable, QueryError) as e:
            msg = str(e)
            if "agent" in msg or isinstance(e, Unavailable):
                res.reason = f"search backend unavailable: {msg}"
            else:
                res.reason = f"query not understood by the search backend: {msg}"
            log.warning("%s", res.reason)
        if res.warning:
            log.warning("%s", res.warning)
        if suggest and res.total < FEW_HITS and not res.reason:
            res.suggestion = self.suggest(text)
        res.took_ms = (time.perf_counter() - t0) * 1000
        return res

    @staticmethod
    def _filters(date_from: str | None, date_to: str | None) -> tuple[str, list]:
        where, args = "", []
        if date_from:
            where += " AND dateint>=%s"
            args.append(date_int(date_from))
        if date_to:
            where += " AND dateint<=%s AND dateint>0"
            args.append(date_int(date_to[:10]) + 999999)
        return where, args

    def _hit(self, r, terms: set[str] | None, snippets: bool) -> Hit:
        key, w, sid, title, date, publisher, url, reporter = r[:8]
        snippet = ""
        title_html = highlight.mark(title, [])
        if snippets:
            body, tspans, bspans = r[8:11]
            snippet = highlight.snippet(body, decode_spans(bspans, terms))
            title_html = highlight.mark(title, [(a, b) for a, b, _ in decode_spans(tspans, terms)])
        return Hit(id=sid, title=title, date=date or None, publisher=publisher or None, url=url or None,
                   score=w / 1000.0, snippet=snippet, reporter=reporter or None, title_html=title_html)

    def _publisher_counts(self, match: str, where: str, args: list) -> list[tuple[str, int]]:
        rows = self._select(f"SELECT s_publisher, COUNT(*) AS c FROM {self.dist} WHERE MATCH(%s) AND ns=%s{where} "
                            "GROUP BY s_publisher ORDER BY c DESC LIMIT 1000 OPTION max_matches=1000",
                            [match, self.ns, *args])
        counts = [(name, int(n)) for name, n in rows if name]
        counts.sort(key=lambda x: (-x[1], x[0]))
        return counts

    # -- spelling ---------------------------------------------------------------------------

    def suggest(self, text: str, s=None) -> str | None:
        """Did-you-mean needs the term dictionary, which SphinxQL 2.2 does not list: none."""
        return None

    # -- single articles ------------------------------------------------------------------

    def _fetch(self, doc_id: str):
        cols = "id, s_id, s_source, s_digest, s_title, s_body, s_date, s_publisher, s_reporter, s_url, s_tspans, s_bspans"
        try:
            rows = self._select(f"SELECT {cols} FROM {self.dist} WHERE id=%s AND ns=%s LIMIT 1",
                                (doc_key(self.ns, doc_id), self.ns))
        except (Unavailable, QueryError) as e:
            log.warning("%s", e)
            return None
        return rows[0] if rows and rows[0][1] == doc_id else None

    def article(self, doc_id: str, q: str | None = None) -> dict | None:
        """The stored article (`body_html` highlights `q`'s words when given), or None."""
        r = self._fetch(doc_id)
        if r is None:
            return None
        _key, sid, source, digest, title, body, date, publisher, reporter, url, tspans, bspans = r
        terms: set[str] = set()
        if q:
            _m, terms, _reason_ = build_match(q)
        stored = {"id": sid, "source": source, "digest": digest, "title": title, "body": body,
                  "date": date or None, "publisher": publisher or None, "reporter": reporter or None,
                  "url": url or None}
        stored["body_html"] = highlight.mark(body, [(a, b) for a, b, _ in decode_spans(bspans, terms)] if terms else [])
        stored["title_html"] = highlight.mark(title, [(a, b) for a, b, _ in decode_spans(tspans, terms)] if terms else [])
        return stored

    def related(self, doc_id: str, limit: int = 5) -> list[Hit]:
        """More-like-this: articles sharing the article's most distinctive terms (tf x idf)."""
        r = self._fetch(doc_id)
        if r is None:
            return []
        counts = term_counts(r[11])
        for t, n in term_counts(r[10]).items():
            counts[t] = counts.get(t, 0) + 2 * n
        cands = sorted(counts.items(), key=lambda x: -x[1])[:60]
        if not cands:
            return []
        df = self._doc_freqs([t for t, _ in cands])
        total = max(self.doc_count, 1)
        import math

        scored = sorted(cands, key=lambda x: -(x[1] * math.log(1 + total / (1 + df.get(token(x[0]), 0)))))
        keys = [t for t, _ in scored[:12]]
        match = " | ".join(_alt_expr((k,)) for k in keys)
        try:
            rows = self._select(f"SELECT id, WEIGHT() AS w, s_id, s_title, s_date, s_publisher, s_url, s_reporter, "
                                f"s_body FROM {self.dist} WHERE MATCH(%s) AND ns=%s AND id!=%s LIMIT {limit} "
                                "OPTION ranker=bm25", (match, self.ns, r[0]))
        except (Unavailable, QueryError) as e:
            log.warning("%s", e)
            return []
        out = []
        for row_ in rows:
            h = self._hit(row_[:8], None, False)
            h.snippet = highlight.snippet(row_[8], [])
            out.append(h)
        return out

    def _doc_freqs(self, terms: list[str]) -> dict[str, int]:
        """Document frequency of each term's token, summed over the shards that answer."""
        toks = " ".join(token(t) for t in terms)
        out: dict[str, int] = {}
        for i in range(self.cluster.shards):
            try:
                with self._lock:
                    rows = self.cluster.run(i, "CALL KEYWORDS(%s, %s, 1)", (toks, f"{self.dist}{i}"), retry=False)
            except (Unavailable, QueryError):
                continue
            for r in rows:
                out[r[1]] = out.get(r[1], 0) + int(r[3])
        return out

    def publishers(self) -> list[tuple[str, int]]:
        """Every publisher in the index with its article count."""
        try:
            rows = self._select(f"SELECT s_publisher, COUNT(*) AS c FROM {self.dist} WHERE ns=%s GROUP BY s_publisher "
                                "ORDER BY c DESC LIMIT 1000 OPTION max_matches=1000", (self.ns,))
        except (Unavailable, QueryError) as e:
            log.warning("%s", e)
            return []
        return sorted(((n, int(c)) for n, c in rows if n), key=lambda x: (-x[1], x[0]))


def _warning(meta: dict) -> str | None:
    """Sphinx reports failed agents as a `warning` in SHOW META: the hits come from fewer shards."""
    w = meta.get("warning")
    return f"partial results: {w}" if w else None


# ---------------------------------------------------------------------------------------------
# Local clusters (tests, benchmarks, trying it out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalNode:
    """One `searchd` in the foreground (so that it can be killed for real), with its own config and data."""

    def __init__(self, i: int, nodes: list[dict], base: Path, prefix: str):
        self.i, self.nodes, self.prefix = i, nodes, prefix
        self.dir = base / f"node{i}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "searchd.conf"
        self.conf.write_text(node_config(i, nodes, self.dir, prefix), encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        n = self.nodes[self.i]
        return f"{n['host']}:{n['sql_port']}"

    def start(self, timeout: float = 30.0) -> None:
        log_fh = open(self.dir / "stdout.log", "ab")
        self.proc = subprocess.Popen(["searchd", "--config", str(self.conf), "--nodetach"], stdout=log_fh,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log_fh.close()
        n = self.nodes[self.i]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"searchd node {self.i} exited: "
                                   + (self.dir / "stdout.log").read_text(errors="replace")[-2000:])
            try:
                _connect(n["host"], n["sql_port"], timeout=1.0).close()
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError(f"searchd node {self.i} did not answer within {timeout:.0f}s")

    def stop(self) -> None:
        """A clean shutdown (RT indexes are saved)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: what a crashed machine looks like (the binlog brings the writes back)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


class LocalCluster:
    """`n` searchd nodes on 127.0.0.1 with free ports and data under `base`."""

    def __init__(self, base: str | Path, n: int = 2, prefix: str = DEFAULT_PREFIX):
        base = Path(base)
        self.prefix = prefix
        specs = [{"host": "127.0.0.1", "sql_port": free_port(), "api_port": free_port()} for _ in range(n)]
        self.nodes = [LocalNode(i, specs, base, prefix) for i in range(n)]

    @property
    def env(self) -> dict[str, str]:
        """The environment that points newsearch at this cluster."""
        return {"NEWSEARCH_BACKEND": "sphinx", "NEWSEARCH_SPHINX_NODES": ",".join(n.address for n in self.nodes),
                "NEWSEARCH_SPHINX_INDEX": self.prefix}

    def start(self) -> "LocalCluster":
        for n in self.nodes:
            n.start()
        return self

    def stop(self) -> None:
        for n in self.nodes:
            n.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


__all__ = ["SphinxBackend", "SphinxSearcher", "LocalCluster", "build_match", "node_config", "token",
           "morpheme_text", "encode_spans", "decode_spans"]
