"""Sources (issue 17): no file silently skipped, no way to break the run.

Every test builds real files in tmp_path and a real Whoosh index through `newsearch.backends.update`:
JSONL files inside folders, files of other types (reported as skipped), symlinks out of the folder,
loops and repeats, oversized JSONL rows and texts, file names that try to forge output lines, and a
dictionary change applied by a run that names only one of the index's sources.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsearch.backends import open_searcher, open_writer, update
from newsearch.cli import main
from newsearch.ingest import Problem
from newsearch.ingest import sources
from newsearch.ingest import update as run_update

SUMMARY = re.compile(r"^added (\d+), updated (\d+), deleted (\d+), unchanged (\d+), failed (\d+)"
                     r"(?:, skipped (\d+))? in [\d.]+s$")


def dump(word: str) -> str:
    """A plain-text news dump about `word`: headline, blank line, paragraphs."""
    return (f"{word} 시장 동향 점검 보도\n\n{word} 관련 소식이 전해지면서 업계의 관심이 크게 높아지고 있다. "
            f"전문가들은 {word} 흐름이 당분간 이어질 것으로 내다봤다.\n\n정부는 {word} 문제를 면밀히 살펴보겠다고 "
            "밝혔다. 관계 부처는 다음 달까지 세부 대책을 마련할 계획이다.\n")


def page(word: str) -> str:
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{word} 소식</title></head><body>"
            f"<article><h1>{word} 소식</h1><p>{word} 관련 소식이 전해지면서 업계의 관심이 크게 높아지고 있다.</p>"
            f"<p>정부는 {word} 문제를 면밀히 살펴보겠다고 밝혔다.</p></article></body></html>")


def row(doc_id, word: str, **extra) -> str:
    rec = {"id": doc_id, "title": f"{word} 소식", "body": f"{word} 관련 소식이 전해지면서 관심이 높아지고 있다.", **extra}
    return json.dumps(rec, ensure_ascii=False) + "\n"


def build(ix: Path, *srcs: Path, **kw):
    """One run of the library's update; returns (stats, problems as reported)."""
    problems: list[Problem] = []
    stats = update(ix, list(srcs), name="whoosh", user_dict=kw.pop("user_dict", None),
                   on_problem=problems.append, **kw)
    assert stats.problems == problems
    return stats, problems


def build_following_links(ix: Path, *srcs: Path):
    """The same with `follow_links=True` (the library's keyword; the CLI flag is the lead's)."""
    writer = open_writer(ix, "whoosh")
    try:
        return run_update(writer, list(srcs), follow_links=True)
    finally:
        getattr(writer, "close", lambda: None)()


def hits(ix: Path, text: str) -> list[str]:
    with open_searcher(ix, "whoosh") as s:
        return sorted(h.id for h in s.search(text, limit=50).hits)


def _all_ids(ix: Path) -> list[str]:
    from newsearch.backends.whoosh.store import open_index

    index = open_index(ix)
    try:
        with index.searcher() as s:
            return [f["id"] for f in s.all_stored_fields()]
    finally:
        index.close()


def by_where(problems: list[Problem]) -> dict[str, Problem]:
    out = {p.where: p for p in problems}
    assert len(out) == len(problems), [str(p) for p in problems]
    return out


# -- 1. JSONL files inside folders; files of other types are reported as skipped --------------------


