#!/usr/bin/env python3
"""Memory: peak RSS of `newsearch index` at two corpus sizes, of the server under the latency
benchmark, and index size on disk per MB of input text.

    python bench/memory.py [--sizes 10000,100000] [--queries 1000] [--workdir DIR] [--shared DIR]

Indexing: the first N NSMC reviews are written to a JSONL and indexed into a fresh dir by a
`newsearch index` child process; its own peak RSS comes from `os.wait4` (ru_maxrss of that child
alone). Peak RSS should not grow with the corpus (target <= 1.5 GB at 100k).
Server: `newsearch serve` on the largest index, then the 1,000-query mix over one keep-alive
connection; RSS from /proc/PID/status (VmRSS now, VmHWM peak) at start, after warm-up and after.
Disk: index size / UTF-8 MB of title+body text, for the review indexes and Wikinews x1.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--workdir", default=None, help="keep the indexes here (default: a temp dir, removed)")
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="ns-bench-mem-"))
    work.mkdir(parents=True, exist_ok=True)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    log(C.machine_note())
    try:
        idx_rows, disk_rows = [], []
        last_ix = None
        for n in sizes:
            src = work / f"reviews-{n}.jsonl"
            docs, chars, nbytes = C.write_jsonl(C.reviews(shared, n), src)
            ix = work / f"reviews-ix-{n}"
            shutil.rmtree(ix, ignore_errors=True)
            wall, peak, summary = C.run_index_cli([src], ix)
            log(f"{docs:,} reviews: {summary}; peak RSS {peak:.0f} MB")
            idx_rows.append(["nsmc reviews", docs, f"{chars / 1e6:.2f}M", wall, peak,
                             "<= 1536 MB" if n >= 100_000 else "", ("met" if peak <= 1536 else "NOT met") if n >= 100_000 else ""])
            size = C.du_mb(ix)
            disk_rows.append([f"nsmc reviews {docs:,}", nbytes / 1e6, size, size / (nbytes / 1e6)])
            last_ix = ix

        src = work / "wikinews.jsonl"
        docs, chars, nbytes = C.write_jsonl(C.wikinews_copies(shared, 1), src)
        ix = work / "wikinews-ix"
        shutil.rmtree(ix, ignore_errors=True)
        wall, peak, summary = C.run_index_cli([src], ix)
        log(f"wikinews: {summary}; peak RSS {peak:.0f} MB")
        idx_rows.append(["wikinews x1", docs, f"{chars / 1e6:.2f}M", wall, peak, "", ""])
        size = C.du_mb(ix)
        disk_rows.append([f"wikinews x1 ({docs:,})", nbytes / 1e6, size, size / (nbytes / 1e6)])

        # The server under the query mix, on the largest review index.
        queries = C.query_mix(shared, args.queries, seed=7)
        warm = C.query_mix(shared, 100, seed=99)
        with C.Server(last_ix) as srv:
            srv.wait_ready()
            r_start = C.rss_mb(srv.pid)
            cl = C.Client(srv.port)
            for q in warm:
                cl.get(C.api_path(q))
            r_warm = C.rss_mb(srv.pid)
            bad = sum(cl.get(C.api_path(q))[0] != 200 for q in queries)
            r_end = C.rss_mb(srv.pid)
            cl.close()
        srv_rows = [["after first answer", r_start[0], r_start[1]],
                    ["after 100 warm-up queries", r_warm[0], r_warm[1]],
                    [f"after {len(queries):,} more queries (non-200: {bad})", r_end[0], r_end[1]]]

        print()
        print("Memory and disk")
        print(C.machine_note())
        print(C.table(["corpus", "docs", "chars", "index s", "peak RSS MB", "target", ""], idx_rows,
                      title="Peak RSS of a `newsearch index` child (fresh index)"))
        print(C.table(["server state", "RSS MB", "peak RSS MB"], srv_rows,
                      title=f"`newsearch serve` on the {sizes[-1]:,}-review index"))
        print(C.table(["index", "input text MB (UTF-8)", "index MB", "index MB per input MB"], disk_rows,
                      title="Index size on disk"))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
