#!/usr/bin/env python3
"""Two versions of newsearch side by side: a git revision (`--base`) against the working tree.

    python bench/ab_versions.py --base REV [--repeat 3] [--docs 100000] [--queries 500] [--shared DIR]
                                [--workdir bench/out/ab] [--parts index,noop,query,fresh] [--index DIR]

For a change that must not cost what it adds (issue 18's copies: indexing within 5%, query p50 within
1 ms at 100k documents, a no-op re-index as fast). The base revision is checked out with
`git worktree` into WORKDIR/base (its compiled extension is built there the same way), and every
measurement runs in a child process whose PYTHONPATH picks the version, alternating base, new,
base, new, ...; medians are reported.

  index   a fresh index of Wikinews x10 (6,440 articles, distinct ids, 10 copies of each story),
          `backends.update` timed in the child after Kiwi is loaded and warmed up
  noop    `backends.update` again over the same unchanged source
  query   an index of DOCS mixed documents (as bench/query_latency.py) built by each version, then
          one long-lived child per version answering the same queries (half KorQuAD questions, half
          headlines) in turn, one query to each before the next; took_ms of `Searcher.search`
          (limit 10, snippets: the CLI's and API's default; copies grouped in the new version)
  fresh   over an existing index (`--index`, e.g. bench/million.py's 1M), each version in a new process:
          100 warm-up queries, then QUERIES (bench/million.py's set: KorQuAD questions and 2-3 word news
          queries), `Searcher.search` with snippets; rounds alternate base, new, new, base, ...; medians over
          rounds of each run's p50/p95/p99. What a process pays for the first use of each word (reading and
          decoding its posting list) is in these figures, as in million.py's latency step.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

REPO = Path(__file__).resolve().parents[1]

_INDEX_CHILD = r"""
import json, sys, time
from newsearch.analysis import Analyzer
from newsearch.backends import update
Analyzer.for_words().warm_up()
t0 = time.perf_counter()
st = update(sys.argv[1], [sys.argv[2]], name="whoosh")
print(json.dumps({"seconds": time.perf_counter() - t0, "added": st.added, "file": __import__("newsearch").__file__}))
"""

_QUERY_CHILD = r"""
import json, sys
from newsearch.backends import open_searcher
s = open_searcher(sys.argv[1], "whoosh")
print(json.dumps({"ready": s.doc_count}), flush=True)
for line in sys.stdin:
    r = s.search(json.loads(line), limit=10)
    print(json.dumps({"ms": r.took_ms, "total": r.total}), flush=True)
"""


_FRESH_CHILD = r"""
import gc, json, sys, time
from newsearch.analysis import hanja
from newsearch.backends import open_searcher
qs = json.load(open(sys.argv[2], encoding="utf-8"))
with open_searcher(sys.argv[1]) as s:
    hanja.load()
    gc.freeze()  # as `newsearch serve` does once the index is open (cli.serve_cmd)
    for q in qs["warm"]:
        s.search(q)
    lat = []
    for q in qs["queries"]:
        t0 = time.perf_counter()
        s.search(q)
        lat.append((time.perf_counter() - t0) * 1000)
