"""`SphinxWriter`: the ingest pipeline's `StoreWriter` for a Sphinx cluster (documents go to shard
`id_hash(id) % nodes`)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ...analysis import UserWord, vocabulary
from ...errors import StoreError, Unavailable
from ...ingest import IndexedDoc, Shard, filemarks
from ...ingest.shards import shard_of
from . import groups
from .cluster import Cluster
from .documents import COLUMNS, doc_key, row
from .nodes import MARKER, namespace
from .status import pending_reshard
from .words import Counts, count_rows, item_words, stored_words

log = logging.getLogger(__name__)

BATCH_BYTES = 4 * 2**20
PAGE = 5000  # documents read per statement
# Marker version of the groups of copies: an index written before grouping (1: before `gsize`), or never
# committed, is grouped at its next commit even when nothing changed.
GROUPED = 2
# Times a sharded worker groups again when the namespace changed while it grouped (another worker's
# writes): the last writer to finish then leaves what a rebuild gives.
REGROUP_ROUNDS = 5


class SphinxWriter:
    """Writes go straight to each shard's node, in batches; deletes and the marker at commit."""

    def __init__(self, index_dir: str | Path, cluster: Cluster | None = None):
        self.index_dir = Path(index_dir)
        self.cluster = cluster or Cluster.for_index(index_dir)
        self.ns = namespace(index_dir)
        self._adds: dict[int, list[tuple]] = {}
        self._add_words: dict[int, list[set[str]]] = {}  # the words of each pending add, for `Counts`
        self._add_bytes: dict[int, int] = {}
        self._deletes: dict[int, list[int]] = {}
        self._sharded = False  # one of several workers (`--shard`), which may write at the same time
        self._written = False  # whether this run wrote to the shards yet (the marker then says: group again)
        self._words = Counts(self.index_dir)  # did-you-mean's word counts, changed with every write

    def _shard_index(self, i: int) -> str:
        return f"{self.cluster.prefix}{i}"

    def _rows(self, i: int, cols: str):
        """Every document of the namespace in shard i (`id` and `cols`), paged by id."""
        last = 0
        while True:
            rows = self.cluster.run(
                i, f"SELECT id, {cols} FROM {self._shard_index(i)} WHERE ns=%s AND id>%s "
                   f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}", (self.ns, last))
            yield from rows
            if len(rows) < PAGE:
                break
            last = rows[-1][0]

    def existing(self, shard: Shard | None = None) -> dict[str, tuple[str, str]]:
        self._sharded = shard is not None
        waiting = pending_reshard(self.index_dir, self.cluster)  # nodes added: documents not moved yet
        if waiting:
            raise StoreError(waiting)
        out: dict[str, tuple[str, str]] = {}
        for i in range(self.cluster.shards):
            if shard is not None and shard.count == self.cluster.shards and shard.index != i:
                continue  # a worker per node: the other shards hold none of its ids
            for key, sid, source, digest in self._rows(i, "s_id, s_source, s_digest"):
                if shard is None or shard.owns(sid):
                    out[sid] = (source, digest)
        return out

    def dictionary(self) -> tuple[UserWord, ...]:
        return vocabulary.kept_user_dict(self.index_dir)

    def marks_path(self) -> Path:
        """Beside the marker (each use is checked against what the shards hold: `ingest/filemarks.py`)."""
        return self.index_dir / filemarks.FILE_NAME

    def add(self, item: IndexedDoc, replace: bool) -> None:
        i = shard_of(item.id, self.cluster.shards)
        values = row(self.ns, item)
        self._adds.setdefault(i, []).append(values)
        self._add_words.setdefault(i, []).append(item_words(item))
        self._add_bytes[i] = self._add_bytes.get(i, 0) + sum(len(v) for v in values if isinstance(v, str)) * 3
        if self._add_bytes[i] > BATCH_BYTES or len(self._adds[i]) >= 500:
            self._flush_adds(i)

    def _flush_adds(self, i: int) -> None:
        rows = self._adds.pop(i, [])
        added = self._add_words.pop(i, [])
        self._add_bytes.pop(i, None)
        if not rows:
            return
        self._writing()
        replaced = self._stored_words(i, [r[0] for r in rows])
        one = "(" + ",".join(["%s"] * len(COLUMNS)) + ")"
        sql = f"REPLACE INTO {self._shard_index(i)} ({', '.join(COLUMNS)}) VALUES " + ",".join([one] * len(rows))
        self.cluster.run(i, sql, [v for r in rows for v in r])
        for old in replaced:
            self._words.add(old, -1)
        for new in added:
            self._words.add(new, +1)

    def _stored_words(self, i: int, keys: list[int]) -> list[set[str]]:
        """The words of the rows of shard i with these keys (those that exist): what a write replaces."""
        ids = ",".join(map(str, keys))
        rows = self.cluster.run(i, f"SELECT id, s_tspans, s_bspans FROM {self._shard_index(i)} WHERE id IN ({ids}) "
                                   f"LIMIT {len(keys)} OPTION max_matches={len(keys)}")
        return [stored_words(t, b) for _key, t, b in rows]

    def delete(self, doc_id: str) -> None:
        i = shard_of(doc_id, self.cluster.shards)
        self._deletes.setdefault(i, []).append(doc_key(self.ns, doc_id))

    def commit(self, words: tuple[UserWord, ...], changed: bool) -> None:
        for i in list(self._adds):
            self._flush_adds(i)
        for i, keys in list(self._deletes.items()):
            self._writing()
            for k in range(0, len(keys), 1000):
                chunk = keys[k:k + 1000]
                removed = self._stored_words(i, chunk)
                self.cluster.run(i, f"DELETE FROM {self._shard_index(i)} WHERE id IN ({','.join(map(str, chunk))})")
                for old in removed:
                    self._words.add(old, -1)
            del self._deletes[i]
        if changed or not self._grouped():
            self._regroup()
        self._mark(grouped=True)
        self._words.finish(recount=self._count_words)
        vocabulary.keep_user_dict(self.index_dir, words)

    def _count_words(self):
        """Did-you-mean's word counts of every document of the namespace, read from the shards."""
        shards = range(self.cluster.shards)
        return count_rows((t, b) for i in shards for _key, t, b in self._rows(i, "s_tspans, s_bspans"))

    def _writing(self) -> None:
        """Before the first write: mark the copies ungrouped, so that a run that dies before its commit
        (its documents then count as unchanged) still leaves the next commit to group them."""
        if not self._written:
            self._written = True
            self._mark(grouped=False)
            self._words.begin(empty=self._namespace_empty)

    def _namespace_empty(self) -> bool:
        """Whether no shard holds a document of the namespace (before this run's first write)."""
        return not any(self.cluster.run(i, f"SELECT id FROM {self._shard_index(i)} WHERE ns=%s LIMIT 1", (self.ns,))
                       for i in range(self.cluster.shards))

    def _grouped(self) -> bool:
        """Whether the marker says the namespace's copies were grouped by a commit (see GROUPED)."""
        try:
            return json.loads((self.index_dir / MARKER).read_text(encoding="utf-8")).get("copies") == GROUPED
        except (OSError, ValueError, AttributeError):
            return False

    def _grouping_rows(self) -> list[groups.GroupingRow]:
        """What grouping needs of every document of the namespace, from every shard."""
        return [(i, key, sid, sig, date, grp, gsize) for i in range(self.cluster.shards)
                for key, sid, sig, date, grp, gsize in self._rows(i, "s_id, s_sig, s_date, grp, gsize")]

    def _regroup(self) -> None:
        """Group every document of the namespace and rewrite the `grp`s and `gsize`s that changed.

        A sharded worker reads the namespace again after writing: another worker may have written
        between its read and its update, and the grouping must be of what the shards finally hold.
        """
        docs = self._grouping_rows()
        for _round in range(REGROUP_ROUNDS):
            for i, by_grp in groups.plan(docs, self.ns).items():
                self._set_grp(i, by_grp)
            if not self._sharded:
                return
            again = self._grouping_rows()
            if [d[:5] for d in again] == [d[:5] for d in docs]:
                return
            docs = again
        log.warning("sphinx namespace %s kept changing while grouping copies; the next update groups again", self.ns)

    def _set_grp(self, i: int, by_grp: dict[tuple[int, int], list[int]]) -> None:
        """UPDATE shard i's documents to their new `grp` and `gsize`, one statement per pair (and per 1,000 ids)."""
        for (grp, gsize), keys in by_grp.items():
            for k in range(0, len(keys), 1000):
                ids = ",".join(map(str, keys[k:k + 1000]))
                self.cluster.run(i, f"UPDATE {self._shard_index(i)} SET grp={int(grp)}, gsize={int(gsize)} "
                                    f"WHERE id IN ({ids})")

    def _mark(self, grouped: bool) -> None:
        """A small marker in the index folder: the namespace exists (even while empty), its copies grouped."""
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            (self.index_dir / MARKER).write_text(json.dumps({
                "backend": "sphinx", "namespace": self.ns, "prefix": self.cluster.prefix,
                "nodes": [self.cluster.addr(i) for i in range(self.cluster.shards)],
                "copies": GROUPED if grouped else 0}) + "\n", encoding="utf-8")
        except OSError:
            pass

    def cancel(self) -> None:
        self._words.finish(recount=None)  # what reached the shards counts; the rest never happened
        self._written = False
        self._adds.clear()
        self._add_words.clear()
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
