#!/usr/bin/env python3
"""Adding a node: `newsearch cluster reshard` from two local searchd nodes to three, timed, and what the
searches return before and after.

    python bench/reshard_bench.py [FILE.jsonl ...] [--workdir bench/out/reshard]
    (default files: bigkinds_leads, yonhap_headlines, wikinews_ko of ../shared/corpus)

Then indexes the same files into a fresh three-node cluster and compares: the re-sharded cluster should
answer as one built on three nodes from the start (what differs from before the re-shard is the layout's).
Starts its own nodes on 127.0.0.1 (free ports, data under WORKDIR) and stops them at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

from newsearch.backends.sphinx.local import LocalCluster

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT = ["bigkinds_leads.jsonl", "yonhap_headlines.jsonl", "wikinews_ko.jsonl"]
QUERIES = ["대통령", "코로나 백신", '"국회의원"', "경제 성장률", "서울 아파트", "북한 미사일", "삼성전자", "축구 대표팀",
           "위키뉴스", "인공지능"]


def hits(ix: Path) -> dict[str, tuple[int, list[str]]]:
    from newsearch.backends import open_searcher

    with open_searcher(ix) as s:
        out = {}
        for q in QUERIES:
            res = s.search(q, limit=100, group=False)
            out[q] = (res.total, [h.id for h in res.hits])
        return out


def optimize(cluster) -> None:
    from newsearch.backends.sphinx.cluster import Cluster

    c = Cluster([(n.nodes[n.i]["host"], n.nodes[n.i]["sql_port"]) for n in cluster.nodes], cluster.prefix)
    t0 = time.monotonic()
    for i in range(c.shards):
        c.run(i, f"FLUSH RTINDEX {c.prefix}{i}")
        c.run(i, f"OPTIMIZE INDEX {c.prefix}{i}")
    time.sleep(5)  # OPTIMIZE runs in searchd's background
    c.close()
    print(f"flushed and optimized every shard ({time.monotonic() - t0:.1f}s)")


def compare(a: dict, b: dict, label: str) -> None:
    for q in QUERIES:
        (n0, x), (n1, y) = a[q], b[q]
        first = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), None)
        print(f"{label} {q!r}: total {n0} -> {n1}; top {len(x)} "
              + ("the same, in order" if first is None and x == y else f"the same down to rank {first}"))


def fresh(files: list[Path], workdir: Path) -> dict:
    """The searches on a cluster of three nodes that indexed `files` from the start."""
    from newsearch.backends import update

    cluster = LocalCluster(workdir / "fresh-cluster", 3).start()
    try:
        os.environ.update(cluster.env)
        ix = workdir / "fresh-index"
        t0 = time.monotonic()
        print(f"index on 3 fresh nodes: {update(ix, files).summary()} ({time.monotonic() - t0:.1f}s)")
        return hits(ix)
    finally:
        cluster.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--workdir", type=Path, default=Path("bench/out/reshard"))
    ap.add_argument("--optimize", action="store_true",
                    help="after the re-shard, FLUSH RTINDEX and OPTIMIZE INDEX every shard (purges deleted rows)")
    args = ap.parse_args()
    files = args.files or [CORPUS / f for f in DEFAULT]
    shutil.rmtree(args.workdir, ignore_errors=True)
    cluster = LocalCluster(args.workdir / "cluster", 2).start()
    try:
        os.environ.update(cluster.env)
        from newsearch.backends import reshard, status, update

        ix = args.workdir / "index"
        t0 = time.monotonic()
        print(f"index on 2 nodes: {update(ix, files).summary()} ({time.monotonic() - t0:.1f}s)")
        before = hits(ix)
        cluster.add_node()
        os.environ.update(cluster.env)
        t0 = time.monotonic()
        report = reshard(ix, os.environ["NEWSEARCH_SPHINX_NODES"])
        print("\n".join(report.lines()) + f" ({time.monotonic() - t0:.1f}s)")
        if args.optimize:
            optimize(cluster)
        after = hits(ix)
        compare(before, after, "2 nodes -> re-sharded to 3:")
        print("\n".join(status(ix).lines()))
    finally:
        cluster.stop()
    compare(after, fresh(files, args.workdir), "re-sharded to 3 -> 3 from the start:")


if __name__ == "__main__":
    main()
