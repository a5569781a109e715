#!/usr/bin/env python3
"""Did-you-mean cost on zero-hit queries, and the share of 30 typos corrected (issue 16).

    python bench/suggest_latency.py [--label after] [--repeat 5] [--workdir bench/out/suggest] [--shared DIR]

Index: `corpus/wikinews_ko.jsonl` + `corpus/bigkinds_leads.jsonl` (about 2,500 articles), built once in
process into WORKDIR/idx-archive (re-runs reuse it; delete it to rebuild).
  zero-hit   2,000 characters of one letter (Latin, Hangul), 2,000 Hanja, a pasted URL, a 20-letter
             English word, 100 `x`: `Results.took_ms` (the whole search: parse, store, did-you-mean),
             median of REPEAT runs (one run when the first takes over --slow seconds: the old corrector
             spends minutes there); target < 300 ms each
  typos      tests/fixtures/typos.tsv: took_ms of each (median of REPEAT), and how many get their
             intended word as the suggestion (or are searched as it)
  parallel   8 threads (one Searcher each, as the web server has) each running a 100-letter zero-hit
             query, while a ninth runs ordinary queries: those ordinary queries' latency, against the
             same queries run alone
  --vocab-docs N   the corrector's vocabulary on the mixed N-document index of query_latency.py
             (Wikinews x10, BigKinds, NSMC reviews; built once into WORKDIR/idx-N with `newsearch index`):
             words kept, build seconds and the RSS it adds, in a fresh process
The figures go to WORKDIR/LABEL.json; when `before.json` and `after.json` are both there, a side-by-side
table is printed too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

TYPOS = C.REPO / "tests" / "fixtures" / "typos.tsv"
TARGET_MS = 300.0
HANJA = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2000))  # 2,000 distinct-ish CJK ideographs
ZERO_HIT = [
    ("2,000 x 'x'", "x" * 2000),
    ("2,000 x '헬'", "헬" * 2000),
    ("2,000 Hanja", HANJA),
    ("pasted URL", "https://www.donga.com/news/article/all/20210731/108282646/1?utm_source=naver"),
    ("20-letter English word", "internationalizatoin"),
    ("100 x 'x'", "x" * 100),
]
ORDINARY = ["대통령 선거", "코로나 백신", "오바마 취임", "서울 지하철", "북한 미사일", "올림픽 금메달",
            "환경 정책", "검찰 수사", "태풍 피해", "인공지능 로봇"]
PARALLEL = 8


def read_typos(path: Path = TYPOS) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            typo, intended = line.split("\t")[:2]
            out.append((typo, intended))
    return out


def build(shared: Path, work: Path, log=print) -> Path:
    """The archive index in WORKDIR/idx-archive (built once)."""
    from newsearch.backends import update

    ix = work / "idx-archive"
    if (ix / "_MAIN_1.toc").exists() or any(ix.glob("_MAIN_*.toc")):
        return ix
    t0 = time.perf_counter()
    stats = update(ix, [C.need(shared / "corpus" / "wikinews_ko.jsonl"),
                        C.need(shared / "corpus" / "bigkinds_leads.jsonl")], name="whoosh")
    log(f"built {ix}: {stats.added:,} articles in {time.perf_counter() - t0:.1f}s")
    return ix


def timed(searcher, text: str, repeat: int, slow_s: float) -> tuple[float, int, object]:
    """Median took_ms over `repeat` runs (one run when the first is slower than `slow_s`), runs, last result."""
    runs, res = [], None
    for _ in range(repeat):
        res = searcher.search(text)
        runs.append(res.took_ms)
        if res.took_ms > slow_s * 1000:
            break
    return statistics.median(runs), len(runs), res


def zero_hit_rows(searcher, repeat: int, slow_s: float, log) -> list[dict]:
    rows = []
    for label, text in ZERO_HIT:
        ms, n, res = timed(searcher, text, repeat, slow_s)
        rows.append({"query": label, "ms": ms, "runs": n, "total": res.total, "suggestion": res.suggestion})
        log(f"  {label}: {ms:.1f} ms (runs {n})")
    return rows


def typo_rows(searcher, repeat: int, slow_s: float) -> list[dict]:
    rows = []
    for typo, intended in read_typos():
        ms, n, res = timed(searcher, typo, repeat, slow_s)
        searched = getattr(res, "searched", None)
        rows.append({"typo": typo, "intended": intended, "ms": ms, "runs": n, "suggestion": res.suggestion,
                     "searched": searched, "total": res.total,
                     "corrected": res.suggestion == intended or searched == intended})
    return rows


def parallel(ix: Path, log) -> dict:
    """Ordinary queries alone, then while PARALLEL threads each run a zero-hit 100-letter query."""
    from newsearch.backends import open_searcher

    probe = open_searcher(ix)
    for q in ORDINARY:
        probe.search(q)
    alone = [probe.search(q).took_ms for q in ORDINARY * 3]
    heavy_s = [open_searcher(ix) for _ in range(PARALLEL)]
    heavy_ms: list[float] = []
    during: list[float] = []
    stop = threading.Event()

    def heavy(k: int) -> None:
        text = chr(ord("a") + k) * 100  # a different letter each: nothing shared between threads
        while True:
            t0 = time.perf_counter()
            heavy_s[k].search(text)
            heavy_ms.append((time.perf_counter() - t0) * 1000)
            if stop.is_set():
                return

    threads = [threading.Thread(target=heavy, args=(k,)) for k in range(PARALLEL)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    for q in ORDINARY * 3:
        t0 = time.perf_counter()
        probe.search(q)
        during.append((time.perf_counter() - t0) * 1000)
    stop.set()
    for t in threads:
        t.join()
    for s in heavy_s + [probe]:
        s.close()
    out = {"alone_p50": C.median(alone), "alone_max": max(alone), "during_p50": C.median(during),
           "during_max": max(during), "heavy_p50": C.median(heavy_ms), "heavy_max": max(heavy_ms),
           "heavy_requests": len(heavy_ms)}
    log(f"  ordinary queries alone p50 {out['alone_p50']:.1f} ms; beside {PARALLEL} zero-hit requests "
        f"p50 {out['during_p50']:.1f} ms, max {out['during_max']:.0f} ms")
    return out


VOCAB_CODE = r"""
import json, sys, time
from newsearch.backends import open_searcher
from newsearch.backends.whoosh import spelling

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

