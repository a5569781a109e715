"""Re-sharding after nodes were added: every document whose shard (`ingest.shards.shard_of`) changes with
the new number of nodes moves to its new node.

A move copies the stored row to the new shard hidden (`ns=0`, which no namespace has: searches, the
writer and the grouping never see it), deletes the old row, then publishes the copy (`UPDATE ... SET
ns=<its namespace>`). At no moment can a search see two copies; between the delete and the publish of a
batch (milliseconds) its documents are in no search. Interrupted anywhere, a run leaves at worst hidden
copies and rows still on their old shard; the next run moves what is still misplaced (copying again),
then publishes the hidden copies that no longer have an old row. The documents of every namespace on
the cluster move (the node list is the cluster's, not one index's), and the folder's marker then names
the new nodes.

Sphinx 2.2 does not store full-text fields: a moved row's fields are written again from its stored
attributes (`fields_of`: the article, the terms' spans and the entities), exactly as indexing wrote
them. The attributes are copied as they are, whatever they are: the columns are read with DESCRIBE.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ...analysis import Term
from ...entities import Entities
from ...errors import StoreError
from ...extract import Article
from ...ingest import IndexedDoc, SourceDoc
from ...ingest.shards import shard_of
from .cluster import Cluster
from .documents import COLUMNS, decode_signature, decode_spans, doc_key, row
from .nodes import MARKER, namespace, prefix_from_env
from .status import STAGED_NS, shards_answered

PAGE = 5000  # ids read per statement while looking for misplaced rows
BATCH = 200  # rows moved per statement
PLAN = "reshard.json"  # in the index folder while a re-shard is unfinished: the namespaces it moves


def parse_nodes(text: str) -> list[tuple[str, int]]:
    """`host:port,host:port,...` (SphinxQL listeners, node order = shard order), or a StoreError."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        host, _, port = part.rpartition(":")
        if not host or not port.isdigit():
            raise StoreError(f"--nodes: {part!r} is not host:port (the node's SphinxQL listener)")
        out.append((host, int(port)))
    if len(set(out)) != len(out):
        raise StoreError(f"--nodes names a node twice: {text}")
    return out


@dataclass
class ReshardReport:
    """What one run moved: (from shard, to shard) -> documents; copies published; what it could not do."""

    nodes: list[str]
    moved: dict[tuple[int, int], int] = field(default_factory=dict)
    published: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"shard {a} -> shard {b}: moved {n}" for (a, b), n in sorted(self.moved.items())]
        total = sum(self.moved.values())
        out.append(f"moved {total} document{'' if total == 1 else 's'} over {len(self.nodes)} nodes"
                   + (f", published {self.published} copies left by an interrupted run" if self.published else ""))
        return out + [f"problem: {p}" for p in self.problems]


# -- the fields of a stored row ---------------------------------------------------------------------


def terms_from_spans(data: str, text: str) -> list[Term]:
    """The index terms of stored spans (documents.encode_spans), in an order from which
    documents.morpheme_text writes the field as indexing did (analysis/terms.py makes them).

    The running text takes the first term at each offset: the word itself, which is the shortest
    term there and reads as the text does (a compound's whole runs longer; a prefix-stripped noun,
    a Hanja reading or a noun's parts share its span but read otherwise). The other forms of a span
    follow in the order indexing made them (`_forms_order`).
    """
    seen: dict[str, int] = {}
    spans: dict[int, dict[int, list[str]]] = {}
    for start, end, term in decode_spans(data):
        seen.setdefault(term, len(seen))
        spans.setdefault(start, {}).setdefault(end, []).append(term)
    out: list[Term] = []
    for start in sorted(spans):
        for end in sorted(spans[start]):
            surface = text[start:end].lower()
            terms = spans[start][end]
            main = [min(terms, key=lambda t: (t.lower() != surface, seen[t]))] if not out or out[-1].start != start \
                else []
            rest = _forms_order([t for t in terms if t not in main], surface, seen)
            out += [Term(t, len(out) + k, start, end) for k, t in enumerate(main + rest)]
    return out