print(json.dumps(lat))
"""


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="git revision to compare against (e.g. HEAD~3)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--docs", type=int, default=100_000, help="documents of the query index")
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--shared", default=None)
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "ab"))
    ap.add_argument("--parts", default="index,noop,query")
    ap.add_argument("--index", default=None, help="the existing index of the `fresh` part")
    return ap.parse_args()


def base_tree(rev: str, work: Path) -> Path:
    """A worktree of `rev` with its extension built in place."""
    tree = work / "base"
    if tree.exists():
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], check=False)
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), rev], check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=tree, capture_output=True)
    return tree


def env_for(src: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(src))


def index_once(src: Path, ix: Path, data: Path, fresh: bool = True) -> dict:
    """`backends.update` of `data` into `ix` by the version at `src`, timed in a child (into a new index when
    `fresh`, else over the existing one: a no-op re-index)."""
    if fresh:
        shutil.rmtree(ix, ignore_errors=True)
    out = subprocess.run([sys.executable, "-c", _INDEX_CHILD, str(ix), str(data)], env=env_for(src),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def part_index(versions: dict, work: Path, shared: Path, repeat: int, noop: bool) -> list[list]:
    data = work / "wikinews-x10.jsonl"
    docs, chars, _ = C.write_jsonl(C.wikinews_copies(shared, 10), data)
    times: dict[str, list[float]] = {v: [] for v in versions}
    noops: dict[str, list[float]] = {v: [] for v in versions}
    for _ in range(repeat):
        for name, src in versions.items():
            got = index_once(src, work / f"ix-{name}", data)
            assert got["file"].startswith(str(src)), got["file"]
            times[name].append(got["seconds"])
            if noop:
                noops[name].append(index_once(src, work / f"ix-{name}", data, fresh=False)["seconds"])
    print("index seconds per repetition:", {k: [round(t, 1) for t in v] for k, v in times.items()})
    if noop:
        print("no-op seconds per repetition:", {k: [round(t, 2) for t in v] for k, v in noops.items()})
    rows = [[f"index {docs:,} articles", name, statistics.median(ts), chars / statistics.median(ts)]
            for name, ts in times.items()]
    base, new = (statistics.median(times[v]) for v in versions)
    rows.append(["index throughput new / base", "", "", round(base / new, 3)])
    if noop:
        rows += [["no-op re-index", name, statistics.median(ts), ""] for name, ts in noops.items()]
    return rows


def part_query(versions: dict, work: Path, shared: Path, n: int, nq: int) -> list[list]:
    data = work / f"docs-{n}.jsonl"
    if not data.exists():
        C.write_jsonl(C.mixed_rows(shared, n), data)
    queries = C.query_mix(shared, nq + 100)
    procs = {}
    for name, src in versions.items():
        ix = work / f"qix-{name}-{n}"
        if not ix.exists():
            index_once(src, ix, data)
        procs[name] = subprocess.Popen([sys.executable, "-c", _QUERY_CHILD, str(ix)], env=env_for(src),
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs[name].stdout.readline()
    lat: dict[str, list[float]] = {v: [] for v in versions}
    for i, q in enumerate(queries):
        for name, p in procs.items():
            p.stdin.write(json.dumps(q, ensure_ascii=False) + "\n")
            p.stdin.flush()
            ms = json.loads(p.stdout.readline())["ms"]
            if i >= 100:  # the first 100 warm up
                lat[name].append(ms)
    for p in procs.values():
        p.stdin.close()
        p.wait()
    return [[f"query p50 / p95 ms at {n:,} docs", name, C.percentile(xs, 50), C.percentile(xs, 95)]
            for name, xs in lat.items()]


def part_fresh(versions: dict, work: Path, shared: Path, index: Path, nq: int, repeat: int) -> list[list]:
    from million import query_set

    qfile = work / "fresh-queries.json"
    qfile.write_text(json.dumps({"queries": query_set(shared, nq, 7), "warm": query_set(shared, 100, 99)},
                                ensure_ascii=False), encoding="utf-8")
    runs: dict[str, list] = {"base": [], "new": []}
    for r in range(repeat):
        for name in ("base", "new") if r % 2 == 0 else ("new", "base"):
            C.read_into_file_cache(index)  # each version starts with the index in the OS file cache
            out = subprocess.run([sys.executable, "-c", _FRESH_CHILD, str(index), str(qfile)],
                                 env=env_for(versions[name]), capture_output=True, text=True, check=True)
            lat = json.loads(out.stdout.strip().splitlines()[-1])
            runs[name].append(lat)
            print(f"fresh round {r + 1} {name}: p50 {C.percentile(lat, 50):.2f} p95 {C.percentile(lat, 95):.1f} "
                  f"p99 {C.percentile(lat, 99):.1f} ms", file=sys.stderr)
    rows = []
    for name in ("base", "new"):
        p50, p95, p99 = (statistics.median(C.percentile(lat, q) for lat in runs[name]) for q in (50, 95, 99))
        rows.append([f"fresh process, {nq} queries at {index.name}: p50; p95 / p99 ms", name, p50,
                     f"{p95:.1f} / {p99:.1f}"])
    return rows


def main() -> None:
    args = parse_args()
    shared = C.shared_dir(args.shared)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    versions = {"base": base_tree(args.base, work) / "src", "new": REPO / "src"}
    parts = set(args.parts.split(","))
    rows = []
    if "index" in parts or "noop" in parts:
        rows += part_index(versions, work, shared, args.repeat, "noop" in parts)
    if "query" in parts:
        rows += part_query(versions, work, shared, args.docs, args.queries)
    if "fresh" in parts:
        if not args.index or not Path(args.index).is_dir():
            C.die("the fresh part needs --index DIR, an existing index")
        rows += part_fresh(versions, work, shared, Path(args.index), args.queries, args.repeat)
    print(C.machine_note())
    print(C.table(["measure", "version", "median s / p50 ms", "chars/s / p95 ms"], rows,
                  title=f"base {args.base} vs working tree, interleaved, {args.repeat} repetitions"))


if __name__ == "__main__":
    main()