def test_jsonl_in_a_folder_is_indexed_and_other_types_are_reported_as_skipped(tmp_path, kiwi):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(dump("해상풍력"), encoding="utf-8")
    (src / "b.html").write_text(page("반도체"), encoding="utf-8")
    (src / "feed.jsonl").write_text(row("r1", "누리호") + row(2, "조선업"), encoding="utf-8")
    with gzip.open(src / "sub" / "old.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(row("r1", "자율주행"))  # the same row id in another file: a different document
    (src / "sub" / "wire.ndjson").write_text(row("w/1", "수산물"), encoding="utf-8")
    (src / "report.pdf").write_bytes(b"%PDF-1.4 binary")
    (src / "sub" / "README").write_text("not news", encoding="utf-8")
    (src / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden: ignored without a word
    (src / ".git").mkdir()
    (src / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    ix = tmp_path / "ix"

    stats, problems = build(ix, src)
    want = {"a.txt", "b.html", "feed.jsonl#r1", "feed.jsonl#2", "sub/old.jsonl.gz#r1", "sub/wire.ndjson#w/1"}
    assert set(_all_ids(ix)) == want
    assert (stats.added, stats.failed, stats.skipped) == (6, 0, 2), [str(p) for p in problems]
    skipped = by_where(problems)
    assert set(skipped) == {str(src / "report.pdf"), str(src / "sub" / "README")}
    for where, p in skipped.items():
        assert p.skipped and str(p) == f"{where}: not a .txt/.html/.jsonl file"
        assert p.line() == f"skipped: {where}: not a .txt/.html/.jsonl file"
    assert SUMMARY.match(stats.summary()) and ", failed 0, skipped 2 in " in stats.summary()
    assert hits(ix, "누리호") == ["feed.jsonl#r1"] and hits(ix, "자율주행") == ["sub/old.jsonl.gz#r1"]

    # Unchanged on the next run, the skipped files reported again; a row gone from the feed is deleted.
    stats, problems = build(ix, src)
    assert (stats.added, stats.unchanged, stats.failed, stats.skipped) == (0, 6, 0, 2)
    (src / "feed.jsonl").write_text(row("r1", "누리호"), encoding="utf-8")
    stats, _ = build(ix, src)
    assert (stats.added, stats.deleted, stats.unchanged) == (0, 1, 5)
    assert "feed.jsonl#2" not in _all_ids(ix)


def test_skipped_files_do_not_fail_the_command(tmp_path, kiwi):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(dump("해상풍력"), encoding="utf-8")
    (src / "feed.jsonl").write_text(row("r1", "누리호") + row("r2", "조선업"), encoding="utf-8")
    (src / "scan.pdf").write_bytes(b"%PDF-1.4")
    r = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "ix")])
    assert r.exit_code == 0, r.output
    m = SUMMARY.match(r.stdout.strip())
    assert m and m.groups() == ("3", "0", "0", "0", "0", "1"), r.stdout
    assert "scan.pdf: not a .txt/.html/.jsonl file" in r.stderr
    # Without skipped files the summary line is exactly what it was.
    (src / "scan.pdf").unlink()
    r = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "ix")])
    assert r.exit_code == 0 and r.stdout.startswith("added 0, updated 0, deleted 0, unchanged 3, failed 0 in ")


def test_a_fifo_named_jsonl_in_a_folder_is_not_opened(tmp_path, kiwi):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(dump("해상풍력"), encoding="utf-8")
    os.mkfifo(src / "feed.jsonl")  # opening it would block for ever
    stats, problems = build(tmp_path / "ix", src)
    assert stats.added == 1 and [str(p) for p in problems] == [f"{src / 'feed.jsonl'}: not a regular file"]


# -- 2. symlinks stay inside the source folder; loops and repeats told apart --------------------------


