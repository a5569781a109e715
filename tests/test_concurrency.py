"""Concurrency (issue 7): a real `newsearch serve` keeps answering while the index is re-indexed, and two
`newsearch index` processes on one index wait for each other (or stop with a clear message) without
corrupting it.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from .test_crash import MARKERS, read_state, write_corpus, next_state

N_DOCS = 300
SEED = 7


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsearch.cli", *args]


def index_proc(corpus: Path, index: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(cli("index", str(corpus), "--index", str(index), *extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"})


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


@pytest.fixture()
def base(tmp_path, kiwi):
    """An index of N_DOCS documents (state S0) and the JSONL source it came from."""
    from newsearch.backends import update

    state = {f"d{n:05d}": MARKERS[0] for n in range(N_DOCS)}
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, state)
    index = tmp_path / "ix"
    stats = update(index, [corpus])
    assert stats.added == N_DOCS and stats.failed == 0
    return corpus, index, state


class Server:
    """`newsearch serve` on a free loopback port, as a subprocess."""

    def __init__(self, index: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(cli("serve", "--index", str(index), "--port", str(self.port), "--threads", "8"),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while True:
            assert self.proc.poll() is None, Path(log).read_text()
            try:
                with urllib.request.urlopen(self.url + "/api/search?q=x", timeout=5) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)

    def get(self, path: str) -> tuple[int, bytes, dict]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class QueryLoad:
    """Threads that query the server until stopped, recording every failure."""

    def __init__(self, server: Server, stable_ids: list[str], threads: int = 3):
        self.server = server
        self.stable_ids = stable_ids
        self.stop_event = threading.Event()
        self.errors: list[str] = []
        self.count = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _one(self, rng: random.Random) -> None:
        kind = rng.random()
        word = rng.choice(MARKERS[:4] + ["정부", "금리", "반도체 수출", "시험일보", '"새 정책"', "정부 -금리"])
        if kind < 0.6:
            path = "/api/search?q=" + quote(word) + rng.choice(["", "&limit=50", "&sort=newest", "&page=2"])
            status, body, _ = self.server.get(path)
            if status != 200:
                raise AssertionError(f"{path}: HTTP {status}")
            data = json.loads(body)
            assert isinstance(data["total"], int) and isinstance(data["hits"], list), path
            for hit in data["hits"]:
                assert hit["id"] and hit["title"], (path, hit)
        elif kind < 0.8:
            path = "/search?q=" + quote(word)
            status, body, _ = self.server.get(path)
            assert status == 200, f"{path}: HTTP {status}"
            assert b"</html>" in body, path
        else:
            path = "/article/" + rng.choice(self.stable_ids) + "?q=" + quote(word)
            status, body, _ = self.server.get(path)
            assert status == 200, f"{path}: HTTP {status}"

    def _run(self, n: int) -> None:
        rng = random.Random(SEED + n)
        while not self.stop_event.is_set():
            try:
                self._one(rng)
            except Exception as e:  # noqa: BLE001 - every failure is collected and reported
                with self.lock:
                    self.errors.append(f"{type(e).__name__}: {e}")
            with self.lock:
                self.count += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=60)


def test_queries_keep_succeeding_during_update_and_rebuild(base, tmp_path):
    corpus, index, state = base
    rng = random.Random(SEED)
    s1 = next_state(state, rng, MARKERS[1])
    s2 = next_state(s1, rng, MARKERS[2])
    stable = sorted(set(state) & set(s1) & set(s2))[:50]
    server = Server(index, tmp_path / "serve.log")
    try:
        with QueryLoad(server, stable) as load:
            time.sleep(0.5)
            before = load.count
            write_corpus(corpus, s1)
            code, out, err = finish(index_proc(corpus, index))
            assert code == 0, err
            write_corpus(corpus, s2)
            code, out, err = finish(index_proc(corpus, index, "--rebuild"))
            assert code == 0, err
            time.sleep(1.0)
        assert load.errors == [], load.errors[:10]
        assert load.count - before > 30, load.count
        # the server now answers from the rebuilt index
        for marker in MARKERS[:3]:
            status, body, _ = server.get("/api/search?q=" + marker + "&limit=1")
            assert status == 200
            assert json.loads(body)["total"] == sum(1 for m in s2.values() if m == marker), marker
    finally:
        server.stop()
    assert read_state(index) == s2


def wait_until_locked(index: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Return once another process holds the index's write lock."""
    from whoosh.filedb.filestore import FileStorage

    from newsearch.backends.whoosh.store import INDEX_NAME

    lock = FileStorage(str(index)).lock(INDEX_NAME + "_WRITELOCK")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if lock.acquire():
            lock.release()
            time.sleep(0.02)
            continue
        return
    raise AssertionError("the indexer never took the lock")


def test_second_indexer_waits_for_the_first(base):
    corpus, index, state = base
    target = next_state(state, random.Random(SEED + 1), MARKERS[1])
    write_corpus(corpus, target)
    procs = [index_proc(corpus, index, "--wait", "120") for _ in range(2)]
    results = [finish(p) for p in procs]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err, (out, err)
    summaries = sorted(out for _c, out, _e in results)
    # one did the work, the other found it done (or both shared it), never both added everything
    assert sum(int(s.split("updated ")[1].split(",")[0]) for s in summaries) == sum(
        1 for k in state if k in target and target[k] != state[k]), summaries
    assert read_state(index) == target


def test_second_indexer_without_enough_wait_stops_with_a_clear_message(base):
    corpus, index, state = base
    target = {k: MARKERS[3] for k in state}  # every document changes: the first run holds the lock a while
    write_corpus(corpus, target)
    first = index_proc(corpus, index)
    wait_until_locked(index, first)
    code, out, err = finish(index_proc(corpus, index, "--wait", "0.5"), timeout=60)
    assert code == 1, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "locked by another" in lines[0] and "Traceback" not in err, err
    code, out, err = finish(first)
    assert code == 0, err
    assert read_state(index) == target


@pytest.mark.parametrize("modes", [("--rebuild", "--rebuild"), (None, "--rebuild")])
def test_rebuild_and_another_indexer_at_once_stay_consistent(base, modes):
    corpus, index, state = base
    target = next_state(state, random.Random(SEED + 2), MARKERS[2])
    write_corpus(corpus, target)
    procs = []
    for mode in modes:
        procs.append(index_proc(corpus, index, "--wait", "120", *([mode] if mode else [])))
        time.sleep(0.3)
    for p in procs:
        code, out, err = finish(p)
        assert "Traceback" not in err, err
        assert code == 0 or (code == 1 and "locked" in err), (code, out, err)
    assert read_state(index) == target
    left = [p.name for p in index.parent.iterdir() if p.name.startswith(index.name + ".")]
    assert left == [], left
