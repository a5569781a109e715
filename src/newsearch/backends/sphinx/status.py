"""`newsearch status` for a Sphinx cluster: each node up or down, the documents of each shard, and
whether the cluster is whole (every node up and answering for every shard, nothing left half-moved).

A node's distributed index says which shards a query on that node covers (`DESCRIBE <prefix>`: its
own shard as `local`, the others as `host:port:index` agents); a node whose config was not reloaded
after a node was added answers for fewer shards. Rows with `ns=0` are documents a re-shard copied
and has not published yet (backends/sphinx/reshard.py): searches do not see them.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ...errors import StoreError, Unavailable
from ...ingest.shards import shard_of
from .cluster import Cluster
from .nodes import MARKER, namespace

STAGED_NS = 0  # namespace() is never 0: the re-shard's copies wait under it


@dataclass
class NodeStatus:
    """One node: its SphinxQL address and shard, up or down (with the reason), what it holds."""

    address: str
    shard: str
    up: bool = False
    error: str | None = None
    documents: int = 0  # of this namespace, in this node's shard
    all_documents: int = 0  # of every namespace (and copies waiting to be published)
    staged: int = 0  # copies a re-shard has not published yet
    misplaced: int = 0  # documents of this namespace that belong on another shard (`shard_of`)
    covers: list[str] = field(default_factory=list)  # shards its distributed index answers for


@dataclass
class SphinxStatus:
    """What `newsearch status` reports for a namespace of a Sphinx cluster."""

    index: str
    namespace: int
    prefix: str
    nodes: list[NodeStatus]
    updated: str | None  # the last commit from this index folder (its marker), UTC
    marker_nodes: list[str] | None  # the node list the folder's documents were last written or re-sharded for
    problems: list[str] = field(default_factory=list)
    backend: str = "sphinx"

    @property
    def documents(self) -> int:
        return sum(n.documents for n in self.nodes)

    @property
    def whole(self) -> bool:
        return not self.problems

    @property
    def ok(self) -> bool:
        """False when a node is down (the command's exit code)."""
        return all(n.up for n in self.nodes)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(documents=self.documents, whole=self.whole, ok=self.ok)
        return d

    def lines(self) -> list[str]:
        out = [f"sphinx namespace {self.namespace} of {self.index} (indexes {self.prefix}0..{len(self.nodes) - 1})",
               f"documents: {self.documents}" + ("" if self.ok else " (without the nodes that are down)"),
               f"last update: {self.updated or 'never (no marker in this folder)'}"]
        for i, n in enumerate(self.nodes):
            if n.up:
                extra = f", {n.staged} waiting to be published" if n.staged else ""
                out.append(f"node {i} {n.address} up: {n.shard} holds {n.documents} of this index "
                           f"({n.all_documents} in all{extra}"
                           + (f"; {n.misplaced} of its documents belong on other shards" if n.misplaced else "")
                           + f"); answers for {', '.join(n.covers) or 'nothing'}")
            else:
                out.append(f"node {i} {n.address} DOWN: {n.error}")
        out += [f"problem: {p}" for p in self.problems]
        out.append("cluster: whole" if self.whole else "cluster: NOT whole")
        return out


def _count(cluster: Cluster, i: int, where: str, args=()) -> int:
    _rows, meta = cluster.run(i, f"SELECT id FROM {cluster.prefix}{i} {where} LIMIT 1", args or None,
                              meta=True, retry=False)
    return int(meta.get("total_found", 0))


def shards_answered(cluster: Cluster, i: int) -> list[str]:
    """The shards node i's distributed index covers: its `local` indexes and its agents' indexes."""
    rows = cluster.run(i, f"DESCRIBE {cluster.prefix}", retry=False)
    return [name if kind == "local" else name.rpartition(":")[2] for name, kind in rows]


def misplaced(cluster: Cluster, i: int, ns: int, page: int = 5000) -> int:
    """How many of node i's documents of namespace `ns` belong on another shard over the cluster's nodes."""
    count, last = 0, -1
    while True:
        rows = cluster.run(i, f"SELECT id, s_id FROM {cluster.prefix}{i} WHERE ns=%s AND id>%s ORDER BY id ASC "
                              f"LIMIT {page} OPTION max_matches={page}", (ns, last), retry=False)
        count += sum(1 for _key, sid in rows if shard_of(sid, cluster.shards) != i)
        if len(rows) < page:
            return count
        last = rows[-1][0]


def node_status(cluster: Cluster, i: int, ns: int) -> NodeStatus:
    """Up or down, and what node i holds of namespace `ns`."""
    n = NodeStatus(cluster.addr(i), f"{cluster.prefix}{i}")
    try:
        n.documents = _count(cluster, i, "WHERE ns=%s", (ns,))
        n.all_documents = _count(cluster, i, "")
        n.staged = _count(cluster, i, f"WHERE ns={STAGED_NS}")
        n.covers = shards_answered(cluster, i)
        n.misplaced = misplaced(cluster, i, ns)
        n.up = True
    except (Unavailable, StoreError) as e:
        n.error = str(e)
    return n


def _marker(index_dir: Path) -> tuple[str | None, list[str] | None]:
    """(the marker's time in UTC, the nodes it names) of an index folder; (None, None) without one."""
    path = index_dir / MARKER
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(path.stat().st_mtime))
    except (OSError, ValueError):
        return None, None
    return when, info.get("nodes") if isinstance(info, dict) else None


