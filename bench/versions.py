"""Two installs of newsearch side by side: build, warm latency, identical results, no-op re-index, cold start.

For a change that must not change behaviour (a refactor): install the old commit in its own venv, then

    git worktree add /tmp/old COMMIT && python3 -m venv /tmp/old/.venv && /tmp/old/.venv/bin/pip install /tmp/old
    python bench/versions.py /tmp/old/.venv/bin .venv/bin [--docs 100000] [--rounds 2]

Runs are interleaved (old, new, old, new) so that the shared machine's drift hits both alike. The corpus is
Wikinews x10 (new ids, dates shifted per copy), the BigKinds leads and NSMC reviews up to --docs; the queries
are 500 KorQuAD questions and 500 three-word Yonhap headlines (fixed seed). Both sides must offer
`newsearch.backends.open_searcher` or the older `newsearch.backend.open_searcher`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LATENCY = r'''
import json, sys, time
try:
    from newsearch.backends import open_searcher
except ImportError:
    from newsearch.backend import open_searcher
qs = [l.rstrip("\n") for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
s = open_searcher(sys.argv[1])
for q in qs[:100]:
    s.search(q)
times, hits = [], []
for q in qs:
    t0 = time.perf_counter()
    res = s.search(q)
    times.append((time.perf_counter() - t0) * 1000)
    hits.append([h.id for h in res.hits])
times.sort()
print(json.dumps({"p50": times[len(times) // 2], "p99": times[int(0.99 * len(times))], "hits": hits}))
'''


def make_corpus(shared: Path, out: Path, docs: int) -> None:
    """Wikinews x10, BigKinds leads, then NSMC reviews up to `docs` rows."""
    wiki = [json.loads(line) for line in open(shared / "corpus/wikinews_ko.jsonl", encoding="utf-8")]
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        def put(row: dict) -> None:
            nonlocal n
            if n < docs:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        for k in range(10):
            for r in wiki:
                date = r.get("date")
                put({**r, "id": f"w{k}-{r['id']}", "date": f"{int(date[:4]) - k:04d}{date[4:]}" if date and k else date})
        for i, line in enumerate(open(shared / "corpus/bigkinds_leads.jsonl", encoding="utf-8")):
            put({**json.loads(line), "id": f"b{i}"})
        with gzip.open(shared / "corpus/nsmc_reviews.jsonl.gz", "rt", encoding="utf-8") as reviews:
            for line in reviews:
                if n >= docs:
                    break
                r = json.loads(line)
                put({**r, "id": f"r{r['id']}"})


def make_queries(shared: Path, out: Path) -> None:
    rnd = random.Random(7)
    questions = [json.loads(line)["text"] for line in open(shared / "eval/korquad1_dev/queries.jsonl", encoding="utf-8")]
    heads = [json.loads(line)["title"] for line in open(shared / "corpus/yonhap_headlines.jsonl", encoding="utf-8")]
    chosen = rnd.sample(questions, 500) + [" ".join(h.split()[:3]) for h in rnd.sample(heads, 500)]
    rnd.shuffle(chosen)
    out.write_text("\n".join(chosen) + "\n", encoding="utf-8")


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old_bin", type=Path, help="bin/ folder of the old install (python, newsearch)")
    ap.add_argument("new_bin", type=Path, help="bin/ folder of the new install")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if not (args.shared / "corpus").is_dir():
        print(f"error: {args.shared}: no corpus/ (give --shared)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="ns-versions-"))
    corpus, queries = work / "corpus.jsonl", work / "queries.txt"
    make_corpus(args.shared, corpus, args.docs)
    make_queries(args.shared, queries)
    sides = {"old": args.old_bin, "new": args.new_bin}
    rows: dict[str, dict[str, list]] = {k: {"build s": [], "no-op s": [], "p50 ms": [], "p99 ms": [], "cold s": []}
                                        for k in sides}
    hits = {}
    for _ in range(args.rounds):
        for side, bin_ in sides.items():
            ix = work / f"idx-{side}"
            subprocess.run(["rm", "-rf", str(ix)], check=True)
            rows[side]["build s"].append(timed([str(bin_ / "newsearch"), "index", str(corpus), "--index", str(ix)]))
    for _ in range(args.rounds):
        for side, bin_ in sides.items():
            ix = work / f"idx-{side}"
            rows[side]["no-op s"].append(timed([str(bin_ / "newsearch"), "index", str(corpus), "--index", str(ix)]))
            out = json.loads(subprocess.run([str(bin_ / "python"), "-c", LATENCY, str(ix), str(queries)],
                                            capture_output=True, text=True, check=True).stdout)
            rows[side]["p50 ms"].append(out["p50"])
            rows[side]["p99 ms"].append(out["p99"])
            hits[side] = out["hits"]
            rows[side]["cold s"].append(timed([str(bin_ / "newsearch"), "query", "대통령 선거", "--index", str(ix)]))
    print(f"{args.docs:,} documents, {args.rounds} interleaved rounds, medians (each run in brackets)")
    for name in rows["old"]:
        cells = [f"{statistics.median(rows[s][name]):.3g} ({', '.join(f'{v:.3g}' for v in rows[s][name])})" for s in sides]
        print(f"  {name:<8} old {cells[0]:<32} new {cells[1]}")
    same = sum(a == b for a, b in zip(hits["old"], hits["new"]))
    print(f"  identical top-10 ids: {same} of {len(hits['old'])} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
