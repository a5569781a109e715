"""Damage never goes unnoticed and never blocks recovery (issue 17).

Each test first reproduces a finding of the hostile run on a real index of the seeds (or of a small
JSONL corpus): damaged table of contents and segments, a segment truncated under a running server,
a full disk during `newsearch index`, two rebuilds of a new index, `index_exists` during swaps,
files left by no-op runs and killed rebuilds. Then it checks the behaviour now asked for: one line
naming the index and the file, `newsearch check [--repair]`, and a folder with nothing left over.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsearch.backends import update
from newsearch.cli import main

from .conftest import SEEDS

N_SEEDS = len(list(SEEDS.glob("*.txt")))


# -- helpers -------------------------------------------------------------------------------------------


@pytest.fixture()
def ix(tmp_path, kiwi) -> Path:
    """A fresh index of the seeds (one segment)."""
    path = tmp_path / "ix"
    stats = update(path, [SEEDS])
    assert stats.added == N_SEEDS and stats.failed == 0
    return path


def write_jsonl(path: Path, ids, word: str = "정부") -> Path:
    path.write_text("".join(json.dumps({"id": i, "title": f"{word} 소식 {i}",
                                        "body": f"{word} 시장 금리 물가 {i}번 기사의 본문이다. 둘째 문장도 있다."},
                                       ensure_ascii=False) + "\n" for i in ids), encoding="utf-8")
    return path


@pytest.fixture()
def two_segments(tmp_path, kiwi):
    """An index of two JSONL sources indexed one after the other: two segments (30 + 20 documents)."""
    a = write_jsonl(tmp_path / "a.jsonl", [f"a{n:03d}" for n in range(30)])
    b = write_jsonl(tmp_path / "b.jsonl", [f"b{n:03d}" for n in range(20)], word="반도체")
    path = tmp_path / "ix2"
    update(path, [a])
    update(path, [b])
    return path, a, b


def toc(index: Path) -> Path:
    return next(index.glob("_MAIN_*.toc"))


def segments(index: Path) -> list[Path]:
    return sorted(index.glob("*.seg"), key=lambda p: p.stat().st_size)


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        data = b""
    elif how == "truncated":
        data = data[:len(data) // 2]
    elif how.startswith("flipped"):  # eight bytes in the middle, or at a fraction given as flipped@F
        mid = int(len(data) * float(how.partition("@")[2] or 0.5))
        data = data[:mid] + bytes(b ^ 0xFF for b in data[mid:mid + 8]) + data[mid + 8:]
    elif how == "deleted":
        path.unlink()
        return
    path.write_bytes(data)


def cli(*args: str):
    r = CliRunner().invoke(main, list(args))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    assert "Traceback" not in r.output and "Aborted!" not in r.output, r.output
    return r


def one_error_line(r, *parts: str) -> str:
    """The run failed with exactly one line on stderr, holding every one of `parts`."""
    assert r.exit_code == 1, r.output
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    for part in parts:
        assert part in lines[0], lines[0]
    return lines[0]


def files_of(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir())


def siblings(index: Path) -> list[str]:
    return sorted(p.name for p in index.parent.iterdir() if p.name.startswith(index.name + "."))


# -- 1. damage is named in one line, and --rebuild always recovers --------------------------------------


@pytest.mark.parametrize("how", ["empty", "truncated", "flipped"])
def test_damaged_toc_is_one_line_for_query_serve_index_and_rebuild_recovers(ix, how):
    name = toc(ix).name
    damage(toc(ix), how)
    want = (f"index at {ix} is damaged: {name}: ", "newsearch check --repair")
    one_error_line(cli("query", "정부", "--index", str(ix)), *want)
    one_error_line(cli("serve", "--index", str(ix), "--port", "0"), *want)
    one_error_line(cli("index", str(SEEDS), "--index", str(ix)), *want)
    r = cli("index", str(SEEDS), "--index", str(ix), "--rebuild")
    assert r.exit_code == 0 and r.stdout.startswith(f"added {N_SEEDS}, "), r.output
    assert "results" in cli("query", "정부", "--index", str(ix)).stdout
    assert siblings(ix) == []


@pytest.mark.parametrize("how,problem", [("truncated", "truncated"), ("deleted", "missing"),
                                         ("flipped", "checksum mismatch")])
def test_damaged_segment_is_named_not_aborted_nor_silent(ix, how, problem):
    seg = segments(ix)[0]
    damage(seg, how)
    want = (f"index at {ix} is damaged: {seg.name}: {problem}",)
    one_error_line(cli("query", "정부", "--index", str(ix)), *want)
    # a flipped id no longer makes every later run report "deleted 2" while the duplicates stay
    one_error_line(cli("index", str(SEEDS), "--index", str(ix)), *want)
    assert cli("index", str(SEEDS), "--index", str(ix), "--rebuild").exit_code == 0
    assert cli("check", "--index", str(ix), str(SEEDS)).exit_code == 0


def test_index_damaged_is_a_store_error_naming_index_and_file(ix):
    from newsearch.backends import open_searcher
    from newsearch.backends.whoosh.store import IndexDamaged
    from newsearch.errors import StoreError

    seg = segments(ix)[0]
    damage(seg, "flipped")
    with pytest.raises(IndexDamaged) as e:
        open_searcher(ix)
    assert isinstance(e.value, StoreError) and "\n" not in str(e.value)
    assert e.value.file == seg.name and e.value.problem == "checksum mismatch"


# -- newsearch check -----------------------------------------------------------------------------------


def test_check_verifies_every_file_and_the_documents(ix):
    r = cli("check", "--index", str(ix), str(SEEDS))
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert f"ok: {segments(ix)[0].name}" in out and f"ok: {toc(ix).name}" in out
    assert f"documents: {N_SEEDS}, every id once" in out
    assert f"sources: {N_SEEDS} documents; 0 missing from the index, 0 extra" in out
    assert out.rstrip().endswith(f"index at {ix}: ok")


def test_check_against_sources_lists_missing_and_extra(tmp_path, kiwi):
    src = write_jsonl(tmp_path / "a.jsonl", [f"a{n}" for n in range(10)])
    index = tmp_path / "ix"
    update(index, [src])
    write_jsonl(src, [f"a{n}" for n in range(2, 13)])  # a0, a1 gone; a10..a12 new
    r = cli("check", "--index", str(index), str(src))
    assert r.exit_code == 1
    assert "3 documents missing from the index: a10, a11, a12" in r.stdout
    assert "2 documents in the index but gone from the sources: a0, a1" in r.stdout


def test_check_repair_with_sources_rebuilds(ix):
    damage(segments(ix)[0], "flipped")
    r = cli("check", "--index", str(ix))
    assert r.exit_code == 1 and "checksum mismatch" in r.stdout
    r = cli("check", "--index", str(ix), str(SEEDS), "--repair")
    assert r.exit_code == 0, r.output
    assert "repair: rebuilt from the sources: added 5" in r.stdout
    assert cli("check", "--index", str(ix)).exit_code == 0
    assert siblings(ix) == []


def test_check_repair_writes_a_damaged_toc_again_from_the_manifest(two_segments):
    index, _a, _b = two_segments
    damage(toc(index), "flipped")
    r = cli("check", "--index", str(index), "--repair")
    assert r.exit_code == 0, r.output
    assert "written again from the manifest" in r.stdout and "nothing lost" in r.stdout
    hits = json.loads(cli("query", "정부", "--index", str(index), "--json", "-n", "100").stdout)
    assert hits["total"] == 30
    assert "documents: 50, every id once" in cli("check", "--index", str(index)).stdout


def test_check_repair_keeps_the_intact_segments_and_index_adds_the_rest_back(two_segments):
    index, a, b = two_segments
    small = segments(index)[0]  # b's 20 documents
    damage(small, "flipped")
    r = cli("check", "--index", str(index), "--repair")
    assert r.exit_code == 1, r.output  # sound again, but documents were lost: say so
    assert f"dropped segment {small.stem} (20 documents)" in r.stdout
    assert "sound again, but 20 documents were dropped" in r.stdout
    assert json.loads(cli("query", "정부", "--index", str(index), "--json").stdout)["total"] == 30
    r = cli("index", str(a), str(b), "--index", str(index))
    assert r.exit_code == 0 and r.stdout.startswith("added 20, updated 0, deleted 0, unchanged 30"), r.output
    assert cli("check", "--index", str(index), str(a), str(b)).exit_code == 0
    assert siblings(index) == []


def test_check_repair_without_sources_says_what_it_cannot_do(ix):
    damage(toc(ix), "empty")
    damage(next(ix.glob("_MAIN_*.sums")), "flipped")
    r = cli("check", "--index", str(ix), "--repair")
    one_error_line(r, "cannot be repaired without its sources", "newsearch index --rebuild")


def test_old_index_without_manifest_opens_and_check_notes_it(ix):
    for p in ix.glob("_MAIN_*.sums"):
        p.unlink()
    assert "results" in cli("query", "정부", "--index", str(ix)).stdout
    r = cli("check", "--index", str(ix))
    assert r.exit_code == 0 and "note: no checksum manifest" in r.stdout, r.output
    r = cli("check", "--index", str(ix), "--repair")
    assert r.exit_code == 0 and "wrote a checksum manifest" in r.stdout, r.output
    assert list(ix.glob("_MAIN_*.sums")) and "note:" not in cli("check", "--index", str(ix)).stdout


def test_a_merge_never_blesses_a_damaged_segment(tmp_path, kiwi, monkeypatch):
    """Past VERIFY_ON_OPEN_BYTES an open checks sizes only; a commit that merges a damaged segment must
    not copy the damage into a new segment with a fresh checksum, nor re-checksum it."""
    from newsearch.backends.whoosh import merging, store
    from newsearch.errors import StoreError

    index = tmp_path / "ix"
    srcs = [write_jsonl(tmp_path / f"s{k}.jsonl", [f"s{k}-{n}" for n in range(3)])
            for k in range(merging.PER_TIER)]
    for src in srcs:
        update(index, [src])  # a full tier of small segments: the next commit merges them (merging.py)
    monkeypatch.setattr(store, "VERIFY_ON_OPEN_BYTES", 0)
    victim = segments(index)[0]
    damage(victim, "flipped@0.25")  # in the postings: read by the merge, not by opening the index
    more = write_jsonl(tmp_path / "more.jsonl", ["m1"])
    with pytest.raises(StoreError, match=f"is damaged: {victim.name}: checksum mismatch"):
        update(index, [more])  # the tiered policy merges the small segments into the new one
    r = cli("check", "--index", str(index))
    assert r.exit_code == 1 and f"problem: {victim.name}: checksum mismatch" in r.stdout, r.output
    assert not list(index.glob("MAIN.tmp")) and siblings(index) == []


# -- the server survives a segment truncated under it ---------------------------------------------------


def test_server_survives_a_segment_truncated_under_it(ix, tmp_path):
    from .test_concurrency import Server

    server = Server(ix, tmp_path / "serve.log")
    try:
        status, body, _ = server.get("/api/search?q=%EC%A0%95%EB%B6%80")
        assert status == 200 and json.loads(body)["hits"]
        seg = segments(ix)[0]
        os.truncate(seg, seg.stat().st_size // 3)  # in place, under the open reader
        for path in ("/api/search?q=%EC%A0%95%EB%B6%80", "/api/search?q=%EB%AC%BC%EA%B0%80",
                     "/search?q=%EC%A0%95%EB%B6%80", "/article/000_7982a9e012f08afc.txt", "/"):
            status, body, _ = server.get(path)
            assert server.proc.poll() is None, (path, (tmp_path / "serve.log").read_text())
            if path.startswith("/api/"):
                assert status in (200, 500, 503) and b"Traceback" not in body
                if status == 200:  # the store's error became the result's reason
                    assert json.loads(body)["hits"] == [] and json.loads(body).get("reason"), body
        log = (tmp_path / "serve.log").read_text()
        assert f"is damaged: {seg.name}: truncated" in log, log
        # repaired (here: rebuilt) without a restart: the next request reads the new generation
        assert cli("index", str(SEEDS), "--index", str(ix), "--rebuild").exit_code == 0
        status, body, _ = server.get("/api/search?q=%EC%A0%95%EB%B6%80")
        assert status == 200 and json.loads(body)["hits"], body
        assert server.proc.poll() is None
    finally:
        server.stop()


# -- 2. a full disk --------------------------------------------------------------------------------------


@pytest.fixture()
def small_disk(tmp_path):
    """A 4 MB tmpfs (root only; skipped when it cannot be mounted)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {r.stderr.strip() or r.returncode}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsearch.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=300)


