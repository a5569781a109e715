"""Helpers shared by the benchmark scripts in bench/ (not part of the newsearch package)."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_SHARED = REPO.parent / "shared"


def die(msg: str) -> None:
    """Stop with a one-line error."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] not in ("", "-c", "-") else "bench"
    print(f"{name}: error: {msg}", file=sys.stderr)
    sys.exit(2)


def shared_dir(arg: str | None = None) -> Path:
    """The ../shared folder (or --shared / $NEWSEARCH_SHARED), or a one-line error."""
    p = Path(arg or os.environ.get("NEWSEARCH_SHARED") or DEFAULT_SHARED)
    if not (p / "corpus").is_dir():
        die(f"shared data not found at {p} (expected {p}/corpus/); pass --shared DIR")
    return p


def need(path: Path) -> Path:
    if not path.exists():
        die(f"missing input file {path}")
    return path


def newsearch_cmd() -> list[str]:
    """How to run the CLI: the console script if on PATH, else `python -m newsearch.cli`."""
    exe = shutil.which("newsearch")
    if exe:
        return [exe]
    return [sys.executable, "-c", "import sys; from newsearch.cli import main; sys.exit(main())"]


# -- data --------------------------------------------------------------------------------------


def read_jsonl(path: Path, limit: int | None = None):
    """Rows of a .jsonl or .jsonl.gz file."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        n = 0
        for line in fh:
            if not line.strip():
                continue
            yield json.loads(line)
            n += 1
            if limit is not None and n >= limit:
                return


def write_jsonl(rows, path: Path) -> tuple[int, int, int]:
    """Write rows; returns (docs, characters of title+body, UTF-8 bytes of title+body)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    docs = chars = nbytes = 0
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            t = (r.get("title") or "") + (r.get("body") or "")
            docs += 1
            chars += len(t)
            nbytes += len(t.encode("utf-8"))
    return docs, chars, nbytes


def wikinews_copies(shared: Path, copies: int, limit: int | None = None):
    """Wikinews repeated `copies` times with distinct ids (`ID#r` for r >= 1)."""
    rows = list(read_jsonl(need(shared / "corpus" / "wikinews_ko.jsonl")))
    n = 0
    for r in range(copies):
        for row in rows:
            if limit is not None and n >= limit:
                return
            row = dict(row)
            if r:
                row["id"] = f"{row['id']}#{r}"
            yield row
            n += 1


def reviews(shared: Path, limit: int, offset: int = 0):
    """NSMC reviews (short documents): `limit` rows after skipping `offset`, leaving out the few
    with an empty body (newsearch reports those as failed documents, and the CLI exits 1)."""
    n = 0
    for row in read_jsonl(need(shared / "corpus" / "nsmc_reviews.jsonl.gz")):
        if not (row.get("body") or "").strip():
            continue
        if offset:
            offset -= 1
            continue
        yield row
        n += 1
        if n >= limit:
            return


def text_stats(path: Path) -> tuple[int, int, int]:
    docs = chars = nbytes = 0
    for r in read_jsonl(path):
        t = (r.get("title") or "") + (r.get("body") or "")
        docs += 1
        chars += len(t)
        nbytes += len(t.encode("utf-8"))
    return docs, chars, nbytes


def query_mix(shared: Path, n: int = 1000, seed: int = 7) -> list[str]:
    """`n` queries: half KorQuAD questions, half news headlines (Yonhap and 2017 tweets), shuffled."""
    rng = random.Random(seed)
    korquad = [r["text"] for r in read_jsonl(need(shared / "eval" / "korquad1_dev" / "queries.jsonl"))]
    heads = [r["title"] for name in ("yonhap_headlines.jsonl", "headline_tweets_2017.jsonl")
             for r in read_jsonl(need(shared / "corpus" / name)) if (r.get("title") or "").strip()]
    half = n // 2
    qs = rng.sample(korquad, half) + rng.sample(heads, n - half)
    rng.shuffle(qs)
    return qs


# -- numbers and tables ------------------------------------------------------------------------


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def table(headers: list[str], rows: list[list], title: str | None = None) -> str:
    """A GitHub-style Markdown table (readable in a terminal too)."""
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    if title:
        lines.append(f"\n{title}\n")
    for k, r in enumerate(cells):
        lines.append("| " + " | ".join(c.rjust(w) if k and _numeric(c) else c.ljust(w)
                                          for c, w in zip(r, widths)) + " |")
        if k == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _numeric(s: str) -> bool:
    return bool(s) and (s[0].isdigit() or s[0] in "-.") and s != "-"


def _fmt(c) -> str:
    if isinstance(c, float):
        if c != c:
            return "-"
        if abs(c) >= 1000:
            return f"{c:,.0f}"
        if abs(c) >= 100:
            return f"{c:.0f}"
        if abs(c) >= 10:
            return f"{c:.1f}"
        return f"{c:.2f}"
    if isinstance(c, int):
        return f"{c:,}"
    return str(c)


def machine_note() -> str:
    load = os.getloadavg()
    return (f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"NEWSEARCH_THREADS={os.environ.get('NEWSEARCH_THREADS', '(unset)')}")


