#!/usr/bin/env python3
"""Trend latency (issue 19): `Searcher.trend` on the mixed 100k-document index, warm.

    python bench/trend_latency.py [--size 100000] [--queries 300] [--repeat 3] [--sphinx]
                                  [--workdir bench/out/trend] [--shared DIR]

Index: the mixed corpus of query_latency.py (Wikinews x10, BigKinds leads, NSMC reviews to fill), built once
with `newsearch index` into WORKDIR/idx-N (re-runs reuse it; delete it to rebuild).
Queries: one-word queries, the distinct Hangul words (2-4 syllables) of Yonhap headlines, sampled; each is
run once to warm up (posting lists and the per-searcher day and group arrays), then REPEAT times timed.
  one word            trend([q]), auto period (what `newsearch trend q` and /api/trend?q= cost)
  frequent word       the same for FREQUENT, news words matching thousands of articles (영화: most reviews)
  one word, by day    trend([q], by="day")
  one word, a year    trend([q], date_from=2020-01-01, date_to=2020-12-31)
  two words side by side   trend([q1, q2]): both series and their co-occurrence (three timelines)
--sphinx also loads the same documents into a two-node searchd cluster under WORKDIR (two shard workers,
as bench/sphinx_bench.py does; a few minutes) and measures the same cases there (stopped at the end).
Target: one-word median and p95 under 50 ms at 100k documents.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

TARGET_MS = 50.0
FREQUENT = ["정부", "대통령", "서울", "경찰", "미국", "코로나", "경제", "한국", "북한", "영화", "사람", "기자"]


def one_word_queries(shared: Path, n: int, seed: int = 7) -> list[str]:
    """`n` distinct Hangul words of 2-4 syllables from the Yonhap headlines, shuffled."""
    words = set()
    for r in C.read_jsonl(C.need(shared / "corpus" / "yonhap_headlines.jsonl")):
        words.update(w for w in re.split(r"[^\uac00-\ud7a3]+", r.get("title") or "") if 2 <= len(w) <= 4)
    rng = random.Random(seed)
    return rng.sample(sorted(words), min(n, len(words)))


def timed(fn, items, repeat: int) -> tuple[list[float], list]:
    """Latencies (ms) of `fn(item)` for every item, `repeat` rounds after one warm-up round; the last results."""
    for it in items:
        fn(it)
    lat, out = [], []
    for _ in range(repeat):
        out = []
        for it in items:
            t0 = time.perf_counter()
            out.append(fn(it))
            lat.append((time.perf_counter() - t0) * 1000)
    return lat, out


CASES = [
    ("one word (auto period)", "words", lambda s, q: s.trend([q])),
    ("frequent word (auto period)", "frequent", lambda s, q: s.trend([q])),
    ("one word, by day", "words", lambda s, q: s.trend([q], by="day")),
    ("one word, 2020 only", "words", lambda s, q: s.trend([q], date_from="2020-01-01", date_to="2020-12-31")),
    ("two words + co-occurrence", "pairs", lambda s, qs: s.trend(list(qs))),
]


def measure(searcher, queries: dict, repeat: int, log) -> tuple[list[list], dict]:
    """Table rows and a summary of every case on one searcher (a store), after its first call."""
    t0 = time.perf_counter()
    searcher.trend(["정부"])  # the first call builds the day and group arrays (Whoosh) of this searcher
    summary = {"first_call_ms": (time.perf_counter() - t0) * 1000, "cases": {}}
    rows = []
    for label, kind, fn in CASES:
        lat, got = timed(lambda it: fn(searcher, it), queries[kind], repeat)
        totals = [t.series[0].total for t in got]
        p50, p95 = C.percentile(lat, 50), C.percentile(lat, 95)
        rows.append([label, len(lat), p50, p95, C.percentile(lat, 99), max(lat), C.median(totals)])
        summary["cases"][label] = {"p50_ms": p50, "p95_ms": p95, "max_ms": max(lat), "median_total": C.median(totals)}
        log(f"{searcher.store.name} {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return rows, summary


def sphinx_index(shared: Path, work: Path, n: int, log):
    """A started two-node LocalCluster under WORKDIR holding the N mixed documents (loaded by two shard
    workers, as bench/sphinx_bench.py does, unless an earlier run left them there), and its index folder."""
    import os

    from newsearch.backends import open_searcher
    from newsearch.backends.sphinx.local import LocalCluster
    from newsearch.errors import StoreError
    from sphinx_bench import index_with_workers

    src = work / f"docs-{n}.jsonl"
    if not src.exists():
        C.write_jsonl(C.mixed_rows(shared, n), src)
    cluster = LocalCluster(work / f"cluster-{n}", 2)  # the nodes' data stays from run to run
    os.environ.update(cluster.env)
    ix = work / f"sphinx-{n}"
    try:
        cluster.start()
        try:
            with open_searcher(ix, "sphinx") as s:
                held = s.doc_count
        except StoreError:
            held = 0
        if held != sum(1 for _ in C.read_jsonl(src)):
            log(f"loading {src} into the cluster ...")
            log(f"  {index_with_workers(cluster, src, ix, 2, log):.0f} s")
    except BaseException:
        cluster.stop()
        raise
    return cluster, ix


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sphinx", action="store_true", help="also a two-node Sphinx cluster of the same documents")
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "trend"))
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    log(C.machine_note())
    ix = C.ensure_index(shared, work, args.size, log)
    docs = json.loads((work / f"idx-{args.size}.json").read_text())["docs"]
    words = one_word_queries(shared, args.queries)
    queries = {"words": words, "frequent": FREQUENT, "pairs": list(zip(words[::2], words[1::2]))}

    from newsearch.backends import open_searcher

    stores = [("whoosh", ix, None)]
    if args.sphinx:
        cluster, six = sphinx_index(shared, work, args.size, log)
        stores.append(("sphinx", six, cluster))
    out = {"docs": docs, "queries": len(words), "repeat": args.repeat}
    try:
        for name, where, _cluster in stores:
            with open_searcher(where, name) as s:
                rows, out[name] = measure(s, queries, args.repeat, log)
            print(C.table(["case", "runs", "p50 ms", "p95 ms", "p99 ms", "max ms", "median matches"], rows,
                          f"{name}: Searcher.trend at {docs:,} documents, warm ({len(words)} one-word queries x "
                          f"{args.repeat})"))
            print(f"\nfirst call on a fresh searcher: {out[name]['first_call_ms']:.0f} ms\n")
    finally:
        for _name, _where, cluster in stores:
            if cluster is not None:
                cluster.stop()
    one = out["whoosh"]["cases"]["one word (auto period)"]
    ok = one["p50_ms"] < TARGET_MS and one["p95_ms"] < TARGET_MS
    print(f"target (whoosh): one-word p50 and p95 < {TARGET_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    (work / "trend_latency.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
