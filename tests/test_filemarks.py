"""An unchanged JSONL file is not read again (ingest/filemarks.py), and never at the cost of an article.

Real JSONL files in tmp_path, real indexes (Whoosh; the Sphinx cases on the two-node test cluster)
through `newsearch.backends.update`. Whether a file was read is seen by counting the calls of the
row reader (`sources._jsonl_docs`); every other part runs as in `newsearch index`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from newsearch.backends import open_searcher, open_writer, update
from newsearch.ingest import Problem, filemarks, pipeline, sources


def rows(prefix: str, n: int, word: str = "해상풍력") -> str:
    return "".join(json.dumps({"id": f"{prefix}{i}", "title": f"{word} 소식 {i}",
                               "body": f"{word} 관련 소식 {i}번째가 전해지면서 업계의 관심이 높아지고 있다."},
                              ensure_ascii=False) + "\n" for i in range(n))


@pytest.fixture()
def settled(monkeypatch):
    """Files written by the test count as settled at once (the rule itself: test_a_file_just_written_...)."""
    monkeypatch.setattr(filemarks, "SETTLED_NS", 0)


@pytest.fixture()
def reads(monkeypatch):
    """The JSONL files read row by row since the fixture was made (names)."""
    seen: list[str] = []
    real = sources._jsonl_docs

    def counting(path, *args, **kw):
        seen.append(Path(path).name)
        return real(path, *args, **kw)

    monkeypatch.setattr(sources, "_jsonl_docs", counting)
    return seen


def run(ix: Path, *srcs: Path, name: str = "whoosh", **kw):
    problems: list[Problem] = []
    stats = update(ix, list(srcs), name=name, user_dict=kw.pop("user_dict", None), on_problem=problems.append, **kw)
    return stats, [str(p) for p in problems]


def counts(stats) -> tuple[int, int, int, int]:
    return stats.added, stats.updated, stats.deleted, stats.unchanged


def ids(ix: Path, text: str, name: str = "whoosh") -> set[str]:
    with open_searcher(ix, name) as s:
        return {h.id for h in s.search(text, limit=200, suggest=False).hits}


def test_an_unchanged_file_is_not_read_and_its_problems_are_reported_again(tmp_path, kiwi, settled, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 20) + "not json\n" + rows("r", 1), encoding="utf-8")  # a bad row, a duplicate id
    ix = tmp_path / "ix"
    first, first_problems = run(ix, src)
    assert counts(first) == (20, 0, 0, 0) and first.failed == 2
    assert reads == ["news.jsonl"] and (ix / filemarks.FILE_NAME).is_file()

    again, problems = run(ix, src)
    assert reads == ["news.jsonl"]  # not read the second time
    assert counts(again) == (0, 0, 0, 20) and again.scanned == 20
    assert problems == first_problems == [f"{src}:21: invalid JSON (Expecting value)",
                                          f"{src}:22: duplicate id 'r0' (first at line 1), skipped"]
    assert again.failed == 2 and len(ids(ix, "해상풍력")) == 20


def test_a_changed_file_is_read(tmp_path, kiwi, settled, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 5), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, src)
    with src.open("a", encoding="utf-8") as fh:
        fh.write(rows("new", 1, "반도체"))
    stats, _ = run(ix, src)
    assert counts(stats) == (1, 0, 0, 5) and reads == ["news.jsonl", "news.jsonl"]
    assert ids(ix, "반도체") == {"new0"}


def test_an_edit_of_the_same_size_with_its_old_times_put_back_is_read(tmp_path, kiwi, settled, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 3), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, src)
    st = src.stat()
    text = src.read_text(encoding="utf-8")
    src.write_text(text.replace("해상풍력 소식 1", "반도체칩 소식 1"), encoding="utf-8")  # same byte length
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))  # what a copy keeping times does; the change time moves
    assert src.stat().st_size == st.st_size and src.stat().st_mtime_ns == st.st_mtime_ns
    stats, _ = run(ix, src)
    assert counts(stats) == (0, 1, 0, 2) and len(reads) == 2


def test_a_document_the_store_lost_makes_the_file_read_and_comes_back(tmp_path, kiwi, settled, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 4), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, src)
    writer = open_writer(ix, "whoosh")  # what a restored backup or a repair can leave: one article short
    writer.delete("r2")
    writer.commit((), True)
    assert "r2" not in ids(ix, "해상풍력")

    stats, _ = run(ix, src)
    assert counts(stats) == (1, 0, 0, 3) and len(reads) == 2
    assert ids(ix, "해상풍력") == {"r0", "r1", "r2", "r3"}


def test_a_row_that_failed_to_index_is_tried_and_reported_again(tmp_path, kiwi, settled, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 2) + json.dumps({"id": "empty", "title": "", "body": ""}) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    first, first_problems = run(ix, src)
    assert first.added == 2 and first.failed == 1 and first_problems
    again, problems = run(ix, src)
    assert problems == first_problems and len(reads) == 2  # the store lacks what the read gave: read again


def test_a_file_just_written_is_marked_only_once_it_has_settled(tmp_path, kiwi, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 2), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, src)  # changed a moment ago: a write in the same clock tick would not show in its times
    run(ix, src)
    assert len(reads) == 2
    os.utime(src, ns=(time.time_ns() - 10**10, time.time_ns() - 10**10))  # its change time stays recent
    run(ix, src)
    assert len(reads) == 3


def test_a_new_analysis_fingerprint_reads_and_re_analyses_every_file(tmp_path, kiwi, settled, reads, monkeypatch):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 3), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, src)
    monkeypatch.setattr(pipeline, "SCHEMA_VERSION", pipeline.SCHEMA_VERSION + "-next")
    stats, _ = run(ix, src)
    assert counts(stats) == (0, 3, 0, 0) and len(reads) == 2
    stats, _ = run(ix, src)
    assert counts(stats) == (0, 0, 0, 3) and len(reads) == 2  # marked again by the run that re-analysed


def test_a_changed_user_dictionary_reads_the_files_and_a_rebuild_marks_them(tmp_path, kiwi, settled, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 2, "두나무가") + rows("x", 1, "반도체"), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, src)
    words = tmp_path / "user_dict.txt"
    words.write_text("두나무\tNNP\n", encoding="utf-8")
    stats, _ = run(ix, src, user_dict=words)
    assert counts(stats) == (0, 2, 0, 1) and len(reads) == 2
    assert ids(ix, "두나무") == {"r0", "r1"}
    stats, _ = run(ix, src, user_dict=words, rebuild=True)
    assert counts(stats) == (3, 0, 0, 0) and len(reads) == 3
    stats, _ = run(ix, src, user_dict=words)
    assert counts(stats) == (0, 0, 0, 3) and len(reads) == 3


def test_files_in_a_folder_are_marked_one_by_one(tmp_path, kiwi, settled, reads):
    folder = tmp_path / "archive"
    (folder / "2026").mkdir(parents=True)
    (folder / "2026" / "12-01.jsonl").write_text(rows("a", 3), encoding="utf-8")
    (folder / "2026" / "12-02.jsonl").write_text(rows("b", 2), encoding="utf-8")
    (folder / "page.txt").write_text("해상풍력 단지 착공\n\n해상풍력 단지가 오늘 착공에 들어갔다고 밝혔다.\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert counts(run(ix, folder)[0]) == (6, 0, 0, 0)
    (folder / "2026" / "12-03.jsonl").write_text(rows("c", 1, "반도체"), encoding="utf-8")
    reads.clear()
    stats, _ = run(ix, folder)
    assert counts(stats) == (1, 0, 0, 6) and reads == ["12-03.jsonl"]
    (folder / "2026" / "12-01.jsonl").unlink()
    stats, _ = run(ix, folder)
    assert counts(stats) == (0, 0, 3, 4) and reads == ["12-03.jsonl"]
    assert ids(ix, "해상풍력") == {"2026/12-02.jsonl#b0", "2026/12-02.jsonl#b1", "page.txt"}


def test_an_id_read_from_another_file_first_makes_the_file_read_and_the_duplicate_reported(tmp_path, kiwi, settled,
                                                                                           reads):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    b.write_text(rows("r", 2), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, b)
    a.write_text(rows("r", 1, "반도체"), encoding="utf-8")  # r0 again, named first in the next run
    stats, problems = run(ix, a, b)
    assert reads == ["b.jsonl", "a.jsonl", "b.jsonl"]
    assert problems == [f"{b}:1: duplicate id 'r0' (read before from another file), skipped"]
    assert stats.updated == 1  # r0 now from a.jsonl, as without marks


def test_damaged_marks_mean_reading_every_file(tmp_path, kiwi, settled, reads):
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 2), encoding="utf-8")
    ix = tmp_path / "ix"
    run(ix, src)
    for damage in ("{", '{"format": 1, "files": [{"source": 1}]}', '{"format": 99, "files": []}', "[]"):
        (ix / filemarks.FILE_NAME).write_text(damage, encoding="utf-8")
        stats, problems = run(ix, src)
        assert counts(stats) == (0, 0, 0, 2) and problems == []
    assert len(reads) == 5
    run(ix, src)
    assert len(reads) == 5  # the last run kept good marks again


def test_sphinx_skips_an_unchanged_file_and_restores_what_a_node_lost(tmp_path, kiwi, settled, reads, request,
                                                                       monkeypatch):
    for key, value in request.getfixturevalue("sphinx_cluster").env.items():
        monkeypatch.setenv(key, value)
    src = tmp_path / "news.jsonl"
    src.write_text(rows("r", 6), encoding="utf-8")
    ix = tmp_path / "ix"
    assert counts(run(ix, src, name="sphinx")[0]) == (6, 0, 0, 0)
    assert counts(run(ix, src, name="sphinx")[0]) == (0, 0, 0, 6) and len(reads) == 1
    writer = open_writer(ix, "sphinx")
    try:
        writer.delete("r4")
        writer.commit((), True)
    finally:
        writer.close()
    assert counts(run(ix, src, name="sphinx")[0]) == (1, 0, 0, 5) and len(reads) == 2
    assert ids(ix, "해상풍력", "sphinx") == {f"r{i}" for i in range(6)}