# -- processes and the server ------------------------------------------------------------------


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a live process in MB, from /proc/PID/status."""
    cur = peak = float("nan")
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    cur = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return cur, peak


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_into_file_cache(folder: Path) -> int:
    """Read every file of `folder` once, so that a measurement of warm queries starts with the index in the
    OS file cache (this machine's DAMON pages out file pages left idle for about a minute: without this, a
    run's first reads of posting lists go to the disk or not, depending on what ran just before). Bytes read."""
    total = 0
    for p in sorted(Path(folder).iterdir()):
        if p.is_file():
            with open(p, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    total += len(chunk)
    return total


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


class Server:
    """A `newsearch serve` subprocess on a free loopback port."""

    def __init__(self, index_dir: Path, port: int | None = None, threads: int | None = None,
                 log_path: Path | None = None):
        self.port = port or free_port()
        cmd = newsearch_cmd() + ["serve", "--index", str(index_dir), "--host", "127.0.0.1",
                                 "--port", str(self.port)]
        if threads:
            cmd += ["--threads", str(threads)]
        self.log = open(log_path, "wb") if log_path else subprocess.DEVNULL
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout: float = 120.0, path: str = "/api/search?q=%EB%89%B4%EC%8A%A4") -> float:
        """Poll until the first 200 answer; returns seconds since the process was started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                die(f"newsearch serve exited with code {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return time.perf_counter() - self.t0
            except OSError:
                pass
            time.sleep(0.01)
        self.stop()
        die(f"newsearch serve did not answer within {timeout:.0f}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log is not subprocess.DEVNULL:
            self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def api_path(q: str, route: str = "/api/search") -> str:
    return f"{route}?q={urllib.parse.quote(q)}"


class Client:
    """A keep-alive HTTP/1.1 client on one connection (reconnects if the server closes it)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def run_index_cli(sources: list[Path], index_dir: Path, extra_env: dict | None = None) -> tuple[float, float, str]:
    """Run `newsearch index SOURCES --index DIR` as a child; (wall seconds, child's peak RSS MB, summary)."""
    env = dict(os.environ, **(extra_env or {}))
    t0 = time.perf_counter()
    proc = subprocess.Popen(newsearch_cmd() + ["index", *map(str, sources), "--index", str(index_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # Read the pipes before waiting (a full pipe would block the child), then reap with wait4 for
    # this child's own rusage: RUSAGE_CHILDREN would be the maximum over every child so far.
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode not in (0,):
        tail = (err.decode(errors="replace").strip().splitlines() or ["?"])[-1]
        die(f"newsearch index failed (exit {proc.returncode}): {tail}")
    return wall, usage.ru_maxrss / 1024, out.decode().strip()


# -- the mixed search corpus (query latency, cold start, load) ---------------------------------


def mixed_rows(shared: Path, n: int):
    """About `n` documents: Wikinews (x copies), BigKinds leads, then NSMC reviews to fill up."""
    copies = max(1, min(10, n // 10_000))
    rows = list(wikinews_copies(shared, copies))[:n]
    rows += list(read_jsonl(need(shared / "corpus" / "bigkinds_leads.jsonl")))[: max(0, n - len(rows))]
    rest = n - len(rows)
    if rest > 0:
        rows += list(reviews(shared, rest))
    return rows


def ensure_index(shared: Path, workdir: Path, n: int, log=print) -> Path:
    """An index of `n` mixed documents in `workdir/idx-N`, built once (a later run reuses it)."""
    ix = workdir / f"idx-{n}"
    meta = workdir / f"idx-{n}.json"
    if meta.exists() and ix.is_dir():
        return ix
    shutil.rmtree(ix, ignore_errors=True)
    src = workdir / f"docs-{n}.jsonl"
    docs, chars, nbytes = write_jsonl(mixed_rows(shared, n), src)
    log(f"building {ix} from {docs:,} docs ({chars:,} chars) ...")
    wall, peak, summary = run_index_cli([src], ix)
    log(f"  {summary}; {wall:.1f}s wall, peak RSS {peak:.0f} MB")
    meta.write_text(json.dumps({"docs": docs, "chars": chars, "bytes": nbytes, "seconds": wall,
                                "peak_rss_mb": peak, "summary": summary}))
    return ix


def run_wrk(port: int, paths: list[str], seconds: float, connections: int, threads: int,
            paths_file: Path, timeout_s: int = 10) -> dict:
    """Run wrk against 127.0.0.1:port cycling through `paths`; the WRKJSON line as a dict."""
    if not shutil.which("wrk"):
        die("wrk not found (apt-get install wrk)")
    paths_file.parent.mkdir(parents=True, exist_ok=True)
    paths_file.write_text("\n".join(paths) + "\n")
    env = dict(os.environ, WRK_PATHS=str(paths_file))
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", f"--timeout={timeout_s}s",
           "--latency", "-s", str(BENCH_DIR / "wrk_queries.lua"), f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 60)
    line = [l for l in out.stdout.splitlines() if l.startswith("WRKJSON ")]
    if out.returncode or not line:
        die(f"wrk failed: {(out.stderr or out.stdout).strip()[-300:]}")
    res = json.loads(line[-1][len("WRKJSON "):])
    res["text"] = out.stdout
    return res