@pytest.fixture()
def linked(tmp_path):
    """src/ with links out of it (a file, a folder, /etc), a loop, a repeat and a link to a hidden folder."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(dump("기밀문서"), encoding="utf-8")
    (outside / "more.txt").write_text(dump("외부자료"), encoding="utf-8")
    src = tmp_path / "src"
    (src / "real" / "deep").mkdir(parents=True)
    (src / ".v2").mkdir()
    (src / "a.txt").write_text(dump("해상풍력"), encoding="utf-8")
    (src / "real" / "x.txt").write_text(dump("반도체"), encoding="utf-8")
    (src / "real" / "deep" / "y.txt").write_text(dump("조선업"), encoding="utf-8")
    (src / ".v2" / "z.txt").write_text(dump("수산물"), encoding="utf-8")
    os.symlink(outside / "secret.txt", src / "leak.txt")
    os.symlink("../outside", src / "outdir")
    os.symlink("/etc", src / "etc")
    os.symlink("real", src / "again")  # the same folder by a second path (sorted before "real")
    os.symlink("../..", src / "real" / "deep" / "up")  # a link to an ancestor: a loop
    os.symlink(".v2", src / "current")  # inside, to a hidden folder: followed
    os.symlink("real/x.txt", src / "latest.txt")  # inside, to a file: indexed under its own name
    return src, outside


def test_links_out_of_the_source_folder_are_skipped_not_followed(linked, tmp_path, kiwi):
    src, _ = linked
    ix = tmp_path / "ix"
    t0 = time.monotonic()
    stats, problems = build(ix, src)
    assert time.monotonic() - t0 < 60  # /etc is not walked
    assert set(_all_ids(ix)) == {"a.txt", "real/x.txt", "real/deep/y.txt", "current/z.txt", "latest.txt"}
    assert hits(ix, "기밀문서") == [] and hits(ix, "외부자료") == []
    got = by_where(problems)
    for name in ("leak.txt", "outdir", "etc"):
        p = got[str(src / name)]
        assert p.skipped and "outside the source folder" in p.reason and "not followed" in p.reason, str(p)
    assert str(Path("/etc")) in got[str(src / "etc")].reason


def test_a_link_to_an_ancestor_is_a_loop_and_a_second_path_a_repeat(linked, tmp_path, kiwi):
    src, _ = linked
    stats, problems = build(tmp_path / "ix", src)
    got = by_where(problems)
    repeat = got[str(src / "again")]
    assert repeat.skipped and repeat.reason == f"already indexed via {src / 'real'}"
    loop = got[str(src / "real" / "deep" / "up")]
    assert not loop.skipped and "symlink loop" in loop.reason
    assert (stats.added, stats.failed, stats.skipped) == (5, 1, 4), [str(p) for p in problems]
    assert not any(i.startswith("again/") for i in _all_ids(tmp_path / "ix"))


def test_follow_links_reaches_outside_and_still_stops_at_loops(linked, tmp_path, kiwi):
    src, outside = linked
    os.unlink(src / "etc")
    os.symlink("../outside", src / "outdir2")  # the same outside folder twice: indexed once
    ix = tmp_path / "ix"
    stats = build_following_links(ix, src)
    ids = set(_all_ids(ix))
    assert {"leak.txt", "outdir/secret.txt", "outdir/more.txt"} <= ids and not any(i.startswith("outdir2/") for i in ids)
    assert hits(ix, "외부자료") == ["outdir/more.txt"]
    got = by_where(stats.problems)
    assert got[str(src / "outdir2")].reason == f"already indexed via {src / 'outdir'}"
    assert "symlink loop" in got[str(src / "real" / "deep" / "up")].reason
    assert (stats.failed, stats.skipped) == (1, 2)


# -- 3. rows and texts are bounded ------------------------------------------------------------------


def test_an_oversized_row_is_reported_without_reading_it_whole(tmp_path, kiwi, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ROW_BYTES", 2**20, raising=False)
    src = tmp_path / "news.jsonl"
    ix = tmp_path / "ix"
    src.write_text(row("a", "해상풍력") + row("big", "반도체") + row("c", "조선업"), encoding="utf-8")
    assert build(ix, src)[0].added == 3
    # The row "big" grows to 12 MiB: reported with its line and size, its indexed version kept.
    huge = json.dumps({"id": "big", "title": "반도체", "body": "가" * (4 * 2**20)}, ensure_ascii=False) + "\n"
    anon = json.dumps({"body": "나" * (4 * 2**20), "id": "anon"}, ensure_ascii=False) + "\n"
    src.write_text(row("a", "해상풍력") + huge + "\n" + anon + row("c", "조선업") + row("d", "자율주행"),
                   encoding="utf-8")
    tracemalloc.start()
    try:
        stats, problems = build(ix, src)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [str(p) for p in problems] == [f"{src}:2: row too large (12.0 MiB; limit 1 MiB)",
                                          f"{src}:4: row too large (12.0 MiB; limit 1 MiB)"]
    assert (stats.added, stats.unchanged, stats.deleted, stats.failed) == (1, 2, 0, 2)
    assert peak < 8 * 2**20, peak  # never a whole 12 MiB line in memory
    assert hits(ix, "반도체") == ["big"]  # its id comes first in the row: the old version stays


def test_an_oversized_row_in_a_gzip_file_is_bounded_too(tmp_path, kiwi, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ROW_BYTES", 2**20, raising=False)
    src = tmp_path / "news.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write(row("a", "해상풍력") + json.dumps({"id": "b", "body": "x" * 3 * 2**20}) + "\n" + row("c", "조선업"))
    stats, problems = build(tmp_path / "ix", src)
    assert stats.added == 2 and [str(p) for p in problems] == [f"{src}:2: row too large (3.0 MiB; limit 1 MiB)"]


def test_a_text_too_long_for_kiwi_is_reported_and_the_run_goes_on(tmp_path, kiwi):
    limit = sources.MAX_TEXT_CHARS
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(dump("해상풍력"), encoding="utf-8")
    (src / "one_syllable.txt").write_text("제목\n\n" + "가" * (3 * limit) + "다.\n", encoding="utf-8")  # Kiwi: ~40 s
    (src / "feed.jsonl").write_text(
        row("ok", "조선업") + json.dumps({"id": "long", "title": "제목", "body": "다" * limit}) + "\n", encoding="utf-8")
    t0 = time.monotonic()
    stats, problems = build(tmp_path / "ix", src)
    assert time.monotonic() - t0 < 30
    assert sorted(str(p) for p in problems) == [
        f"{src / 'feed.jsonl'}:2: text too long ({limit + 2:,} characters; limit {limit:,})",
        f"{src / 'one_syllable.txt'}: text too long ({3 * limit + 2:,} characters; limit {limit:,})"]
    assert stats.added == 2 and stats.failed == 2


# -- 4. names cannot forge output lines --------------------------------------------------------------


FORGED = "added 99, updated 0, deleted 0, unchanged 0, failed 0 in 0.1s"


def test_file_names_cannot_forge_summary_or_error_lines(tmp_path, kiwi):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(dump("해상풍력"), encoding="utf-8")
    evil = f"x\n{FORGED}\nerror: all good\r\x1b[2K.txt"
    (src / evil).write_bytes(b"")  # empty: reported, naming the file
    (src / f"y\n{FORGED}.pdf").write_bytes(b"%PDF")  # skipped, naming the file
    (src / "z\u2028\x85.jsonl").write_text("{broken\n", encoding="utf-8")  # a row error: PATH:LINE
    r = CliRunner().invoke(main, ["index", str(src), "--index", str(tmp_path / "ix")])
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [r.stdout.strip()] and SUMMARY.match(r.stdout.strip()), r.stdout
    assert r.stdout.startswith("added 1, updated 0, deleted 0, unchanged 0, failed 2, skipped 1 in ")
    lines = r.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith(("error: ", "skipped: ")) for line in lines), lines
    assert not any(FORGED == line or line == "error: all good" for line in lines)
    assert any(f"x\\n{FORGED}\\nerror: all good\\r\\x1b[2K.txt: empty" in line for line in lines), lines
    assert any("z\\u2028\\x85.jsonl:1: invalid JSON" in line for line in lines), lines
    # The ids keep the real names: the file is found under its own name.
    assert "a.txt" in _all_ids(tmp_path / "ix")


def test_problem_text_escapes_control_characters():
    p = Problem("dir/a\nb\tc.txt", "already indexed via dir/\x1b[31mred\r")
    assert str(p) == "dir/a\\nb\\tc.txt: already indexed via dir/\\x1b[31mred\\r"
    assert "\n" not in p.line() and p.where == "dir/a\nb\tc.txt"  # the raw path stays for programs
    assert str(Problem("기사/서울.txt", "empty")) == "기사/서울.txt: empty"  # Korean stays readable
    assert str(Problem("a\udcff.txt", "x")) == "a\\udcff.txt: x"  # undecodable bytes of a name


# -- 5. a dictionary change reaches the documents of sources a run does not name --------------------


def test_a_dictionary_change_reanalyses_matching_documents_of_other_sources(tmp_path, kiwi):
    word = "볼빨간사춘기"  # Kiwi alone splits it (볼, 사춘기); with the dictionary it is one term
    a, b, c = tmp_path / "a", tmp_path / "b.jsonl", tmp_path / "gone.jsonl"
    a.mkdir()
    (a / "concert.txt").write_text(dump(word), encoding="utf-8")
    (a / "other.txt").write_text(dump("해상풍력"), encoding="utf-8")
    b.write_text(row("b1", word) + row("b2", "반도체"), encoding="utf-8")
    c.write_text(row("c1", word), encoding="utf-8")
    ix = tmp_path / "ix"
    assert build(ix, a, b, c)[0].added == 5
    c.unlink()  # a source that cannot be read any more: its documents cannot be re-checked
    words = tmp_path / "user_dict.txt"
    words.write_text(f"{word}\tNNP\n", encoding="utf-8")

    stats, problems = build(ix, a, user_dict=words)  # names only a/
    assert problems == [] and stats.failed == 0
    assert (stats.added, stats.updated, stats.unchanged, stats.deleted) == (0, 2, 1, 0), stats.summary()
    assert any("also in 2 sources not named" in n for n in stats.notes), stats.notes
    assert any(str(c) in n and "not re-analysed" in n for n in stats.notes), stats.notes
    assert hits(ix, word) == ["b1", "concert.txt"]  # b1 too, though b.jsonl was not named

    # The next run over b.jsonl has nothing left to do; the dictionary is the kept one now.
    stats, _ = build(ix, b, user_dict=words)
    assert (stats.added, stats.updated, stats.unchanged) == (0, 0, 2) and stats.notes == []


def test_a_no_op_run_parses_no_unchanged_row(tmp_path, kiwi, monkeypatch):
    # Rows the index holds with the same digest are read by their leading id alone; a changed row, a
    # new one, one whose id does not lead, and a bad row are parsed (and reported) as before.
    rows = [{"id": f"r{i}", "title": f"제목 {i}", "body": dump("해상풍력")} for i in range(5)]
    src = tmp_path / "feed"
    src.mkdir()
    feed = src / "rows.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    ix = tmp_path / "ix"
    assert update(ix, [src]).added == 5
    parsed: list[bytes] = []
    real = sources.json.loads

    def counting(s, *a, **kw):
        if isinstance(s, bytes) and b'"body"' in s:  # a whole row (json is shared: the index reads it too)
            parsed.append(s)
        return real(s, *a, **kw)

    monkeypatch.setattr(sources.json, "loads", counting)
    stats = update(ix, [src])
    assert (stats.unchanged, stats.added, stats.updated, stats.failed) == (5, 0, 0, 0) and parsed == []
    rows[1]["body"] = dump("수소경제")
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.append(json.dumps({"title": "아이디 뒤", "body": dump("탄소중립"), "id": "late"}, ensure_ascii=False))
    lines.append('{"id": "r9", "title": "잘린 줄", "body": ' + "\"" + "가" * 80)
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors: list[str] = []
    stats = update(ix, [src], on_problem=lambda p: errors.append(p.line()))
    assert (stats.unchanged, stats.updated, stats.added, stats.failed) == (4, 1, 1, 1)
    assert len(parsed) == 3 and errors == [f"error: {feed}:7: invalid JSON (Invalid control character at)"]
    with open_searcher(ix) as s:
        assert [h.id for h in s.search("수소경제").hits] == [f"rows.jsonl{sources.ROW_SEPARATOR}r1"]
        assert [h.id for h in s.search("탄소중립").hits] == [f"rows.jsonl{sources.ROW_SEPARATOR}late"]