@pytest.mark.parametrize("mode", [[], ["--rebuild"]])
def test_full_disk_is_one_line_and_leaves_nothing_behind(small_disk, tmp_path, kiwi, mode):
    index = small_disk / "ix"
    update(index, [SEEDS])
    before = files_of(index)
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * max(0, free - 120_000))
    big = tmp_path / "big.jsonl"
    body = " ".join(f"정부{n} 시장{n} 금리{n} 물가{n} 기업{n} 투자{n}" for n in range(60))
    big.write_text("".join(json.dumps({"id": f"x{n}", "title": f"제목 {n}", "body": f"{body} {n}"},
                                      ensure_ascii=False) + "\n" for n in range(300)), encoding="utf-8")
    r = run_cli("index", str(big), "--index", str(index), *mode)
    assert r.returncode == 1, (r.stdout, r.stderr)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert lines == [f"Error: no space left on device while writing {index}"], r.stderr
    assert files_of(index) == before  # no partial segment, no temp folder
    assert siblings(index) == []  # no rebuild folder
    assert "results" in cli("query", "정부", "--index", str(index)).stdout  # the old index is intact
    assert cli("check", "--index", str(index), str(SEEDS)).exit_code == 0


# -- 3. locks, swaps, leftovers ----------------------------------------------------------------------------


