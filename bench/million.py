#!/usr/bin/env python3
"""A million articles on one machine: build, re-index, query latency, cold start and server memory at 1M
documents, side by side with Kiwi alone and Lucene/Nori in one run.

    python bench/million.py [--docs 1000000] [--steps data,build,reindex,latency,cold,server]
                            [--workdir bench/out/million] [--queries 1000] [--server-queries 10000]
                            [--shared DIR]

The documents (`data`, written once to WORKDIR/docs-N.jsonl, reused by later runs):
  1. every row of the shared news sets: wikinews_ko, bigkinds_leads, naver_scinews50, yonhap_headlines,
     headline_tweets_2017, and the KorQuAD dev paragraphs (ids prefixed with the set's name and row number,
     as bigkinds' own ids are not unique; headline-only rows are documents of their title);
  2. every NSMC review with a body (712k);
  3. copies of the reviews until N, each with a new id (`ID~cK`) and its date moved by K x 53 days, so that
     nothing keyed by id or date is shared with its original (the text repeats: Kiwi has no cache across
     texts, and newsearch's digest covers the id and date).
A prefix of the same file of N/10 documents (`docs-N/10.jsonl`) is built too, for peak RSS against size.

Steps (each prints its table; run them together for side-by-side figures):
  build    one after the other: `newsearch index` (a child: wall time, its own peak RSS), Kiwi alone (the
           engine's Kiwi configuration, bench/index_throughput.py's kiwi-alone, in a child),
           Lucene/Nori `bench/nori/run.sh index`; then `newsearch index` at N/10 for RSS against size.
           The 1M index is kept in WORKDIR/idx-N for the later steps (delete it to rebuild).
  reindex  `newsearch index` again on the unchanged file (no-op, 3 runs), then with 1% of rows' bodies
           edited in place (3 runs, each changing other rows, the edit undone between runs).
  latency  1,000 queries (half KorQuAD questions, half 2-3 word news queries: the hand-judged
           tests/fixtures/news_queries plus the first nouns of real headlines), 100 others warming up,
           `Searcher.search` with snippets, p50/p95/p99; Lucene/Nori on the same documents and queries, in
           turns (ours, Nori, Nori with snippets, ours, ...: each JVM waits between its timed passes), medians;
           Nori twice: top 10 ids only, and top 10 with each hit's stored text read and one passage highlighted
           (Lucene's UnifiedHighlighter over offsets in the postings), the work our results do.
  cold     `newsearch query` from process start to the first result line and to exit (median of 5).
  server   `newsearch serve`: RSS after start, after 1,000 and after 10,000 queries over HTTP.
Targets at 1M: indexing peak RSS <= 1.5 GB and flat in size; warm p50 <= 10 ms, p99 <= 50 ms, within 2x of
Lucene/Nori; no-op re-index <= 10 s; cold start <= 2.0 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

NEWS_SETS = ("wikinews_ko.jsonl", "bigkinds_leads.jsonl", "naver_scinews50.jsonl", "yonhap_headlines.jsonl",
             "headline_tweets_2017.jsonl")
COPY_SHIFT_DAYS = 53
NEWS_QUERIES = C.REPO / "tests" / "fixtures" / "news_queries" / "queries.jsonl"
log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731


# -- the documents ---------------------------------------------------------------------------------


def _news_rows(shared: Path):
    for name in NEWS_SETS:
        label = name.split(".")[0]
        for k, r in enumerate(C.read_jsonl(C.need(shared / "corpus" / name))):
            if not ((r.get("title") or "").strip() or (r.get("body") or "").strip()):
                continue
            yield {"id": f"{label}-{k}", "title": r.get("title") or "", "body": r.get("body") or "",
                   "date": r.get("date") or "", "publisher": r.get("publisher") or "", "url": r.get("url") or ""}
    for k, r in enumerate(C.read_jsonl(C.need(shared / "eval" / "korquad1_dev" / "corpus.jsonl"))):
        yield {"id": f"korquad-{k}", "title": r.get("title") or "", "body": r.get("body") or r.get("text") or ""}


def _moved(date: str, days: int) -> str:
    """NSMC's `YY.MM.DD` moved by `days`, as YYYY-MM-DD ("" when there is no date)."""
    m = re.fullmatch(r"(\d\d)\.(\d\d)\.(\d\d)", date or "")
    if not m:
        return date or ""
    d = dt.date(2000 + int(m[1]), int(m[2]), int(m[3])) + dt.timedelta(days=days)
    return d.isoformat()


