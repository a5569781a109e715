#!/usr/bin/env python3
"""Export memory and speed: peak RSS of `newsearch export` at 10k, 50k and 100k rows, in every format.

    python bench/export_memory.py [--sizes 10000,50000,100000] [--formats csv,jsonl,xlsx]
                                  [--backends whoosh[,sphinx]] [--workdir bench/out/export] [--shared DIR]

Corpus: the query-latency mix (`_common.mixed_rows`: Wikinews x10, the BigKinds leads, NSMC reviews to fill
up) of the largest size, each row's body tagged with one word per size it counts towards (`xtagbaaaa` on the
first 10,000 rows, `xtagfaaaa` on the first 50,000, `xtagbaaaaa` on all 100,000), so that one index answers
queries of exactly 10k, 50k and 100k matches. Built once into WORKDIR/export-idx-STORE-SIZES (re-runs reuse it;
delete it to rebuild); with `sphinx`, also into a two-node local searchd cluster started under WORKDIR.
Each export runs as a child process, `newsearch export TAG --format F -o FILE`, every matching article in
relevance order, and its own peak RSS comes from `os.wait4` (ru_maxrss of that child alone). The baseline is
the peak RSS of `newsearch query TAG -n 10` on the same index (Kiwi, the open index, one search).
Flat means the peak does not grow with the rows; rows/s counts from the open index to the file's last byte
(the child's own summary line), not the process start.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402


def tag(n: int) -> str:
    """The word tagging the first `n` rows: letters only, so Kiwi keeps it one token (10000 -> xtagbaaaa)."""
    return "xtag" + "".join("abcdefghij"[int(d)] for d in str(n))


def tagged_rows(shared: Path, sizes: list[int]):
    """The mixed rows of the largest size, each body ending with the tags of the sizes it counts towards."""
    for i, row in enumerate(C.mixed_rows(shared, max(sizes))):
        row = dict(row)
        row["body"] = (row.get("body") or "") + "\n\n" + " ".join(tag(n) for n in sizes if i < n)
        yield row


def ensure_index(shared: Path, work: Path, sizes: list[int], env: dict, name: str, log) -> Path:
    """The tagged corpus indexed into `name`'s store, built once (its metadata file marks it complete)."""
    key = "-".join(map(str, sizes))  # the tags depend on every size, not only the largest
    src = work / f"export-docs-{key}.jsonl"
    if not src.exists():
        docs, chars, _ = C.write_jsonl(tagged_rows(shared, sizes), src)
        log(f"wrote {src}: {docs:,} docs, {chars:,} chars")
    ix = work / f"export-idx-{name}-{key}"
    meta = ix.with_suffix(".json")
    if meta.exists() and ix.is_dir():
        return ix
    log(f"indexing {src} into {ix} ({name}) ...")
    wall, peak, summary = C.run_index_cli([src], ix, env)
    log(f"  {summary}; {wall:.1f}s wall, peak RSS {peak:.0f} MB")
    meta.write_text(json.dumps({"seconds": wall, "peak_rss_mb": peak, "summary": summary}))
    return ix


def child(args: list[str], env: dict) -> tuple[float, float, str, str]:
    """Run `newsearch ARGS` as a child: (wall seconds, its own peak RSS MB, stdout, stderr); stops on failure."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(C.newsearch_cmd() + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=dict(os.environ, **env))
    out, err = proc.stdout.read(), proc.stderr.read()  # read before waiting: a full pipe would block it
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.stdout.close()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status):
        C.die(f"newsearch {' '.join(args[:2])} failed: {err.decode(errors='replace').strip()[-300:]}")
    return wall, usage.ru_maxrss / 1024, out.decode(errors="replace"), err.decode(errors="replace")


def measure(ix: Path, env: dict, name: str, sizes: list[int], formats: list[str], work: Path, log) -> list[list]:
    """One row of the table per size and format, after the baseline query's row."""
    _wall, base, _out, _err = child(["query", tag(min(sizes)), "-n", "10", "--json", "--index", str(ix)], env)
    log(f"{name}: baseline `newsearch query` peak RSS {base:.0f} MB")
    rows = [[name, "query -n 10", "-", base, 0.0, "-", "-", "-"]]
    for fmt in formats:
        for n in sizes:
            out = work / f"export-{name}-{n}.{fmt}"
            wall, peak, _o, err = child(["export", tag(n), "--format", fmt, "-o", str(out), "--index", str(ix)], env)
            m = re.search(r"exported ([\d,]+) articles? as \w+ to .* in ([\d.]+)s", err)
            if not m:
                C.die(f"no summary line from newsearch export: {err.strip()[-300:]}")
            got, secs = int(m.group(1).replace(",", "")), float(m.group(2))
            if got != n:
                log(f"note: {fmt} export of {tag(n)} wrote {got:,} rows, not {n:,}")
            size = out.stat().st_size / 1e6
            out.unlink()
            log(f"{name} {fmt} {got:,} rows: peak RSS {peak:.0f} MB, {secs:.1f}s ({got / secs:,.0f} rows/s), "
                f"{size:.1f} MB, wall {wall:.1f}s")
            rows.append([name, fmt, got, peak, peak - base, secs, got / secs, size])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--formats", default="csv,jsonl,xlsx")
    ap.add_argument("--backends", default="whoosh", help="whoosh, sphinx or both (sphinx starts 2 local nodes)")
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "export"))
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    formats = [f for f in args.formats.split(",") if f]
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    log(C.machine_note())
    table = []
    for name in [b for b in args.backends.split(",") if b]:
        if name == "sphinx":
            from newsearch.backends.sphinx.local import LocalCluster

            with LocalCluster(work / "sphinx-nodes", n=2) as cluster:
                ix = ensure_index(shared, work, sizes, cluster.env, name, log)
                table += measure(ix, cluster.env, name, sizes, formats, work, log)
        else:
            env = {"NEWSEARCH_BACKEND": "whoosh"}
            table += measure(ensure_index(shared, work, sizes, env, name, log), env, name, sizes, formats, work, log)
    print(C.table(["store", "format", "rows", "peak RSS MB", "over query MB", "export s", "rows/s", "file MB"], table,
                  title="newsearch export: every match of a query, in a child process"))
    print("\n" + C.machine_note())


if __name__ == "__main__":
    main()