def test_a_rebuild_of_a_new_index_holds_a_lock(tmp_path, kiwi):
    from .test_concurrency import finish, index_proc, wait_until_locked
    from .test_crash import write_corpus

    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, {f"d{n:05d}": "alpha" for n in range(600)})
    index = tmp_path / "new"
    first = index_proc(corpus, index, "--rebuild")
    deadline = time.monotonic() + 60
    while not index.is_dir() and time.monotonic() < deadline:  # the rebuild makes the folder to lock it
        assert first.poll() is None, first.communicate()
        time.sleep(0.02)
    wait_until_locked(index, first)
    code, out, err = finish(index_proc(corpus, index, "--rebuild", "--wait", "0.5"), timeout=120)
    assert code == 1 and "locked by another" in err and "Traceback" not in err, (out, err)
    code, out, err = finish(first)
    assert code == 0 and out.startswith("added 600, "), err
    assert siblings(index) == []


def test_two_rebuilds_of_a_new_index_take_turns(tmp_path, kiwi):
    from .test_concurrency import finish, index_proc
    from .test_crash import read_state, write_corpus

    corpus = tmp_path / "corpus.jsonl"
    state = {f"d{n:05d}": "alpha" for n in range(200)}
    write_corpus(corpus, state)
    index = tmp_path / "new"
    procs = [index_proc(corpus, index, "--rebuild", "--wait", "120") for _ in range(2)]
    for code, out, err in (finish(p) for p in procs):
        assert code == 0 and out.startswith("added 200, ") and "Traceback" not in err, (out, err)
    assert read_state(index) == state
    assert siblings(index) == []