def problems(nodes: list[NodeStatus], marker_nodes: list[str] | None, prefix: str) -> list[str]:
    """Why a cluster is not whole (nothing when it is)."""
    want = [f"{prefix}{j}" for j in range(len(nodes))]
    out = []
    for i, n in enumerate(nodes):
        if not n.up:
            out.append(f"node {i} {n.address} is down: searches miss {n.shard} and `newsearch index` fails")
            continue
        if sorted(n.covers) != want:
            out.append(f"node {i} {n.address} answers for {', '.join(n.covers) or 'nothing'}, not {', '.join(want)}: "
                       "write its config with `newsearch cluster config` and reload it (kill -HUP its searchd)")
        if n.misplaced:
            out.append(f"node {i} {n.address} holds {n.misplaced} documents of this index that belong on other "
                       f"shards: run `newsearch cluster reshard --nodes {','.join(x.address for x in nodes)}`")
        if n.staged:
            out.append(f"node {i} {n.address} holds {n.staged} re-sharded copies not yet published: "
                       "run `newsearch cluster reshard` again")
    addresses = [n.address for n in nodes]
    if marker_nodes is not None and marker_nodes != addresses:
        out.append(f"this index was written for the nodes {','.join(marker_nodes)}: "
                   f"run `newsearch cluster reshard --nodes {','.join(addresses)}`")
    return out


def pending_reshard(index_dir: str | Path, cluster: Cluster) -> str | None:
    """Why the documents of `index_dir` must not be written over `cluster`'s nodes yet (None when they may):
    nodes were added after those its marker names, and the documents were not re-sharded. A writer would
    look for them on their new shards, miss them there and write second copies."""
    _when, old = _marker(Path(index_dir))
    new = [cluster.addr(i) for i in range(cluster.shards)]
    if not old or len(old) >= len(new) or new[:len(old)] != old:
        return None
    return (f"the index {index_dir} was written for the nodes {','.join(old)}: run `newsearch cluster reshard "
            f"--nodes {','.join(new)} --index {index_dir}` before writing to {len(new)} nodes")


def status(index_dir: str | Path, cluster: Cluster | None = None) -> SphinxStatus:
    """The status of the namespace of `index_dir` on its cluster (nodes from the environment or the marker)."""
    index_dir = Path(index_dir)
    cluster = cluster or Cluster.for_index(index_dir)
    ns = namespace(index_dir)
    try:
        nodes = [node_status(cluster, i, ns) for i in range(cluster.shards)]
    finally:
        cluster.close()
    updated, marker_nodes = _marker(index_dir)
    return SphinxStatus(str(index_dir), ns, cluster.prefix, nodes, updated, marker_nodes,
                        problems(nodes, marker_nodes, cluster.prefix))
