#!/usr/bin/env python3
"""Indexing throughput, side by side in one run: newsearch vs Kiwi alone vs stock Whoosh vs Lucene/Nori.

    python bench/index_throughput.py [--docs N] [--repeat K] [--threads N] [--shared DIR]

Datasets: (a) long articles, ../shared/corpus/wikinews_ko.jsonl x 10 with distinct ids;
(b) short documents, the first 100k rows of nsmc_reviews.jsonl.gz. Each is written to a temp JSONL.

Engines, each run K times per dataset, interleaved (medians reported):
  newsearch   `newsearch.backends.update` in process into a fresh index dir (reads the JSONL,
              hashes, runs Kiwi on its worker threads, writes and commits the Whoosh index)
  kiwi-alone  a Kiwi built like `Analyzer.for_words().kiwi`, `kiwi.tokenize(texts, match_options=MATCH)`
              (the engine's own Kiwi configuration, analysis/analyzer.py) over the
              same titles and bodies (already in memory), generator consumed
  whoosh-std  stock Whoosh with StandardAnalyzer on the same fields, reading the same JSONL
  lucene-nori bench/nori/run.sh index FILE --threads N (JVM start and parsing not timed)
Kiwi is loaded and warmed up before any timing. Throughput is title+body characters per wall
second; "chars/CPU-s" divides by the process CPU time instead (steadier on a busy machine).
The headline figure is newsearch / kiwi-alone (targets: >= 0.85 long articles, >= 0.70 short).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsearch.analysis.analyzer import MATCH

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

TARGETS = {"long: wikinews x10": 0.85, "short: nsmc": 0.70}


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=None, help="cap documents per dataset (quick run)")
    ap.add_argument("--repeat", type=int, default=3, help="measurements per engine and dataset (median)")
    ap.add_argument("--threads", type=int, default=None,
                    help="Kiwi / Lucene threads (default $NEWSEARCH_THREADS or the core count)")
    ap.add_argument("--shared", default=None, help="path of ../shared")
    ap.add_argument("--engines", default="kiwi-alone,newsearch,whoosh-std,lucene-nori",
                    help="comma-separated subset to run")
    ap.add_argument("--datasets", default="long,short", help="long, short or both")
    ap.add_argument("--json", dest="json_out", default=None, help="also write the raw measurements here")
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    shared = C.shared_dir(args.shared)
    if args.threads:
        os.environ["NEWSEARCH_THREADS"] = str(args.threads)
    from newsearch import config
    from newsearch.analysis import Analyzer
    from newsearch.backends import update

    threads = config.kiwi_workers()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="ns-bench-tp-"))
    try:
        datasets = []
        if "long" in args.datasets:
            p = tmp / "wikinews_x10.jsonl"
            C.write_jsonl(C.wikinews_copies(shared, 10, args.docs), p)
            datasets.append(("long: wikinews x10", p))
        if "short" in args.datasets:
            p = tmp / "nsmc_100k.jsonl"
            C.write_jsonl(C.reviews(shared, args.docs or 100_000), p)
            datasets.append(("short: nsmc", p))

        print(C.machine_note(), file=sys.stderr)
        t = time.perf_counter()
        Analyzer.for_words().kiwi.tokenize("뉴스 검색 엔진을 데워 둡니다.")  # load + slow first call, untimed
        from kiwipiepy import Kiwi
        kiwi = Kiwi(num_workers=threads, load_typo_dict=False, load_multi_dict=False)
        kiwi.tokenize("뉴스 검색 엔진을 데워 둡니다.")
        print(f"Kiwi x2 loaded and warmed in {time.perf_counter() - t:.1f}s; threads={threads}", file=sys.stderr)

        results: dict[tuple[str, str], list[dict]] = {}
        meta = {}
        for name, path in datasets:
            rows = list(C.read_jsonl(path))
            texts = [(r.get("title") or "", r.get("body") or "") for r in rows]
            docs = len(rows)
            chars = sum(len(a) + len(b) for a, b in texts)
            meta[name] = (docs, chars)
            del rows
            print(f"{name}: {docs:,} docs, {chars:,} chars", file=sys.stderr)
            for rep in range(args.repeat):
                for eng in engines:
                    m = measure(eng, path, texts, kiwi, threads, tmp, update, docs)
                    m.setdefault("docs", docs)
                    m.setdefault("chars", chars)
                    results.setdefault((name, eng), []).append(m)
                    split = (f" (Kiwi workers {m['cpu_kiwi']:.1f}s, Python threads {m['cpu_python']:.1f}s)"
                             if "cpu_kiwi" in m else "")
                    print(f"  [{rep + 1}/{args.repeat}] {eng:<11} {m['seconds']:7.2f}s "
                          f"{m['chars'] / m['seconds']:>10,.0f} chars/s, CPU {m['cpu']:.1f}s{split}",
                          file=sys.stderr, flush=True)

        report(results, meta, engines, datasets, threads, args)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(
                {f"{k[0]}|{k[1]}": v for k, v in results.items()}, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class ThreadCPU:
    """CPU seconds of this process's threads during a block, split into Python threads and the rest
    (Kiwi's native workers), read from /proc (Linux; elsewhere both stay NaN).

    A sampler reads every thread's counters every SAMPLE_S seconds, so a thread that ends inside the
    block (newsearch's read-ahead helper) still counts; the sampler's own time is left out.
    """

    SAMPLE_S = 0.2

    def __enter__(self):
        import threading

        self._stop = threading.Event()
        self._python: set[str] = set()
        self._seen: dict[str, float] = {}
        self._start = self._snap()
        self._thread = threading.Thread(target=self._run, name="bench-cpu-sampler", daemon=True)
        self._thread.start()
        return self

    def _snap(self) -> dict[str, float]:
        import threading

        out = {}
        try:
            tids = os.listdir("/proc/self/task")
        except OSError:
            return out
        tick = os.sysconf("SC_CLK_TCK")
        for tid in tids:
            try:
                fields = open(f"/proc/self/task/{tid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            out[tid] = (int(fields[11]) + int(fields[12])) / tick
        self._python.update(str(t.native_id) for t in threading.enumerate() if t.native_id)
        return out

    def _run(self):
        import threading

        me = str(threading.get_native_id())
        while not self._stop.wait(self.SAMPLE_S):
            for tid, c in self._snap().items():
                if tid != me:
                    self._seen[tid] = max(c, self._seen.get(tid, 0.0))
        self._me = me

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for tid, c in self._snap().items():
            if tid != self._me:
                self._seen[tid] = max(c, self._seen.get(tid, 0.0))
        deltas = {tid: c - self._start.get(tid, 0.0) for tid, c in self._seen.items()}
        if not deltas:
            self.python = self.native = float("nan")
            return
        self.python = sum(d for tid, d in deltas.items() if tid in self._python)
        self.native = sum(d for tid, d in deltas.items() if tid not in self._python)


def measure(eng, path, texts, kiwi, threads, tmp, update_index, docs) -> dict:
    if eng in ("kiwi-alone", "newsearch"):
        with ThreadCPU() as tc:
            m = _measure(eng, path, texts, kiwi, threads, tmp, update_index, docs)
        m["cpu_python"], m["cpu_kiwi"] = tc.python, tc.native
        return m
    return _measure(eng, path, texts, kiwi, threads, tmp, update_index, docs)


def _measure(eng, path, texts, kiwi, threads, tmp, update_index, docs) -> dict:
    if eng == "kiwi-alone":
        def stream():
            for title, body in texts:
                yield title
                yield body
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in kiwi.tokenize(stream(), match_options=MATCH):
            pass
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    if eng == "newsearch":
        d = tmp / "ix-newsearch"
        shutil.rmtree(d, ignore_errors=True)
        c0, t0 = time.process_time(), time.perf_counter()
        stats = update_index(d, [path])
        m = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}
        if stats.added != docs:
            C.die(f"newsearch indexed {stats.added} of {docs} documents: {stats.summary()}")
        shutil.rmtree(d, ignore_errors=True)
        return m
    if eng == "whoosh-std":
        return whoosh_std(path, tmp / "ix-whoosh")
    if eng == "lucene-nori":
        cmd = ["bash", str(C.BENCH_DIR / "nori" / "run.sh"), "index", str(path), "--threads", str(threads)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            C.die(f"lucene-nori failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
        line = [l for l in out.stdout.splitlines() if l.startswith("{")][-1]
        j = json.loads(line)
        return {"seconds": j["seconds"], "cpu": j.get("thread_cpu_seconds", float("nan")),
                "docs": j["docs"], "chars": j["chars"]}
    C.die(f"unknown engine {eng!r}")


def whoosh_std(path: Path, d: Path) -> dict:
    """Stock Whoosh, StandardAnalyzer, the same fields as newsearch's schema."""
    from newsearch.backends.whoosh.schema import build_schema
    from whoosh.analysis import StandardAnalyzer
    from whoosh.filedb.filestore import FileStorage

    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    schema = build_schema(StandardAnalyzer())  # newsearch's fields, a trivial analyzer
    c0, t0 = time.process_time(), time.perf_counter()
    ix = FileStorage(str(d)).create_index(schema)
    w = ix.writer(limitmb=256)
    for r in C.read_jsonl(path):
        title = r.get("title") or ""
        w.add_document(id=str(r["id"]), source=str(path), digest="-", title=title,
                       body=(title + "\n\n" + (r.get("body") or "")) if title else (r.get("body") or ""),
                       _stored_body=r.get("body") or "", date=r.get("date") or "",
                       publisher=r.get("publisher") or "", reporter=r.get("reporter") or "",
                       url=r.get("url") or "")
    w.commit()
    m = {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    ix.close()
    shutil.rmtree(d, ignore_errors=True)
    return m


def report(results, meta, engines, datasets, threads, args) -> None:
    print()
    print(f"Indexing throughput, {threads} thread(s), median of {args.repeat} run(s) each, interleaved")
    print(C.machine_note())
    rows = []
    for name, _ in datasets:
        docs, chars = meta[name]
        base = None
        ms = {}
        for eng in engines:
            runs = results[(name, eng)]
            sec = C.median([r["seconds"] for r in runs])
            cpu = C.median([r["cpu"] for r in runs])
            ms[eng] = (sec, cpu)
        if "kiwi-alone" in ms:
            base = ms["kiwi-alone"][0]
        for eng in engines:
            sec, cpu = ms[eng]
            runs = results[(name, eng)]
            ch, dc = runs[0]["chars"], runs[0]["docs"]
            cps = [r["chars"] / r["seconds"] for r in runs]
            rows.append([name, eng, dc, f"{ch / 1e6:.2f}M", sec, ch / sec, dc / sec,
                         f"{min(cps)/1e3:.0f}k-{max(cps)/1e3:.0f}k", ch / cpu if cpu == cpu and cpu else float("nan"),
                         f"{base / sec:.2f}" if base else "-"])
    print(C.table(["dataset", "engine", "docs", "chars", "median s", "chars/s", "docs/s", "chars/s range",
                   "chars/CPU-s", "x kiwi-alone"], rows))
    if "kiwi-alone" in engines and "newsearch" in engines:
        print()
        hrows = []
        for name, _ in datasets:
            runs_n = results[(name, "newsearch")]
            runs_k = results[(name, "kiwi-alone")]
            ratio = C.median([k["seconds"] for k in runs_k]) / C.median([n["seconds"] for n in runs_n])
            # Pairwise ratios (same repetition, measured back to back) show the spread.
            pair = sorted(k["seconds"] / n["seconds"] for k, n in zip(runs_k, runs_n))
            cpu_ratio = C.median([k["cpu"] for k in runs_k]) / C.median([n["cpu"] for n in runs_n])
            target = TARGETS.get(name)
            hrows.append([name, f"{ratio:.2f}", f"{pair[0]:.2f}-{pair[-1]:.2f}", f"{cpu_ratio:.2f}",
                          f">= {target:.2f}" if target else "-",
                          ("met" if ratio >= target else "NOT met") if target else "-"])
        print(C.table(["dataset", "newsearch / kiwi-alone (wall)", "per-rep range", "CPU ratio", "target", ""],
                      hrows, title="Headline: newsearch throughput as a fraction of Kiwi alone"))
        print()
        crows = []
        for name, _ in datasets:
            for eng in ("kiwi-alone", "newsearch"):
                runs = results[(name, eng)]
                docs = runs[0]["docs"]
                kiwi_s = C.median([r["cpu_kiwi"] for r in runs])
                py_s = C.median([r["cpu_python"] for r in runs])
                crows.append([name, eng, kiwi_s, py_s, f"{kiwi_s / docs * 1e6:,.0f}", f"{py_s / docs * 1e6:,.0f}",
                              f"{(kiwi_s + py_s) / (2 * C.median([r['seconds'] for r in runs])):.2f}"
                              if threads == 2 else "-"])
        print(C.table(["dataset", "engine", "Kiwi workers CPU-s", "Python threads CPU-s", "Kiwi us/doc",
                       "Python us/doc", "cores busy (of 2)"], crows,
                      title="Where the CPU goes (medians; Python threads: the caller, newsearch's read-ahead helper)"))


if __name__ == "__main__":
    main()
