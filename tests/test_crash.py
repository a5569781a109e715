"""Crash safety (issue 7): `kill -9` a real `newsearch index` at random points.

Every document carries a version marker (a Latin word) in both its title and its body. After each kill
the index must open and hold exactly the state before the run or the state the run was building (never
a mix, never a document whose title and body disagree), answer queries that agree with its stored
fields, and the next run must not be blocked by a stale lock and must reach the full new state.
The RNG is seeded; the number of trials is bounded so that the module runs in about a minute.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SEED = 20240607
N_DOCS = 1000
MARKERS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
           "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"]
MARKER_RE = re.compile(r"\b(" + "|".join(MARKERS) + r")\b")
WORDS = ("정부 시장 금리 물가 기업 투자 수출 반도체 배터리 자동차 조선 철강 항공 관광 농업 어업 교육 의료 복지 주택 "
         "교통 환경 에너지 통신 금융 증권 보험 유통 식품 건설").split()
FULL_TRIALS = 5
INCREMENTAL_TRIALS = 10
REBUILD_TRIALS = 5

State = dict  # doc id -> marker


def row(doc_id: str, marker: str) -> dict:
    n = int(doc_id[1:])
    w = [WORDS[(n * k + k) % len(WORDS)] for k in (1, 3, 5, 7)]
    return {"id": doc_id, "title": f"{w[0]} {w[1]} 소식 {marker} 판",
            "body": f"{w[2]} 분야의 변화가 이어지고 있다. 이 기사는 {marker} 판본의 {n}번 기사이다. "
                    f"{w[3]} 업계는 새 정책을 주목했다.\n\n둘째 문단도 {marker} 판본을 밝힌다.",
            "date": f"2024-01-{1 + n % 28:02d}", "publisher": "시험일보"}


def write_corpus(path: Path, state: State) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        for doc_id in sorted(state):
            fh.write(json.dumps(row(doc_id, state[doc_id]), ensure_ascii=False) + "\n")
    tmp.replace(path)


def next_state(state: State, rng: random.Random, marker: str) -> State:
    """About a third of the documents change, a few vanish, a few are new."""
    out = dict(state)
    ids = sorted(out)
    for doc_id in rng.sample(ids, len(ids) // 3):
        out[doc_id] = marker
    for doc_id in rng.sample(ids, len(ids) // 20):
        del out[doc_id]
    top = max(int(i[1:]) for i in ids)
    for n in range(top + 1, top + 1 + len(ids) // 20):
        out[f"d{n:05d}"] = marker
    return out


def read_state(index: Path) -> State | None:
    """The index's state, checked for torn documents and against its postings; None if there is none."""
    from newsearch.backends import open_searcher
    from newsearch.backends.whoosh.store import open_index
    from newsearch.errors import StoreError

    try:
        ix = open_index(index)
    except StoreError as e:
        assert "no index" in str(e), e  # never "cannot open": a damaged index
        return None
    try:
        with ix.searcher() as s:
            state: State = {}
            for f in s.all_stored_fields():
                t, b = MARKER_RE.findall(f["title"]), set(MARKER_RE.findall(f["body"]))
                assert len(t) == 1 and b == set(t), ("torn document", f["id"], f["title"], f["body"])
                assert f["id"] not in state, ("duplicate document", f["id"])
                assert f["title"] == row(f["id"], t[0])["title"], f
                state[f["id"]] = t[0]
            assert s.doc_count() == len(state)
    finally:
        ix.close()
    if state:
        with open_searcher(index) as searcher:
            for marker in sorted(set(state.values()))[:3]:
                res = searcher.search(marker, limit=100)
                want = sum(1 for m in state.values() if m == marker)
                assert res.total == want, (marker, res.total, want)
                for hit in res.hits:
                    assert state[hit.id] == marker and marker in hit.title, hit
    return state


def start_index(corpus: Path, index: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "newsearch.cli", "index", str(corpus), "--index", str(index),
                             "--wait", "10", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)