def million_rows(shared: Path, n: int):
    made = 0
    for row in _news_rows(shared):
        yield row
        made += 1
    reviews = [r for r in C.reviews(shared, 10**7)]
    copy = 0
    while made < n:
        for r in reviews:
            if made >= n:
                return
            row = {"id": r["id"], "title": "", "body": r["body"], "date": _moved(r.get("date"), 0)}
            if copy:
                row["id"] = f"{r['id']}~c{copy}"
                row["date"] = _moved(r.get("date"), copy * COPY_SHIFT_DAYS)
            yield row
            made += 1
        copy += 1


def ensure_docs(shared: Path, work: Path, n: int) -> tuple[Path, Path]:
    """WORKDIR/docs-N.jsonl and its first N/10 rows, written once."""
    full, part = work / f"docs-{n}.jsonl", work / f"docs-{n // 10}.jsonl"
    if not full.exists():
        docs, chars, _ = C.write_jsonl(million_rows(shared, n), full)
        log(f"wrote {full}: {docs:,} docs, {chars:,} chars")
    if not part.exists():
        C.write_jsonl(C.read_jsonl(full, n // 10), part)
    return full, part


# -- build ------------------------------------------------------------------------------------------


def kiwi_alone(path: Path) -> dict:
    """Kiwi alone over the titles and bodies, in the engine's configuration (index_throughput's kiwi-alone), in a
    child process (so that this process stays small: a child's peak RSS counts its parent's at fork)."""
    out = subprocess.run([sys.executable, __file__, "--kiwi-alone", str(path)], capture_output=True, text=True)
    if out.returncode:
        C.die(f"kiwi alone failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _kiwi_alone(path: Path) -> dict:
    from kiwipiepy import Kiwi

    from newsearch import config
    from newsearch.analysis.analyzer import MATCH

    texts = [(r.get("title") or "", r.get("body") or "") for r in C.read_jsonl(path)]
    kiwi = Kiwi(num_workers=config.kiwi_workers(), load_typo_dict=False, load_multi_dict=False)
    kiwi.tokenize("뉴스 검색 엔진을 데워 둡니다.")

    def stream():
        for title, body in texts:
            if title:
                yield title
            yield body

    t0 = time.perf_counter()
    for _ in kiwi.tokenize(stream(), match_options=MATCH):
        pass
    return {"seconds": time.perf_counter() - t0, "chars": sum(len(a) + len(b) for a, b in texts)}


def nori_index(path: Path) -> dict:
    from newsearch import config

    cmd = ["bash", str(C.BENCH_DIR / "nori" / "run.sh"), "index", str(path), "--threads", str(config.kiwi_workers())]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode:
        C.die(f"lucene-nori failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def step_build(work: Path, full: Path, part: Path, n: int) -> list[list]:
    import shutil

    docs, chars, nbytes = C.text_stats(full)
    ix = work / f"idx-{n}"
    shutil.rmtree(ix, ignore_errors=True)
    wall, peak, summary = C.run_index_cli([full], ix)
    log(f"newsearch index: {wall:.1f}s, peak RSS {peak:.0f} MB ({summary})")
    k = kiwi_alone(full)
    log(f"kiwi alone: {k['seconds']:.1f}s")
    nori = nori_index(full)
    log(f"lucene/nori: {nori['seconds']:.1f}s")
    small = work / f"idx-{n // 10}"
    shutil.rmtree(small, ignore_errors=True)
    wall_s, peak_s, _ = C.run_index_cli([part], small)
    size_s = C.du_mb(small)
    shutil.rmtree(small, ignore_errors=True)
    text_mb = nbytes / 1e6
    size = C.du_mb(ix)
    (work / f"idx-{n}.json").write_text(json.dumps({"docs": docs, "chars": chars, "bytes": nbytes,
                                                    "seconds": wall, "peak_rss_mb": peak}))
    return [
        ["Kiwi alone (tokenize, 2 workers)", f"{docs:,}", k["seconds"], chars / k["seconds"], 1.0, "-", "-"],
        ["newsearch index (child process)", f"{docs:,}", wall, chars / wall, k["seconds"] / wall, peak,
         f"{size:,.0f} MB = {size / text_mb:.2f} x text ({text_mb:,.0f} MB)"],
        ["Lucene/Nori (index only, no JVM start)", f"{nori['docs']:,}", nori["seconds"],
         nori["chars"] / nori["seconds"], k["seconds"] / nori["seconds"], "-", "-"],
        [f"newsearch index, first {n // 10:,}", f"{n // 10:,}", wall_s, float("nan"), float("nan"), peak_s,
         f"{size_s:,.0f} MB"],
    ]


# -- re-index -------------------------------------------------------------------------------------


def _edit(original: Path, full: Path, share: float, seed: int) -> int:
    """Write `full` as `original` with `share` of its rows' bodies edited (`seed` picks them), streaming (this
    process stays small); the number edited."""
    with open(original, "rb") as fh:
        count = sum(1 for _ in fh)
    picked = set(random.Random(seed).sample(range(count), int(count * share)))
    tmp = full.with_suffix(".edit")
    with open(original, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if i in picked:
                r = json.loads(line)
                r["body"] = (r.get("body") or "") + " (수정됨)"
                line = json.dumps(r, ensure_ascii=False) + "\n"
            dst.write(line)
    tmp.replace(full)
    return len(picked)


def step_reindex(work: Path, full: Path, n: int) -> list[list]:
    ix = work / f"idx-{n}"
    if not ix.is_dir():
        C.die(f"no index at {ix}: run the build step first")
    import shutil

    original = full.with_suffix(".orig")
    shutil.copyfile(full, original)
    rows = []
    noop = [C.run_index_cli([full], ix) for _ in range(3)]
    rows.append(["no-op re-index (CLI, process start included)", 0, C.median([w for w, _, _ in noop]),
                 max(p for _, p, _ in noop), noop[-1][2]])
    changed = []
    try:
        for rep in range(3):
            edited = _edit(original, full, 0.01, rep)
            changed.append(C.run_index_cli([full], ix))
            shutil.copyfile(original, full)
            changed.append(C.run_index_cli([full], ix))  # back to the original: another 1% changed
        rows.append(["1% changed (edit, then undo: 6 runs)", edited, C.median([w for w, _, _ in changed]),
                     max(p for _, p, _ in changed), changed[-1][2]])
    finally:
        shutil.copyfile(original, full)
        original.unlink()
    return rows


# -- queries --------------------------------------------------------------------------------------


def news_queries(shared: Path, n: int, seed: int) -> list[str]:
    """2-3 word news queries: the hand-judged set, then the first two or three nouns of real headlines."""
    from newsearch.analysis import Analyzer

    judged = [r["text"] for r in C.read_jsonl(NEWS_QUERIES)]
    heads = [r["title"] for name in ("yonhap_headlines.jsonl", "headline_tweets_2017.jsonl")
             for r in C.read_jsonl(shared / "corpus" / name) if (r.get("title") or "").strip()]
    rng = random.Random(seed)
    rng.shuffle(heads)
    kiwi = Analyzer.for_words().kiwi
    out = list(judged)
    for title in heads:
        if len(out) >= n:
            break
        nouns = [t.form for t in kiwi.tokenize(title) if t.tag in ("NNG", "NNP") and len(t.form) > 1]
        if len(nouns) >= 2:
            out.append(" ".join(nouns[: rng.choice((2, 3))]))
    return out[:n]


def query_set(shared: Path, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    korquad = [r["text"] for r in C.read_jsonl(shared / "eval" / "korquad1_dev" / "queries.jsonl")]
    qs = rng.sample(korquad, n // 2) + news_queries(shared, n - n // 2, seed)
    rng.shuffle(qs)
    return qs


def step_latency(shared: Path, work: Path, full: Path, n: int, nq: int, rounds: int = 3) -> list[list]:
    """Warm latency of 1,000 queries with snippets, in turns with Lucene/Nori on the same documents and queries
    (ours, Nori, ours, Nori, ...: `rounds` timed passes each, the machine's drift shared); medians of the rounds."""
    from newsearch.analysis import hanja
    from newsearch.backends import open_searcher
    from query_latency import NoriRounds

    ix = work / f"idx-{n}"
    queries, warm = query_set(shared, nq, 7), query_set(shared, 100, 99)
    nori = NoriRounds(work, n, queries, rounds, log)  # reads work/docs-N.jsonl: the same documents
    # The same, each hit's text read and one passage highlighted: the work our results do (snippets).
    nori_snip = NoriRounds(work, n, queries, rounds, log, snippets=True)
    C.read_into_file_cache(ix)
    ours, theirs, theirs_snip, short = [], [], [], []
    try:
        with open_searcher(ix) as s:
            hanja.load()
            gc.freeze()  # as `newsearch serve` does once the index is open (cli.serve_cmd)
            for q in warm:
                s.search(q)
            for _ in range(rounds):
                lat = _timed_pass(s, queries)
                ours.append([C.percentile(lat, p) for p in (50, 95, 99)] + [max(lat)])
                short.append([x for q, x in zip(queries, lat) if len(q.split()) <= 3])
                for runner, into in ((nori, theirs), (nori_snip, theirs_snip)):
                    got = runner.timed()
                    if got:
                        into.append([got["p50"], got["p95"], got["p99"], got["max"]])
    finally:
        nori.close()
        nori_snip.close()
    med = lambda rows, k: C.median([r[k] for r in rows])  # noqa: E731
    rows = [[f"newsearch Searcher.search (snippets), median of {rounds} passes", len(queries),
             *(med(ours, k) for k in range(4))],
            ["  of which 2-3 word news queries", len(short[0]),
             *(C.median([C.percentile(xs, p) for xs in short]) for p in (50, 95, 99)),
             C.median([max(xs) for xs in short])]]
    for label, got in (("top 10 ids, no snippets", theirs),
                       ("top 10 with stored text and one highlighted passage each", theirs_snip)):
        if len(got) == rounds:
            rows.append([f"Lucene/Nori ({label}), in turns", len(queries), *(med(got, k) for k in range(4))])
            rows.append(["  ratio newsearch / that (median of the passes' ratios)", "",
                         *(C.median([a[k] / b[k] for a, b in zip(ours, got)]) for k in range(3)), float("nan")])
    return rows


def _timed_pass(searcher, queries: list[str]) -> list[float]:
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        searcher.search(q)
        lat.append((time.perf_counter() - t0) * 1000)
    return lat


def step_cold(work: Path, n: int) -> list[list]:
    from cold_start import time_query

    ix = work / f"idx-{n}"
    time_query(ix, "워밍업")
    firsts, exits = [], []
    for q in ["대통령 선거 결과", "삼성전자 반도체 투자", "영화 정말 재미있다", "북한 미사일 발사", "코로나19 백신 접종"]:
        f, e, _rc = time_query(ix, q)
        firsts.append(f)
        exits.append(e)
    return [["`newsearch query` first result line", C.median(firsts), max(firsts)],
            ["`newsearch query` exit", C.median(exits), max(exits)]]


def step_server(shared: Path, work: Path, n: int, nq: int) -> list[list]:
    ix = work / f"idx-{n}"
    queries = query_set(shared, 1000, 7)
    rows = []
    with C.Server(ix, log_path=work / "serve.log") as srv:
        ready = srv.wait_ready(timeout=300)
        rows.append(["after start", 0, *C.rss_mb(srv.pid), ready])
        cl = C.Client(srv.port)
        bad = 0
        t0 = time.perf_counter()
        for i in range(nq):
            status, _ = cl.get(C.api_path(queries[i % len(queries)]))
            bad += status != 200
            if i + 1 in (1000, nq):
                rows.append([f"after {i + 1:,} queries", i + 1, *C.rss_mb(srv.pid), time.perf_counter() - t0])
        cl.close()
    rows.append(["non-200 answers", bad, float("nan"), float("nan"), float("nan")])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--steps", default="data,build,reindex,latency,cold,server")
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "million"))
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--server-queries", type=int, default=10_000)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--kiwi-alone", default=None, help=argparse.SUPPRESS)  # the child of `kiwi_alone`
    args = ap.parse_args()
    if args.kiwi_alone:
        print(json.dumps(_kiwi_alone(Path(args.kiwi_alone))))
        return
    shared = C.shared_dir(args.shared)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    steps = set(args.steps.split(","))
    n = args.docs
    log(C.machine_note())
    full, part = ensure_docs(shared, work, n)
    if "build" in steps:
        print(C.table(["engine", "docs", "seconds", "chars/s", "Kiwi alone / it", "peak RSS MB", "on disk"],
                      step_build(work, full, part, n), title=f"Full build at {n:,} documents"), flush=True)
    if "reindex" in steps:
        print(C.table(["run", "rows edited", "median s", "peak RSS MB", "summary"], step_reindex(work, full, n),
                      title="Re-index"), flush=True)
    if "latency" in steps:
        print(C.table(["engine", "queries", "p50 ms", "p95 ms", "p99 ms", "max ms"],
                      step_latency(shared, work, full, n, args.queries), title="Warm query latency"), flush=True)
    if "cold" in steps:
        print(C.table(["cold start", "median s", "max s"], step_cold(work, n), title="Cold start"), flush=True)
    if "server" in steps:
        print(C.table(["server", "queries", "RSS MB", "peak RSS MB", "seconds"],
                      step_server(shared, work, n, args.server_queries), title="Server memory"), flush=True)
    print(C.machine_note())


if __name__ == "__main__":
    main()