def _forms_order(terms: list[str], surface: str, seen: dict[str, int]) -> list[str]:
    """The other forms of one span in indexing's order: a long noun's parts as they stand in it (a part
    found twice stands twice: spans are kept once); else the variants (Hanja readings, the noun without
    its prefix, then without its suffixes, shortest first)."""
    tiled = _tiling(surface, terms)
    if tiled:
        return tiled
    found = sorted((surface.find(t.lower()), t) for t in terms)
    if all(at >= 0 for at, _ in found) and all(a + len(t) <= b for (a, t), (b, _) in zip(found, found[1:])):
        return [t for _, t in found]
    return sorted(terms, key=lambda t: (surface.startswith(t.lower()), len(t), seen[t]))


def _tiling(surface: str, terms: list[str]) -> list[str] | None:
    """`terms` laid end to end (longest first at each point, each as often as needed) to spell `surface`,
    using every one of them; None when they do not."""
    out: list[str] = []
    at = 0
    while at < len(surface) and terms:
        hit = max((t for t in terms if surface.startswith(t.lower(), at)), key=len, default=None)
        if hit is None:
            return None
        out.append(hit)
        at += len(hit)
    return out if at == len(surface) and set(out) == set(terms) and out else None


def indexed_doc(attrs: dict) -> IndexedDoc:
    """The analysed document a stored row was written from (no Kiwi: terms from their spans)."""
    art = Article(attrs["s_title"] or None, attrs["s_body"] or "", attrs["s_date"] or None,
                  attrs["s_publisher"] or None, attrs["s_reporter"] or None, attrs["s_url"] or None)
    doc = SourceDoc(attrs["s_id"], attrs["s_source"], attrs["s_digest"], attrs["s_id"], lambda: art)
    return IndexedDoc(doc, art, terms_from_spans(attrs["s_tspans"], art.title or ""),
                      terms_from_spans(attrs["s_bspans"], art.body), decode_signature(attrs["s_sig"]),
                      Entities.from_json(attrs["s_ents"]))


def fields_of(attrs: dict, fields: list[str]) -> list[str]:
    """The full-text `fields` of a stored row, written again from its attributes."""
    written = dict(zip(COLUMNS, row(attrs["ns"], indexed_doc(attrs))))
    missing = [f for f in fields if f not in written]
    if missing:
        raise StoreError(f"cannot re-shard: no way to write the field(s) {', '.join(missing)} again from a stored row")
    return [written[f] for f in fields]


# -- moving -----------------------------------------------------------------------------------------


