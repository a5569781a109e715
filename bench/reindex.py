#!/usr/bin/env python3
"""Re-index cost on an index of short reviews: full build vs no-op re-index vs 1% of rows changed.

    python bench/reindex.py [--docs 100000] [--changed 0.01] [--repeat 3] [--shared DIR]

All in one run, on one temp JSONL of the first N rows of nsmc_reviews.jsonl.gz:
  full build   `update_index` into a fresh dir (in process; Kiwi already loaded and warm)
  no-op        `update_index` again on the unchanged file (in process), and the same through the
               CLI (`newsearch index FILE --index DIR` in a subprocess: process start and imports included)
  1% changed   the JSONL is rewritten in place with 1% of rows' bodies edited, then `update_index`
               (the edits are undone before the next repetition; each repetition changes other rows)
Targets: no-op <= 5 s; 1% changed <= 5% of the full build's time.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--changed", type=float, default=0.01, help="fraction of rows changed")
    ap.add_argument("--repeat", type=int, default=3, help="no-op and changed measurements (median)")
    ap.add_argument("--builds", type=int, default=1, help="full builds (median)")
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)

    from newsearch.analysis import Analyzer
    from newsearch.backends import update as update_index

    tmp = Path(tempfile.mkdtemp(prefix="ns-bench-reindex-"))
    try:
        src = tmp / "reviews.jsonl"
        rows = list(C.reviews(shared, args.docs))
        C.write_jsonl(rows, src)
        n = len(rows)
        k = max(1, round(n * args.changed))
        print(C.machine_note(), file=sys.stderr)
        Analyzer.for_words().kiwi.tokenize("뉴스 검색 엔진을 데워 둡니다.")

        ix = tmp / "ix"
        builds = []
        for b in range(args.builds):
            shutil.rmtree(ix, ignore_errors=True)
            t0 = time.perf_counter()
            st = update_index(ix, [src])
            builds.append(time.perf_counter() - t0)
            print(f"full build {b + 1}: {builds[-1]:.1f}s ({st.summary()})", file=sys.stderr)
            if st.added != n:
                C.die(f"full build indexed {st.added} of {n}: {st.summary()}")
        full = C.median(builds)

        noop, noop_cli, changed = [], [], []
        for rep in range(args.repeat):
            t0 = time.perf_counter()
            st = update_index(ix, [src])
            noop.append(time.perf_counter() - t0)
            if st.unchanged != n or st.added or st.updated or st.deleted:
                C.die(f"no-op re-index changed something: {st.summary()}")
            t0 = time.perf_counter()
            out = subprocess.run(C.newsearch_cmd() + ["index", str(src), "--index", str(ix)],
                                 capture_output=True, text=True)
            noop_cli.append(time.perf_counter() - t0)
            if out.returncode:
                C.die(f"newsearch index failed: {out.stderr.strip()[-200:]}")

            # Change k rows spread over the file (a different set each repetition).
            step = n // k
            idx = set(range(rep % step, n, step)) if step else set(range(n))
            idx = set(sorted(idx)[:k])
            edited = [dict(r, body=(r.get("body") or "") + f" 수정판 {rep}") if i in idx else r
                      for i, r in enumerate(rows)]
            C.write_jsonl(edited, src)
            t0 = time.perf_counter()
            st = update_index(ix, [src])
            changed.append(time.perf_counter() - t0)
            if st.updated != len(idx):
                C.die(f"expected {len(idx)} updated: {st.summary()}")
            print(f"rep {rep + 1}: no-op {noop[-1]:.2f}s, no-op CLI {noop_cli[-1]:.2f}s, "
                  f"{len(idx)} changed {changed[-1]:.2f}s", file=sys.stderr)
            C.write_jsonl(rows, src)  # undo: back to the indexed content...
            update_index(ix, [src])   # ...and the index too (untimed)

        print()
        print(f"Re-index on {n:,} reviews (median of {args.repeat}; full build median of {args.builds})")
        print(C.machine_note())
        t_noop, t_cli, t_chg = C.median(noop), C.median(noop_cli), C.median(changed)
        print(C.table(["measurement", "seconds", "docs/s", "vs full build", "target", ""], [
            ["full build", full, n / full, "100%", "-", ""],
            ["no-op re-index (in process)", t_noop, n / t_noop, f"{100 * t_noop / full:.1f}%", "<= 5 s",
             "met" if t_noop <= 5 else "NOT met"],
            ["no-op re-index (CLI subprocess)", t_cli, n / t_cli, f"{100 * t_cli / full:.1f}%", "<= 5 s",
             "met" if t_cli <= 5 else "NOT met"],
            [f"re-index, {k:,} rows changed ({args.changed:.0%})", t_chg, n / t_chg, f"{100 * t_chg / full:.1f}%",
             "<= 5% of full", "met" if t_chg <= 0.05 * full else "NOT met"],
        ]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
