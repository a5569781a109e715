"""`SphinxWriter`: the ingest pipeline's `StoreWriter` for a Sphinx cluster (documents go to shard
`id_hash(id) % nodes`)."""

from __future__ import annotations

import json
from pathlib import Path

from ...analysis import UserWord, vocabulary
from ...errors import Unavailable
from ...ingest import IndexedDoc, Shard
from ...ingest.shards import shard_of
from .cluster import Cluster
from .documents import COLUMNS, doc_key, row
from .nodes import MARKER, namespace

BATCH_BYTES = 4 * 2**20


class SphinxWriter:
    """Writes go straight to each shard's node, in batches; deletes and the marker at commit."""

    def __init__(self, index_dir: str | Path, cluster: Cluster | None = None):
        self.index_dir = Path(index_dir)
        self.cluster = cluster or Cluster.for_index(index_dir)
        self.ns = namespace(index_dir)
        self._adds: dict[int, list[tuple]] = {}
        self._add_bytes: dict[int, int] = {}
        self._deletes: dict[int, list[int]] = {}

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

    def dictionary(self) -> tuple[UserWord, ...]:
        return vocabulary.kept_user_dict(self.index_dir)

    def add(self, item: IndexedDoc, replace: bool) -> None:
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

    def commit(self, words: tuple[UserWord, ...], changed: bool) -> None:
        for i in list(self._adds):
            self._flush_adds(i)
        for i, keys in list(self._deletes.items()):
            for k in range(0, len(keys), 1000):
                chunk = keys[k:k + 1000]
                self.cluster.run(i, f"DELETE FROM {self._shard_index(i)} WHERE id IN ({','.join(map(str, chunk))})")
            del self._deletes[i]
        self._mark()
        vocabulary.keep_user_dict(self.index_dir, words)

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

    def stats(self) -> dict:
        per_shard = {}
        for i in range(self.cluster.shards):
            try:
                _rows, meta = self.cluster.run(i, f"SELECT id FROM {self._shard_index(i)} WHERE ns=%s LIMIT 1",
                                               (self.ns,), meta=True)
                per_shard[self.cluster.addr(i)] = int(meta.get("total_found", 0))
            except Unavailable:
                per_shard[self.cluster.addr(i)] = None
        return {"backend": "sphinx", "namespace": self.ns,
                "documents": sum(v for v in per_shard.values() if v), "shards": per_shard}

    def close(self) -> None:
        self.cancel()
        self.cluster.close()