class Mover:
    """Moves rows between the shards of `cluster` (every node up, each answering for every shard)."""

    def __init__(self, cluster: Cluster, namespaces: set[int], report: ReshardReport):
        self.cluster = cluster
        self.namespaces = namespaces
        self.report = report
        self._columns: dict[int, list[tuple[str, str]]] = {}

    def columns(self, i: int) -> list[tuple[str, str]]:
        """(name, type) of shard i's columns (DESCRIBE): `field`s, `tokencount`s (the engine's field
        lengths) and stored attributes of any type."""
        if i not in self._columns:
            self._columns[i] = [(name, kind) for name, kind in self.cluster.run(i, f"DESCRIBE {self.shard(i)}")]
        return self._columns[i]

    def attrs(self, i: int) -> list[tuple[str, str]]:
        return [(name, kind) for name, kind in self.columns(i) if kind not in ("field", "tokencount")]

    def shard(self, i: int) -> str:
        return f"{self.cluster.prefix}{i}"

    def ids(self, i: int, where: str):
        """(id, s_id, ns) of shard i's rows matching `where`, paged by id."""
        last = -1
        while True:
            rows = self.cluster.run(i, f"SELECT id, s_id, ns FROM {self.shard(i)} WHERE {where} AND id>%s "
                                       f"ORDER BY id ASC LIMIT {PAGE} OPTION max_matches={PAGE}", (last,))
            yield from rows
            if len(rows) < PAGE:
                return
            last = rows[-1][0]

    def read(self, i: int, keys: list[int]) -> list[dict]:
        """The stored attributes of shard i's rows `keys`."""
        names = [name for name, _ in self.attrs(i)]
        rows = self.cluster.run(i, f"SELECT {', '.join(names)} FROM {self.shard(i)} "
                                   f"WHERE id IN ({','.join(map(str, keys))}) LIMIT {len(keys)} "
                                   f"OPTION max_matches={len(keys)}")
        return [dict(zip(names, r)) for r in rows]

    def stage(self, target: int, rows: list[dict]) -> None:
        """Write `rows` to shard `target` hidden (ns=0), fields written again, attributes as they were."""
        attrs_in = [(name, kind) for name, kind in self.attrs(target) if name in rows[0]]
        fields = [name for name, kind in self.columns(target) if kind == "field"]
        names = [name for name, _ in attrs_in] + fields
        values, literal = [], []
        for attrs in rows:
            one = []
            for name, kind in attrs_in:
                v = STAGED_NS if name == "ns" else attrs[name]
                if kind.startswith("mva"):
                    one.append("(" + ",".join(str(int(x)) for x in str(v or "").split(",") if x) + ")")
                else:
                    one.append("%s")
                    values.append(v)
            one += ["%s"] * len(fields)
            values += fields_of(attrs, fields)
            literal.append("(" + ",".join(one) + ")")
        self.cluster.run(target, f"REPLACE INTO {self.shard(target)} ({', '.join(names)}) VALUES {','.join(literal)}",
                         values)

    def retire(self, i: int, keys: list[int]) -> None:
        """Delete the old rows `keys` of shard i (their hidden copies are written)."""
        self.cluster.run(i, f"DELETE FROM {self.shard(i)} WHERE id IN ({','.join(map(str, keys))})")

    def publish(self, target: int, by_ns: dict[int, list[int]]) -> None:
        """Make hidden copies visible again: each back in its namespace."""
        for ns, keys in by_ns.items():
            self.cluster.run(target, f"UPDATE {self.shard(target)} SET ns={int(ns)} "
                                     f"WHERE id IN ({','.join(map(str, keys))})")

    def move(self, i: int, target: int, batch: list[tuple[int, str, int]]) -> None:
        """Move one batch of shard i's rows to shard `target`: copy hidden, delete, publish."""
        keys = [k for k, _sid, _ns in batch]
        rows = self.read(i, keys)
        if len(rows) != len(keys):
            raise StoreError(f"shard {self.shard(i)} changed during the re-shard (is `newsearch index` running?)")
        self.stage(target, rows)
        self.retire(i, keys)
        by_ns: dict[int, list[int]] = {}
        for k, _sid, ns in batch:
            by_ns.setdefault(ns, []).append(k)
        self.publish(target, by_ns)
        self.report.moved[(i, target)] = self.report.moved.get((i, target), 0) + len(keys)

    def move_misplaced(self, i: int, on_progress: Callable[[int], None] | None = None) -> None:
        """Move every visible row of shard i that belongs on another shard now."""
        n = self.cluster.shards
        pending: dict[int, list[tuple[int, str, int]]] = {}
        for key, sid, ns in self.ids(i, f"ns!={STAGED_NS}"):
            target = shard_of(sid, n)
            if target == i:
                continue
            pending.setdefault(target, []).append((key, sid, ns))
            if len(pending[target]) >= BATCH:
                self.move(i, target, pending.pop(target))
                if on_progress:
                    on_progress(sum(self.report.moved.values()))
        for target, batch in pending.items():
            self.move(i, target, batch)

    def publish_staged(self, i: int) -> None:
        """Publish shard i's hidden copies (after every misplaced row was moved: none has an old row left)."""
        by_ns: dict[int, list[int]] = {}
        for key, sid, _ns in self.ids(i, f"ns={STAGED_NS}"):
            ns = next((ns for ns in self.namespaces if doc_key(ns, sid) == key), None)
            if ns is None:
                self.report.problems.append(f"{self.shard(i)}: a hidden copy of {sid!r} whose namespace is unknown "
                                            "(run the re-shard with the --index folder it belongs to); kept hidden")
            elif shard_of(sid, self.cluster.shards) != i:
                self.report.problems.append(f"{self.shard(i)}: a hidden copy of {sid!r} belongs on shard "
                                            f"{shard_of(sid, self.cluster.shards)} (was the node list changed "
                                            "during a re-shard?); kept hidden")
            else:
                by_ns.setdefault(ns, []).append(key)
        self.publish(i, by_ns)
        self.report.published += sum(len(v) for v in by_ns.values())