s = open_searcher(sys.argv[1])
s.search("대통령")
store = s.store
searcher = store._current()
reader = searcher.reader()
terms = sum(1 for _ in reader.iter_field("body"))
before = rss()
t0 = time.perf_counter()
vocab = spelling.vocabulary(searcher, store.index_dir)
built = time.perf_counter() - t0
after = rss()
t0 = time.perf_counter()
res = s.search("대통련")
first = (time.perf_counter() - t0) * 1000
print(json.dumps({"docs": s.doc_count, "terms": terms, "words": len(vocab), "build_s": built,
                  "rss_added_mb": after - before, "arrays_mb": vocab.nbytes() / 1e6,
                  "rss_mb": after, "search_ms": first, "suggestion": res.suggestion}))
"""


def vocab_at(shared: Path, work: Path, n: int, log) -> dict:
    """The vocabulary of the mixed n-document index, built in a fresh process (time and RSS)."""
    import subprocess

    ix = C.ensure_index(shared, work, n, log)
    out = subprocess.run([sys.executable, "-c", VOCAB_CODE, str(ix)], capture_output=True, text=True)
    if out.returncode:
        C.die(f"vocabulary run failed: {out.stderr.strip()[-300:]}")
    got = json.loads(out.stdout.strip().splitlines()[-1])
    print(C.table(["docs", "body terms", "words kept", "build s", "RSS added MB", "kept MB",
                   "process RSS MB", "search after build ms"],
                  [[got["docs"], got["terms"], got["words"], got["build_s"], got["rss_added_mb"],
                    got["arrays_mb"], got["rss_mb"], got["search_ms"]]],
                  title=f"did-you-mean vocabulary at {n:,} documents"))
    return got


def report(data: dict) -> None:
    print(C.table(["zero-hit query", "took_ms (median)", "runs", f"< {TARGET_MS:.0f} ms", "suggestion"],
                  [[r["query"], r["ms"], r["runs"], "yes" if r["ms"] < TARGET_MS else "NO",
                    (r["suggestion"] or "")[:30]] for r in data["zero_hit"]],
                  title=f"{data['label']}: zero-hit queries on {data['docs']:,} articles"))
    typos = data["typos"]
    print(C.table(["typo", "intended", "took_ms", "suggestion", "searched", "ok"],
                  [[r["typo"], r["intended"], r["ms"], r["suggestion"] or "", r["searched"] or "",
                    "yes" if r["corrected"] else "no"] for r in typos],
                  title=f"{data['label']}: typos ({sum(r['corrected'] for r in typos)}/{len(typos)} corrected)"))
    p = data["parallel"]
    print(C.table(["ordinary alone p50", "alone max", f"beside {PARALLEL} zero-hit p50", "max",
                   "zero-hit requests p50", "max", "n"],
                  [[p["alone_p50"], p["alone_max"], p["during_p50"], p["during_max"], p["heavy_p50"],
                    p["heavy_max"], p["heavy_requests"]]], title=f"{data['label']}: parallel (ms)"))


def compare(work: Path) -> None:
    before, after = work / "before.json", work / "after.json"
    if not (before.exists() and after.exists()):
        return
    b, a = json.loads(before.read_text()), json.loads(after.read_text())
    rows = [[rb["query"], rb["ms"], ra["ms"]] for rb, ra in zip(b["zero_hit"], a["zero_hit"])]
    for d in (b, a):
        d["typo_ms"] = [r["ms"] for r in d["typos"]]
    rows.append(["30 typos: median", C.median(b["typo_ms"]), C.median(a["typo_ms"])])
    rows.append(["30 typos: max", max(b["typo_ms"]), max(a["typo_ms"])])
    rows.append([f"ordinary query beside {PARALLEL} zero-hit: p50", b["parallel"]["during_p50"],
                 a["parallel"]["during_p50"]])
    rows.append([f"ordinary query beside {PARALLEL} zero-hit: max", b["parallel"]["during_max"],
                 a["parallel"]["during_max"]])
    print(C.table(["took_ms", "before", "after"], rows, title="before / after"))
    nb, na = (sum(r["corrected"] for r in d["typos"]) for d in (b, a))
    print(f"\ntypos corrected: before {nb}/{len(b['typos'])}, after {na}/{len(a['typos'])}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--label", default="after", help="name of this run's JSON (before / after)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--slow", type=float, default=3.0, help="seconds: a slower query is run once")
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "suggest"))
    ap.add_argument("--no-parallel", action="store_true")
    ap.add_argument("--vocab-docs", type=int, default=0, help="also measure the vocabulary at N documents")
    ap.add_argument("--only-vocab", action="store_true", help="only the --vocab-docs measurement")
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    if args.vocab_docs:
        (work / f"vocab-{args.vocab_docs}.json").write_text(json.dumps(vocab_at(shared, work, args.vocab_docs, log)))
        if args.only_vocab:
            return
    ix = build(shared, work, log)

    from newsearch.backends import open_searcher

    searcher = open_searcher(ix)
    for q in ORDINARY:
        searcher.search(q)
    searcher.search("헬스캐어")  # a first did-you-mean (builds what the corrector keeps per index state)
    log(C.machine_note())
    data = {"label": args.label, "docs": searcher.doc_count, "machine": C.machine_note()}
    log("zero-hit queries ...")
    data["zero_hit"] = zero_hit_rows(searcher, args.repeat, args.slow, log)
    log("typos ...")
    data["typos"] = typo_rows(searcher, args.repeat, args.slow)
    searcher.close()
    if not args.no_parallel:
        log("parallel ...")
        data["parallel"] = parallel(ix, log)
    else:
        data["parallel"] = {k: float("nan") for k in ("alone_p50", "alone_max", "during_p50", "during_max",
                                                       "heavy_p50", "heavy_max")} | {"heavy_requests": 0}
    (work / f"{args.label}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
    report(data)
    compare(work)


if __name__ == "__main__":
    main()