def kill_after(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the run after `delay` seconds; True if it was still running (else it must have succeeded)."""
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return True
    out, err = proc.communicate()
    assert proc.returncode == 0, (proc.returncode, out, err)
    return False


def complete(corpus: Path, index: Path, *extra: str, timeout: float = 120) -> str:
    """Run `newsearch index` to the end; it must not wait on a lock left by the killed run."""
    t0 = time.monotonic()
    proc = start_index(corpus, index, *extra)
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, (out, err)
    assert "locked" not in err.decode() and time.monotonic() - t0 < 60
    return out.decode()


def no_leftovers(index: Path) -> None:
    left = [p.name for p in index.parent.iterdir() if p.name.startswith(index.name + ".")]
    assert left == [], left


@pytest.fixture(scope="module")
def calibration(tmp_path_factory, kiwi):
    """A full build of the first state, timed: kill delays are drawn against its duration."""
    base = tmp_path_factory.mktemp("crash")
    state = {f"d{n:05d}": MARKERS[0] for n in range(N_DOCS)}
    corpus = base / "corpus.jsonl"
    write_corpus(corpus, state)
    index = base / "baseline"
    t0 = time.monotonic()
    out = complete(corpus, index)
    took = time.monotonic() - t0
    assert out.startswith(f"added {N_DOCS}, "), out
    assert read_state(index) == state
    return base, index, state, took


def test_kill_during_full_build(calibration, tmp_path):
    _base, _baseline, state, took = calibration
    rng = random.Random(SEED)
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, state)
    index = tmp_path / "ix"
    killed = 0
    for _trial in range(FULL_TRIALS):
        shutil.rmtree(index, ignore_errors=True)
        killed += kill_after(start_index(corpus, index), rng.uniform(0.3, took * 1.05))
        got = read_state(index)
        assert got in (None, {}, state), "neither no index nor the full new one"
    assert killed >= FULL_TRIALS // 2
    # After the last kill, the next run finishes the job.
    complete(corpus, index)
    assert read_state(index) == state
    no_leftovers(index)


def test_kill_during_incremental_updates(calibration, tmp_path):
    base, baseline, state, took = calibration
    rng = random.Random(SEED + 1)
    index = tmp_path / "ix"
    shutil.copytree(baseline, index)
    corpus = base / "corpus.jsonl"  # the baseline's source: deletions only apply within one source
    current = dict(state)
    killed = changed = 0
    for trial in range(INCREMENTAL_TRIALS):
        target = next_state(current, rng, MARKERS[1 + trial % (len(MARKERS) - 1)])
        write_corpus(corpus, target)
        killed += kill_after(start_index(corpus, index), rng.uniform(0.5, took * 0.75))
        got = read_state(index)
        assert got is not None
        assert got == current or got == target, (
            f"trial {trial}: torn state: {sum(got.get(k) == v for k, v in target.items())} docs new, "
            f"{sum(got.get(k) == v for k, v in current.items())} old, {len(got)} in all")
        changed += got == target
        current = got
    assert killed >= INCREMENTAL_TRIALS // 2
    # The next run completes and reaches the last target.
    complete(corpus, index)
    assert read_state(index) == target
    no_leftovers(index)


def test_kill_during_rebuild_keeps_old_index_served(calibration, tmp_path):
    from newsearch.backends import open_searcher

    base, baseline, state, took = calibration
    rng = random.Random(SEED + 2)
    index = tmp_path / "ix"
    shutil.copytree(baseline, index)
    corpus = base / "corpus.jsonl"  # the baseline's source: deletions only apply within one source
    current = dict(state)
    with open_searcher(index) as live:  # a long-lived reader, like the web server's
        killed = 0
        for trial in range(REBUILD_TRIALS):
            target = next_state(current, rng, MARKERS[-1 - trial])
            write_corpus(corpus, target)
            killed += kill_after(start_index(corpus, index, "--rebuild"), rng.uniform(0.5, took * 1.1))
            got = read_state(index)
            assert got == current or got == target, f"trial {trial}: neither the old nor the rebuilt index"
            # the reader that was open all along still answers, from the old or the new index
            res = live.search(MARKERS[0], limit=5)
            assert res.reason is None and res.total == sum(1 for m in got.values() if m == MARKERS[0])
            current = got
        assert killed >= REBUILD_TRIALS // 2
        complete(corpus, index, "--rebuild")
        assert read_state(index) == target
        assert live.search(MARKERS[-1], limit=5).total == sum(1 for m in target.values() if m == MARKERS[-1])
    no_leftovers(index)  # killed rebuilds' folders are cleaned up by the next rebuild