CHECKER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from newsearch.backends.whoosh.store import index_exists
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    calls = misses = 0
    while not stop.exists():
        try:
            ok = index_exists(path)
        except Exception as e:
            ok = False
            print("raised", type(e).__name__, e, flush=True)
        calls += 1
        misses += not ok
    print(calls, misses, flush=True)
""")


def test_index_exists_never_misses_during_swaps(ix, tmp_path):
    stop = tmp_path / "stop"
    checker = subprocess.Popen([sys.executable, "-c", CHECKER, str(ix), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        for _ in range(6):
            assert update(ix, [SEEDS], rebuild=True).added == N_SEEDS
    finally:
        stop.touch()
        out, _ = checker.communicate(timeout=60)
    calls, misses = map(int, out.split()[-2:])
    assert "raised" not in out and misses == 0 and calls > 1000, out


def test_a_no_op_run_leaves_no_files(ix):
    before = files_of(ix)
    for _ in range(3):
        assert update(ix, [SEEDS]).unchanged == N_SEEDS
    assert files_of(ix) == before


def test_any_write_removes_rebuild_folders_of_dead_processes(ix):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = ix.with_name(f"{ix.name}.rebuild-{int(dead.stdout)}")
    shutil.copytree(ix, left)
    update(ix, [SEEDS])  # a no-op update, not a rebuild
    assert siblings(ix) == []


def test_a_failed_update_leaves_no_partial_files(ix, monkeypatch):
    from newsearch.backends.whoosh import writer as whoosh_writer

    before = files_of(ix)
    calls = []

    def fail_on_commit(self, words, changed):
        calls.append(1)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(whoosh_writer.WhooshWriter, "commit", fail_on_commit)
    extra = write_jsonl(ix.parent / "extra.jsonl", ["e1", "e2"])
    with pytest.raises(OSError):
        update(ix, [extra])
    assert calls and files_of(ix) == before


def test_a_failed_first_index_leaves_the_folder_as_it_was(tmp_path, kiwi, monkeypatch):
    from newsearch.backends.whoosh import writer as whoosh_writer

    def fail_on_commit(self, words, changed):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(whoosh_writer.WhooshWriter, "commit", fail_on_commit)
    src = write_jsonl(tmp_path / "a.jsonl", ["a1", "a2"])
    with pytest.raises(OSError):
        update(tmp_path / "new", [src])
    assert not (tmp_path / "new").exists()
    mine = tmp_path / "mine"  # a folder that is not an index keeps what it held
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(OSError):
        update(mine, [src])
    assert files_of(mine) == ["notes.txt"]
