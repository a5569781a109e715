#!/usr/bin/env python3
"""Query latency with highlighted snippets: in process and over HTTP, at 10k and 100k documents.

    python bench/query_latency.py [--sizes 10000,100000] [--queries 1000] [--workdir bench/out/latency]
                                  [--wrk-seconds 10] [--shared DIR]

Indexes: Wikinews (x1 at 10k, x10 at 100k, distinct ids) + BigKinds leads + NSMC reviews to fill,
built once with `newsearch index` into WORKDIR/idx-N (re-runs reuse them; delete to rebuild).
Queries: 1,000, half KorQuAD dev questions, half news headlines (Yonhap + 2017 tweets), shuffled;
a separate 100 warm up each path first (and the Hanja reading table is loaded, as the server does).
  in process   `Searcher(dir).search(q)` (limit 10, snippets on: the CLI's and API's default)
  HTTP /api    `newsearch serve` subprocess, GET /api/search?q=..., one keep-alive connection
  HTTP /search the HTML results page (adds publisher facets and template rendering)
  wrk          one connection, WRK_SECONDS, cycling the same /api queries (wrk's own distribution)
Targets at 100k docs: in process p50 <= 10 ms and p99 <= 50 ms; HTTP p50 <= 20 ms.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402


def lat_row(label, n, xs, extra=""):
    return [f"{n:,}", label, len(xs), C.percentile(xs, 50), C.percentile(xs, 95), C.percentile(xs, 99),
            max(xs), sum(xs) / len(xs), extra]


def timed_gets(cl, paths: list[str]) -> tuple[list[float], int]:
    """GET each path in turn: the latencies in ms and how many answers were not 200."""
    lat, bad = [], 0
    for p in paths:
        t0 = time.perf_counter()
        status, _body = cl.get(p)
        lat.append((time.perf_counter() - t0) * 1000)
        bad += status != 200
    return lat, bad


def nori_latency(work: Path, n: int, queries: list[str], log) -> dict | None:
    """p50/p95/p99/max ms of Lucene/Nori (bench/nori) on the same documents and queries, or None."""
    import re
    import subprocess

    qfile = work / "latency-queries.jsonl"
    qfile.write_text("".join(json.dumps({"id": f"q{i}", "text": q}, ensure_ascii=False) + "\n"
                             for i, q in enumerate(queries)), encoding="utf-8")
    cmd = ["bash", str(C.BENCH_DIR / "nori" / "run.sh"), "search", str(work / f"docs-{n}.jsonl"), str(qfile),
           str(work / f"nori-{n}.tsv"), "--hits", "10", "--fields", "combined", "--warm-passes", "1"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as e:
        log(f"note: Lucene/Nori latency skipped ({e})")
        return None
    m = re.search(r"latency ms p50 ([\d.]+) p95 ([\d.]+) p99 ([\d.]+) max ([\d.]+)", out.stderr)
    if out.returncode or not m:
        log(f"note: Lucene/Nori latency skipped: {out.stderr.strip()[-300:]}")
        return None
    return dict(zip(("p50", "p95", "p99", "max"), map(float, m.groups())))


class NoriRounds:
    """Lucene/Nori (bench/nori) kept running on the same documents and queries, for latency measured in turns
    with ours: `timed()` runs one timed pass over every query in the waiting JVM (its index built and its warm
    pass run when the session starts) and returns its p50/p95/p99/max ms. Not usable (`ok` false) when Java or
    the Lucene jars are missing. `snippets`: each hit's stored text read and one passage highlighted (Lucene's
    UnifiedHighlighter over offsets kept in the postings), as our results come with a snippet."""

    def __init__(self, work: Path, n: int, queries: list[str], rounds: int, log, snippets: bool = False):
        import subprocess

        qfile = work / "latency-queries.jsonl"
        qfile.write_text("".join(json.dumps({"id": f"q{i}", "text": q}, ensure_ascii=False) + "\n"
                                 for i, q in enumerate(queries)), encoding="utf-8")
        run = work / (f"nori-{n}-snippets.tsv" if snippets else f"nori-{n}.tsv")
        cmd = ["bash", str(C.BENCH_DIR / "nori" / "run.sh"), "search", str(work / f"docs-{n}.jsonl"), str(qfile),
               str(run), "--hits", "10", "--fields", "combined", "--warm-passes", "1", "--rounds", str(rounds),
               "--snippets", "1" if snippets else "0"]
        self.log = log
        try:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.ok = self.proc.stdout.readline().strip() == "ready"
        except OSError as e:
            self.proc, self.ok = None, False
            log(f"note: Lucene/Nori latency skipped ({e})")
        if self.proc is not None and not self.ok:
            log("note: Lucene/Nori latency skipped: the runner did not start (see its messages above)")

    def timed(self) -> dict | None:
        if not self.ok:
            return None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        words = self.proc.stdout.readline().split()
        if len(words) != 8:
            self.ok = False
            return None
        return {words[k]: float(words[k + 1]) for k in range(0, 8, 2)}

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=120)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "latency"))
    ap.add_argument("--wrk-seconds", type=int, default=10, help="0 skips the wrk run")
    ap.add_argument("--no-html", action="store_true", help="skip the /search HTML measurement")
    ap.add_argument("--no-nori", action="store_true", help="skip the Lucene/Nori row")
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    queries = C.query_mix(shared, args.queries, seed=7)
    warm = C.query_mix(shared, 100, seed=99)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    log(C.machine_note())

    from newsearch.analysis import hanja
    from newsearch.backends import open_searcher

    rows, mem_rows, hit_rows = [], [], []
    targets = []
    for n in sizes:
        ix = C.ensure_index(shared, work, n, log)
        docs = json.loads((work / f"idx-{n}.json").read_text())["docs"]

        # -- in process
        with open_searcher(ix) as s:
            hanja.load()  # as `newsearch serve` does at start (web.create_app)
            gc.freeze()  # ... and once the index is open (cli.serve_cmd)
            for q in warm:
                s.search(q)
            lat, totals, took = [], [], []
            for q in queries:
                t0 = time.perf_counter()
                res = s.search(q)
                lat.append((time.perf_counter() - t0) * 1000)
                totals.append(res.total)
                took.append(res.took_ms)
        rows.append(lat_row("in process (Searcher.search)", docs, lat))
        hit_rows.append([f"{docs:,}", sum(1 for t in totals if t) / len(totals), C.median(totals),
                         sum(1 for x in lat if x > 50)])
        p50_in, p99_in = C.percentile(lat, 50), C.percentile(lat, 99)
        log(f"{docs:,} docs in process: p50 {p50_in:.1f} ms, p99 {p99_in:.1f} ms")

        # -- HTTP
        with C.Server(ix, log_path=work / f"serve-{n}.log") as srv:
            srv.wait_ready()
            rss0 = C.rss_mb(srv.pid)
            cl = C.Client(srv.port)
            api = [C.api_path(q) for q in queries]
            for q in warm:
                cl.get(C.api_path(q))
            lat_h, bad = timed_gets(cl, api)
            rows.append(lat_row("HTTP /api/search (keep-alive)", docs, lat_h, f"non-200: {bad}"))
            p50_http = C.percentile(lat_h, 50)
            log(f"{docs:,} docs HTTP /api: p50 {p50_http:.1f} ms")
            if not args.no_html:
                html = [C.api_path(q, "/search") for q in queries]
                for q in warm[:30]:
                    cl.get(C.api_path(q, "/search"))
                lat_s, bad = timed_gets(cl, html)
                rows.append(lat_row("HTTP /search (HTML page)", docs, lat_s, f"non-200: {bad}"))
            cl.close()
            if args.wrk_seconds:
                w = C.run_wrk(srv.port, api, args.wrk_seconds, 1, 1, work / "wrk-paths.txt")
                rows.append([f"{docs:,}", f"wrk -c1 {args.wrk_seconds}s /api/search", w["requests"],
                             w["p50_ms"], float("nan"), w["p99_ms"], w["max_ms"], w["mean_ms"],
                             f"p90 {w['p90_ms']:.1f}; {w['rps']:.0f} req/s; non-2xx {w['non2xx']}"])
            rss1 = C.rss_mb(srv.pid)
            mem_rows.append([f"{docs:,}", rss0[0], rss1[0], rss1[1]])
        if not args.no_nori:
            nori = nori_latency(work, n, queries, log)
            if nori:
                rows.append([f"{docs:,}", "Lucene/Nori in process (no snippets)", len(queries), nori["p50"],
                             nori["p95"], nori["p99"], nori["max"], float("nan"),
                             "BM25, one title+body field, top 10 ids; 1 warm pass"])
        if n >= 100_000:
            targets += [[f"{docs:,}", "in process p50", p50_in, "<= 10 ms", "met" if p50_in <= 10 else "NOT met"],
                        [f"{docs:,}", "in process p99", p99_in, "<= 50 ms", "met" if p99_in <= 50 else "NOT met"],
                        [f"{docs:,}", "HTTP p50", p50_http, "<= 20 ms", "met" if p50_http <= 20 else "NOT met"]]

    print()
    print(f"Query latency in ms, {len(queries)} queries (KorQuAD questions + headlines), limit 10, snippets on")
    print(C.machine_note())
    print(C.table(["docs", "path", "queries", "p50", "p95", "p99", "max", "mean", "notes"], rows))
    print(C.table(["docs", "queries with hits", "median total hits", "queries > 50 ms (in process)"], hit_rows,
                  title="Query set"))
    print(C.table(["docs", "server RSS after warm-up MB", "RSS after run MB", "peak RSS MB"], mem_rows,
                  title="Server memory during the HTTP runs"))
    if targets:
        print(C.table(["docs", "figure", "ms", "target", ""], targets, title="Targets"))


if __name__ == "__main__":
    main()
