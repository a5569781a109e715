"""End-to-end CLI: index the seeds, query them, re-index incrementally, JSONL ids, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsearch.cli import main
from newsearch.search import Snippet

from .conftest import REPO, SEEDS

FIXTURES = Path(__file__).parent / "fixtures"
KAKAO_HEALTHCARE = {"002_5199239f47117fff.txt", "004_24bd54923c893d98.txt"}
KT_2018 = "000_7982a9e012f08afc.txt"


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result


def query_json(index: Path, text: str, *extra: str) -> dict:
    r = run("query", text, "--index", str(index), "--json", *extra)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def ids(res: dict) -> list[str]:
    return [h["id"] for h in res["hits"]]


def test_kakao_healthcare_query_lists_both_articles_first(seed_index):
    res = query_json(seed_index, "카카오헬스케어가")
    assert set(ids(res)[:2]) == KAKAO_HEALTHCARE


def test_kt_5g_lists_2018_kt_article_first(seed_index):
    res = query_json(seed_index, "KT 5G")
    assert ids(res)[0] == KT_2018
    assert res["hits"][0]["date"].startswith("2018-09-19")


def test_json_shape_and_marks(seed_index):
    res = query_json(seed_index, "헬스케어")
    assert set(res) >= {"query", "total", "took_ms", "hits"}
    assert res["query"] == "헬스케어" and res["total"] == len(res["hits"]) == 4
    for hit in res["hits"]:
        assert set(hit) == {"id", "title", "date", "publisher", "url", "score", "snippet", "group", "copies", "quotes"}
        assert "<mark>" in hit["snippet"]
        # The seeds hold no copies: each hit is its own group of one.
        assert hit["group"]["size"] == 1 and hit["group"]["lead"] == hit["id"] and hit["copies"] == []
    scores = [h["score"] for h in res["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_limit_and_page_walk_all_results_without_overlap(seed_index):
    full = ids(query_json(seed_index, "헬스케어"))
    paged = []
    for page in (1, 2, 3):
        res = query_json(seed_index, "헬스케어", "--limit", "2", "--page", str(page))
        assert res["total"] == 4
        paged += ids(res)
    assert paged == full


def test_human_output_has_rank_title_date_publisher_snippet(seed_index):
    r = run("query", "KT 5G", "--index", str(seed_index), env={"NO_COLOR": "1"})
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert "results" in lines[0]
    first = next(line for line in lines if line.strip().startswith("1."))
    assert "황창규 KT號" in first and "2018-09-19" in first and "뉴데일리" in first
    assert "\x1b[" not in r.output  # not a terminal, and NO_COLOR
    assert "<mark>" not in r.output


def test_terminal_emphasis_rendering():
    snippet = Snippet("a 카카오 & b", [(2, 5)])
    assert snippet.terminal(True) == "a \x1b[1;33m카카오\x1b[0m & b"
    assert snippet.terminal(False) == "a 카카오 & b"
    assert snippet.html() == 'a <mark>카카오</mark> &amp; b'


def test_only_particles_gives_reason_not_error(seed_index):
    res = query_json(seed_index, "을를")
    assert res["total"] == 0 and res["hits"] == [] and "particles" in res["reason"]


def test_batch_queries_keep_their_ids(seed_index, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "q1", "text": "카카오헬스케어"}\n{"id": "q2", "text": "KT 5G"}\n황창규회장\n',
                     encoding="utf-8")
    r = run("query", "--batch", str(batch), "--index", str(seed_index), "--json")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.splitlines()]
    assert [row["id"] for row in rows] == ["q1", "q2", "3"]
    assert rows[1]["hits"][0]["id"] == KT_2018
    assert rows[2]["hits"][0]["id"] == KT_2018


def _index(src: Path, ix: Path):
    return run("index", str(src), "--index", str(ix))


def test_incremental_add_edit_delete_and_noop(seeds_copy, tmp_path, kiwi):
    ix = tmp_path / "ix"
    r = _index(seeds_copy, ix)
    assert r.exit_code == 0 and r.output.startswith("added 5, updated 0, deleted 0, unchanged 0, failed 0 in ")

    new = seeds_copy / "new_article.txt"
    shutil.copy(FIXTURES / "new_article.txt", new)
    r = _index(seeds_copy, ix)
    assert r.output.startswith("added 1, updated 0, deleted 0, unchanged 5, failed 0 in "), r.output
    assert ids(query_json(ix, "해상풍력 수소"))[0] == "new_article.txt"

    r = _index(seeds_copy, ix)
    assert r.output.startswith("added 0, updated 0, deleted 0, unchanged 6, failed 0 in "), r.output

    new.write_text(new.read_text(encoding="utf-8").replace("탐라에너지", "한라에너지"), encoding="utf-8")
    r = _index(seeds_copy, ix)
    assert r.output.startswith("added 0, updated 1, deleted 0, unchanged 5, failed 0 in "), r.output
    assert ids(query_json(ix, "한라에너지")) == ["new_article.txt"]
    assert query_json(ix, "탐라")["total"] == 0

    new.unlink()
    r = _index(seeds_copy, ix)
    assert r.output.startswith("added 0, updated 0, deleted 1, unchanged 5, failed 0 in "), r.output
    assert query_json(ix, "한라에너지")["total"] == 0
    assert query_json(ix, "카카오헬스케어")["total"] >= 2


def test_documents_of_other_sources_stay(seeds_copy, tmp_path, kiwi):
    ix = tmp_path / "ix"
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(FIXTURES / "new_article.txt", other / "wind.txt")
    assert _index(seeds_copy, ix).exit_code == 0
    r = _index(other, ix)
    assert r.output.startswith("added 1, updated 0, deleted 0, unchanged 0, failed 0"), r.output
    assert query_json(ix, "헬스케어")["total"] == 4
    assert ids(query_json(ix, "해상풍력")) == ["wind.txt"]


def test_jsonl_rows_keep_their_ids(tmp_path, kiwi):
    src = tmp_path / "news.jsonl"
    rows = [
        {"id": "n-1", "title": "오바마 대통령 취임", "body": "버락 오바마가 미국 대통령으로 취임했다.", "date": "2009-01-20"},
        {"id": "n-2", "title": "날씨", "body": "내일은 전국에 비가 내리겠다.", "publisher": "예시일보"},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert _index(src, ix).exit_code == 0
    res = query_json(ix, "오바마")
    assert ids(res) == ["n-1"] and res["hits"][0]["date"].startswith("2009-01-20")


def test_wikinews_jsonl_ids(shared_dir, tmp_path, kiwi):
    corpus = shared_dir / "corpus" / "wikinews_ko.jsonl"
    corpus_ids = {json.loads(line)["id"] for line in corpus.open(encoding="utf-8")}
    ix = tmp_path / "w"
    r = _index(corpus, ix)
    assert r.exit_code == 0, r.output
    res = query_json(ix, "오바마")
    assert res["total"] > 0 and set(ids(res)) <= corpus_ids


def test_bad_files_are_reported_and_the_rest_indexed(seeds_copy, tmp_path, kiwi):
    (seeds_copy / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (seeds_copy / "empty.html").write_bytes(b"")
    ix = tmp_path / "ix"
    r = CliRunner().invoke(main, ["index", str(seeds_copy), "--index", str(ix)])
    assert r.exit_code == 1
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any("binary.txt" in e for e in errors) and any("empty.html" in e for e in errors)
    assert "added 5, updated 0, deleted 0, unchanged 0, failed 2" in r.output
    # A later run retries the failed files (and still reports them).
    r = CliRunner().invoke(main, ["index", str(seeds_copy), "--index", str(ix)])
    assert r.exit_code == 1 and "unchanged 5, failed 2" in r.output


def test_broken_jsonl_lines_name_file_and_line(tmp_path, kiwi):
    src = tmp_path / "bad.jsonl"
    src.write_text('{"id": "a", "title": "제목", "body": "본문 기사다."}\n{broken\n{"id": "a", "body": "중복"}\n'
                   '{"title": "아이디 없음", "body": "본문"}\n', encoding="utf-8")
    ix = tmp_path / "ix"
    r = CliRunner().invoke(main, ["index", str(src), "--index", str(ix)])
    assert r.exit_code == 1
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert [e.split(":")[2] for e in errors] == ["2", "3", "4"]
    assert "added 1," in r.output


def test_rebuild_swaps_and_failed_rebuild_keeps_old_index(seeds_copy, tmp_path, kiwi):
    from newsearch.backends import update

    ix = tmp_path / "ix"
    assert _index(seeds_copy, ix).exit_code == 0
    r = run("index", str(seeds_copy), "--index", str(ix), "--rebuild")
    assert r.output.startswith("added 5, updated 0, deleted 0, unchanged 0, failed 0"), r.output

    def boom(done, total):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        update(ix, [seeds_copy], rebuild=True, on_progress=boom)
    assert query_json(ix, "카카오헬스케어")["total"] >= 2
    assert not list(tmp_path.glob("ix.rebuild-*"))


def test_missing_index_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(main, ["query", "카카오", "--index", str(tmp_path / "nope")])
    assert r.exit_code == 1 and "no index at" in r.output and "Traceback" not in r.output


def test_extract_prints_clean_article():
    r = run("extract", str(SEEDS / KT_2018), "--json")
    art = json.loads(r.output)
    assert art["title"] == "황창규 KT號, '디지털 헬스케어' 영토확장 '착착'"
    assert art["date"] == "2018-09-19T10:21:30" and art["reporter"] == "장소희"
    assert "트위터 공유" not in art["body"] and "KT가 '디지털 헬스케어'를" in art["body"]


def test_every_command_has_help_with_an_example():
    for name, cmd in main.commands.items():
        r = run(name, "--help")
        assert r.exit_code == 0 and "Example" in r.output, name
        assert cmd.help and cmd.help.strip(), name


@pytest.mark.skipif(shutil.which("newsearch") is None, reason="newsearch is not installed")
def test_installed_console_script_end_to_end(tmp_path):
    env = {**os.environ, "NO_COLOR": "1"}
    ix = tmp_path / "ix"
    out = subprocess.run(["newsearch", "index", str(SEEDS), "--index", str(ix)], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stderr
    out = subprocess.run(["newsearch", "query", "카카오헬스케어가", "--index", str(ix), "--json"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert set(ids(json.loads(out.stdout))[:2]) == KAKAO_HEALTHCARE


def test_python_dash_m_runs(tmp_path):
    out = subprocess.run([sys.executable, "-m", "newsearch.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "index" in out.stdout
