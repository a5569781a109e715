"""Connections to the Sphinx nodes (SphinxQL over the MySQL protocol, through pymysql)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ...errors import QueryRefused, StoreError, Unavailable
from .nodes import MARKER, nodes_from_env, prefix_from_env


def connect(host: str, port: int, timeout: float = 3.0):
    try:
        import pymysql
    except ImportError:
        raise StoreError("the sphinx backend needs pymysql: pip install 'newsearch[sphinx]'") from None
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
                c = self._conns[i] = connect(*self.nodes[i])
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
        """Run one statement on node i: rows (and SHOW META as a dict when `meta`).

        With `retry`, a statement that fails for the connection is run once more on a new one. Without it
        too when the connection was a pooled one that failed without timing out: the node restarted since
        (a stale connection), and a new one answers; a new connection that fails means the node is down.
        """
        for attempt in (0, 1):
            pooled = i in self._conns
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
                stale = pooled and "timed out" not in _reason(e)
                if code == 1064 or attempt or not (retry or stale):
                    if code == 1064:
                        raise QueryRefused(_schema_hint(_reason(e))) from None
                    raise Unavailable(f"sphinx node {self.addr(i)} is unavailable ({_reason(e)})") from None

    def any_node(self, sql: str, args=None, *, meta: bool = False):
        """Run on the first node that answers (each node's distributed index covers every shard); a node
        that does not answer on a new connection is passed over at once (no retry: `run`)."""
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


def _schema_hint(reason: str) -> str:
    """A query error, with what to do when a shard was created by an older newsearch (fewer columns)."""
    if "unknown column" in reason or "no such attribute" in reason:
        return (f"{reason} (the shard was created by an older newsearch: searchd keeps an RT index's columns "
                "on disk, so recreate its shards, deleting their data files, and index again)")
    return reason


def _reason(e: Exception) -> str:
    msg = e.args[1] if len(e.args) > 1 else (str(e) or type(e).__name__)
    return str(msg).replace("\x00", "").strip().splitlines()[0][:300]

