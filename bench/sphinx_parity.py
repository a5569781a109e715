#!/usr/bin/env python3
"""Ranking parity of the Sphinx store with the Whoosh store on a judged set (issue 22): KorQuAD by default.

    python bench/sphinx_parity.py [--eval DIR] [--queries N] [--workdir bench/out/sphinx_parity] [--no-cli]

Indexes the corpus once per layout: a Whoosh index, a one-node and a two-node Sphinx cluster (searchd nodes
started on 127.0.0.1 with free ports, data under WORKDIR, stopped at the end). Runs every question (plain
words, 100 deep, copies not grouped: `newsearch eval`'s run) on each and prints nDCG@10, MRR@10, Recall@100,
milliseconds a query, and the share of questions whose top 10 ids are identical, in the same order: two
nodes vs one node, and each Sphinx layout vs Whoosh. Then `NEWSEARCH_BACKEND=sphinx newsearch eval` on the
two-node cluster, which must work and print the same nDCG@10 (skip with --no-cli).
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


def run_layout(name: str, ix: Path, corpus: Path, queries: list[tuple[str, str]], env: dict) -> tuple[dict, float]:
    """Index `corpus` into `ix` with store `name` under `env`, then each query's ranked ids and ms a query."""
    from newsearch.backends import open_searcher, update
    from newsearch.search.evaluate import run_queries

    os.environ.update(env)
    t0 = time.monotonic()
    stats = update(ix, [corpus], name=name)
    print(f"  {name} {env.get('NEWSEARCH_SPHINX_NODES', '')}: {stats.summary()} in {time.monotonic() - t0:.1f}s",
          file=sys.stderr)
    with open_searcher(ix, name) as searcher:
        run_queries(searcher, queries[:20])  # warm-up: Kiwi, connections
        t0 = time.monotonic()
        run = run_queries(searcher, queries)
        ms = (time.monotonic() - t0) * 1000 / max(len(queries), 1)
    return {q: [d for d, _s in hits] for q, hits in run.items()}, ms


def same_top(a: dict, b: dict, k: int = 10) -> float:
    """Share of queries whose first `k` ids are the same list."""
    return sum(a[q][:k] == b.get(q, [])[:k] for q in a) / max(len(a), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--eval", default=None, help="folder with corpus.jsonl, queries.jsonl, qrels.tsv")
    ap.add_argument("--queries", type=int, default=0, help="first N questions only (0: all)")
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "sphinx_parity"))
    ap.add_argument("--no-cli", action="store_true", help="skip the `newsearch eval` run on the cluster")
    args = ap.parse_args()
    from newsearch.backends.sphinx.local import LocalCluster
    from newsearch.search.evaluate import format_row, load_qrels, score_run

    folder = Path(args.eval) if args.eval else C.shared_dir() / "eval" / "korquad1_dev"
    corpus, qfile, qrels_file = (C.need(folder / f) for f in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"))
    queries = [(r["id"], r["text"]) for r in map(json.loads, qfile.read_text(encoding="utf-8").splitlines()) if r]
    queries = queries[:args.queries] if args.queries else queries
    qrels = load_qrels(qrels_file)
    work = Path(args.workdir)
    if work.exists():
        subprocess.run(["rm", "-rf", str(work)], check=True)
    work.mkdir(parents=True)
    if args.queries:  # the CLI's run reads files: the same questions and judgements
        qrels = {q: qrels[q] for q, _t in queries if q in qrels}
        qfile, qrels_file = work / "queries.jsonl", work / "qrels.tsv"
        C.write_jsonl(({"id": q, "text": t} for q, t in queries), qfile)
        qrels_file.write_text("query-id\tcorpus-id\tscore\n" + "".join(
            f"{q}\t{d}\t{g}\n" for q, docs in qrels.items() for d, g in docs.items()), encoding="utf-8")
    runs, ms = {}, {}
    runs["whoosh"], ms["whoosh"] = run_layout("whoosh", work / "whoosh", corpus, queries, {})
    for n in (1, 2):
        with LocalCluster(work / f"cluster{n}", n=n) as cluster:
            key = f"sphinx {n} node" + ("s" if n > 1 else "")
            runs[key], ms[key] = run_layout("sphinx", work / f"sphinx{n}", corpus, queries, cluster.env)
            if n == 2 and not args.no_cli:
                cli_eval(cluster.env, corpus, qfile, qrels_file, work / "cli")
    rows = []
    for key, run in runs.items():
        m = score_run(run, qrels)
        print(format_row(key, m), file=sys.stderr)
        rows.append([key, f"{m['ndcg@10']:.4f}", f"{m['mrr@10']:.4f}", f"{m['recall@100']:.4f}", f"{ms[key]:.1f}",
                     f"{same_top(run, runs['whoosh']):.1%}",
                     f"{same_top(run, runs['sphinx 1 node']):.1%}" if key.startswith("sphinx") else ""])
    print(C.table(["store", "nDCG@10", "MRR@10", "Recall@100", "ms/query", "top 10 = Whoosh", "top 10 = 1 node"],
                  rows, title=f"{folder.name}: {len(queries)} questions, {C.machine_note()}"))


def cli_eval(env: dict, corpus: Path, qfile: Path, qrels_file: Path, ix: Path) -> None:
    """`newsearch eval` on the cluster, as a user runs it."""
    r = subprocess.run(C.newsearch_cmd() + ["eval", str(corpus), str(qfile), str(qrels_file), "--index", str(ix)],
                       env={**os.environ, **env}, capture_output=True, text=True, timeout=7200)
    if r.returncode:
        C.die(f"NEWSEARCH_BACKEND=sphinx newsearch eval failed: {r.stderr[-1000:]}")
    print(f"  NEWSEARCH_BACKEND=sphinx newsearch eval (2 nodes): {r.stdout.strip()}", file=sys.stderr)


if __name__ == "__main__":
    main()
