#!/usr/bin/env python3
"""Sphinx backend: indexing throughput (1 worker -> 1 node vs 2 workers -> 2 nodes) and query latency.

    python bench/sphinx_bench.py [--throughput-docs 10000] [--latency-docs 100000] [--queries 1000]
                                 [--workdir bench/out/sphinx] [--shared DIR]

Starts its own searchd nodes on 127.0.0.1 (free ports, data under WORKDIR) and stops them at the end.
Documents: the mixed corpus of query_latency.py (Wikinews copies, BigKinds leads, NSMC reviews).
  throughput  the same N documents indexed by `newsearch index` into a fresh namespace:
              one worker into a one-node cluster, then two `--shard I/2` workers in parallel into a
              two-node cluster (each worker loads only its node's shard). Docs/s = N / wall time.
  latency     at 100k documents (loaded by two shard workers), `open_searcher(ix, name="sphinx").search(q)` in process
              (limit 10, snippets on), 1,000 queries (half KorQuAD, half headlines) after 100 warm-ups.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402


def index_with_workers(cluster, src: Path, ix: Path, workers: int, log) -> float:
    env = {**os.environ, **cluster.env}
    t0 = time.monotonic()
    procs = []
    for i in range(workers):
        args = C.newsearch_cmd() + ["index", str(src), "--index", str(ix)]
        if workers > 1:
            args += ["--shard", f"{i}/{workers}"]
        procs.append(subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for p in procs:
        out, err = p.communicate()
        if p.returncode:
            C.die(f"indexing failed: {err[-500:]}")
        log(f"    worker: {out.strip()}")
    return time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--throughput-docs", type=int, default=10_000)
    ap.add_argument("--latency-docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "sphinx"))
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    report = []

    def log(msg: str) -> None:
        print(msg, flush=True)
        report.append(msg)

    from newsearch.backends import open_searcher
    from newsearch.backends.sphinx.local import LocalCluster
    from newsearch.backends.sphinx.writer import SphinxWriter

    log(C.machine_note())
    rows = []
    if args.throughput_docs:
        n = args.throughput_docs
        src = work / f"docs-{n}.jsonl"
        docs, chars, _ = C.write_jsonl(C.mixed_rows(shared, n), src)
        for nodes, workers in ((1, 1), (2, 2)):
            with LocalCluster(work / f"cluster-{nodes}n-{n}", nodes) as cluster:
                log(f"throughput: {docs:,} docs ({chars:,} chars), {workers} worker(s) -> {nodes} node(s)")
                wall = index_with_workers(cluster, src, work / f"ns-{nodes}n-{n}", workers, log)
                rows.append([f"{workers} -> {nodes}", f"{docs:,}", round(wall, 1), round(docs / wall, 1),
                             round(chars / wall / 1000, 1)])
        log(C.table(["workers -> nodes", "docs", "wall s", "docs/s", "k chars/s"], rows,
                    "Sphinx indexing throughput (Kiwi analysis included)"))

    if args.latency_docs:
        n = args.latency_docs
        src = work / f"docs-{n}.jsonl"
        if not src.exists():
            C.write_jsonl(C.mixed_rows(shared, n), src)
        with LocalCluster(work / f"cluster-2n-{n}", 2) as cluster:
            ix = work / f"ns-2n-{n}"
            log(f"latency: loading {n:,} docs with 2 workers -> 2 nodes")
            wall = index_with_workers(cluster, src, ix, 2, log)
            log(f"    loaded in {wall:.0f}s ({n / wall:.0f} docs/s)")
            os.environ.update(cluster.env)
            log(f"    shards: {json.dumps(SphinxWriter(ix).stats()['shards'])}")
            queries = C.query_mix(shared, args.queries, seed=7)
            with open_searcher(ix, name="sphinx") as s:
                for q in C.query_mix(shared, 100, seed=99):
                    s.search(q)
                lat, totals = [], []
                for q in queries:
                    t0 = time.perf_counter()
                    res = s.search(q)
                    lat.append((time.perf_counter() - t0) * 1000)
                    totals.append(res.total)
                lat_nosnip = []
                for q in queries:
                    t0 = time.perf_counter()
                    s.search(q, snippets=False, suggest=False)
                    lat_nosnip.append((time.perf_counter() - t0) * 1000)
            lrows = [[f"{n:,}", label, len(xs), C.percentile(xs, 50), C.percentile(xs, 95), C.percentile(xs, 99),
                      max(xs), sum(xs) / len(xs)] for label, xs in (("snippets", lat), ("ids+scores", lat_nosnip))]
            log(C.table(["docs", "mode", "queries", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"], lrows,
                        "Sphinx query latency in process (2 nodes, Kiwi query analysis included)"))
            log(f"    queries with hits: {sum(1 for t in totals if t) / len(totals):.3f}; median total {C.median(totals)}")
    (C.OUT_DIR / "sphinx_bench.txt").write_text("\n".join(report) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
