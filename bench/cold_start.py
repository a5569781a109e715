#!/usr/bin/env python3
"""Cold start: `newsearch query TEXT` (process start to first result) and `newsearch serve`
(process start to the first successful HTTP answer), median of repeated runs.

    python bench/cold_start.py [--index DIR | --size 10000 --workdir bench/out/latency] [--runs 5]

Without --index it uses (building once if needed) the mixed index WORKDIR/idx-SIZE that
bench/query_latency.py uses. For orientation it also times the pieces: a bare `python -c pass`,
importing newsearch.cli, and loading Kiwi. The OS file cache is warm (the index and Python files
were read before) and Python's bytecode cache written (as an installed package has it, whatever
PYTHONDONTWRITEBYTECODE the shell sets); "cold" means a new process. Target: `newsearch query` <= 2.0 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

QUERIES = ["대통령 선거 결과", "삼성전자 반도체 투자", "서울 아파트값 상승", "코로나19 백신 접종", "영화 정말 재미있다",
           "북한 미사일 발사", "인공지능 기술 개발"]


def user_env() -> dict:
    """The environment a user's process has: bytecode cached (an installed package's .pyc files are written at
    install; a shell that sets PYTHONDONTWRITEBYTECODE, as this machine's does, would compile every module of
    every process, about 0.3 s)."""
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def time_query(ix: Path, text: str) -> tuple[float, float, int]:
    """(seconds to the first line of output, seconds to exit, exit code), as a user's process."""
    env = user_env()
    t0 = time.perf_counter()
    p = subprocess.Popen(C.newsearch_cmd() + ["query", text, "--index", str(ix)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    first = p.stdout.readline()
    t_first = time.perf_counter() - t0
    p.stdout.read()
    rc = p.wait()
    t_exit = time.perf_counter() - t0
    if not first:
        t_first = float("nan")
    return t_first, t_exit, rc


def time_cmd(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=user_env())
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", default=None, help="an existing index dir")
    ap.add_argument("--size", type=int, default=10_000, help="mixed index size when --index is not given")
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "latency"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    if args.index:
        ix = Path(args.index)
        if not ix.is_dir():
            C.die(f"no index at {ix}")
    else:
        shared = C.shared_dir(args.shared)
        work = Path(args.workdir)
        work.mkdir(parents=True, exist_ok=True)
        ix = C.ensure_index(shared, work, args.size, lambda m: print(m, file=sys.stderr))
    print(C.machine_note(), file=sys.stderr)

    py = sys.executable
    pieces = {"python -c pass": [py, "-c", "pass"],
              "python -c 'import newsearch.cli'": [py, "-c", "import newsearch.cli"],
              "import + load Kiwi (get_kiwi)": [py, "-c", "from newsearch.analysis import Analyzer; Analyzer.for_words().kiwi"],
              "import + Kiwi + first tokenize": [py, "-c", "from newsearch.analysis import Analyzer; Analyzer.for_words().warm_up()"]}
    time_cmd(pieces["python -c 'import newsearch.cli'"])  # warm the OS file cache
    time_query(ix, "워밍업")

    rows = []
    firsts, exits = [], []
    for i in range(args.runs):
        f, e, rc = time_query(ix, QUERIES[i % len(QUERIES)])
        if rc:
            C.die(f"newsearch query exited with {rc}")
        firsts.append(f)
        exits.append(e)
        print(f"query run {i + 1}: first result {f:.2f}s, exit {e:.2f}s", file=sys.stderr)
    med = C.median(firsts)
    rows.append(["newsearch query TEXT: to first result", med, min(firsts), max(firsts), "<= 2.0 s",
                 "met" if med <= 2.0 else "NOT met"])
    rows.append(["newsearch query TEXT: to exit", C.median(exits), min(exits), max(exits), "", ""])

    serve = []
    for i in range(args.runs):
        with C.Server(ix) as srv:
            serve.append(srv.wait_ready(path=C.api_path(QUERIES[i % len(QUERIES)])))
        print(f"serve run {i + 1}: first answer {serve[-1]:.2f}s", file=sys.stderr)
    rows.append(["newsearch serve: to first HTTP 200 (/api/search)", C.median(serve), min(serve), max(serve), "", ""])

    for label, cmd in pieces.items():
        ts = [time_cmd(cmd) for _ in range(args.runs)]
        rows.append([f"  piece: {label}", C.median(ts), min(ts), max(ts), "", ""])

    print()
    print(f"Cold start, index {ix} (median of {args.runs} runs, seconds)")
    print(C.machine_note())
    print(C.table(["what", "median s", "min s", "max s", "target", ""], rows))


if __name__ == "__main__":
    main()