# -- the run ----------------------------------------------------------------------------------------


def _check_nodes(cluster: Cluster, old: list[str] | None) -> None:
    """Refuse a node list that renumbers shards, a node that is down, or one that does not answer for every shard."""
    new = [cluster.addr(i) for i in range(cluster.shards)]
    if old and new[:len(old)] != old:
        raise StoreError(f"--nodes must list the index's nodes first, in their order ({','.join(old)}), "
                         "then the added ones: a node keeps its shard number")
    want = sorted(f"{cluster.prefix}{j}" for j in range(cluster.shards))
    for i in range(cluster.shards):
        covers = sorted(shards_answered(cluster, i))  # raises Unavailable for a node that is down
        if covers != want:
            raise StoreError(f"node {cluster.addr(i)} answers for {', '.join(covers)}, not {', '.join(want)}: write "
                             f"its config with `newsearch cluster config {i} --nodes ...` and reload it "
                             "(kill -HUP its searchd) before re-sharding")


def _namespaces(cluster: Cluster, index_dir: Path) -> set[int]:
    """Every namespace on the cluster, with those of an earlier unfinished run (kept in the folder's plan)."""
    found = {namespace(index_dir)}
    for i in range(cluster.shards):
        rows = cluster.run(i, f"SELECT ns, COUNT(*) AS c FROM {cluster.prefix}{i} GROUP BY ns LIMIT 100000 "
                              "OPTION max_matches=100000")
        found |= {int(r[0]) for r in rows if int(r[0]) != STAGED_NS}
    plan = index_dir / PLAN
    try:
        found |= {int(x) for x in json.loads(plan.read_text(encoding="utf-8"))["namespaces"]}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = plan.with_suffix(".tmp")
    tmp.write_text(json.dumps({"nodes": [cluster.addr(i) for i in range(cluster.shards)],
                               "namespaces": sorted(found)}) + "\n", encoding="utf-8")
    os.replace(tmp, plan)
    return found


def _old_nodes(index_dir: Path) -> list[str] | None:
    try:
        return list(json.loads((index_dir / MARKER).read_text(encoding="utf-8"))["nodes"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _mark(index_dir: Path, cluster: Cluster) -> None:
    """The folder's marker names the new nodes (the rest of it as the writer left it)."""
    path = index_dir / MARKER
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {"backend": "sphinx", "prefix": cluster.prefix}
    info["nodes"] = [cluster.addr(i) for i in range(cluster.shards)]
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def reshard(index_dir: str | Path, nodes: list[tuple[str, int]], prefix: str | None = None,
            on_progress: Callable[[int], None] | None = None) -> ReshardReport:
    """Move every document of the cluster `nodes` to the shard `shard_of` gives it over len(nodes) nodes,
    then write the new node list into the marker of `index_dir` (see the module docstring)."""
    index_dir = Path(index_dir)
    cluster = Cluster(list(nodes), prefix or prefix_from_env())
    report = ReshardReport([cluster.addr(i) for i in range(cluster.shards)])
    try:
        _check_nodes(cluster, _old_nodes(index_dir))
        mover = Mover(cluster, _namespaces(cluster, index_dir), report)
        for i in range(cluster.shards):
            mover.move_misplaced(i, on_progress)
        for i in range(cluster.shards):
            mover.publish_staged(i)
    finally:
        cluster.close()
    _mark(index_dir, cluster)
    if report.ok:
        (index_dir / PLAN).unlink(missing_ok=True)
    return report
