"""The command line as typed: query words that start with `-`, dates checked like the web, query batches
with string ids and per-line errors, headline-only rows, the user-dictionary note."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsearch.cli import main

from .conftest import REPO, write_jsonl

KT_2018 = "000_7982a9e012f08afc.txt"
NO_DICT = {"NEWSEARCH_USER_DICT": str(REPO / "no-such-user-dict.txt"), "NO_COLOR": "1"}


def run(*args: str, env: dict | None = None, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), env={**NO_DICT, **(env or {})}, input=input,
                              catch_exceptions=False)


def query_json(index: Path, *args: str) -> dict:
    r = run("query", *args, "--index", str(index), "--json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def ids(res: dict) -> list[str]:
    return [h["id"] for h in res["hits"]]


def error_line(r) -> str:
    """The one `Error: ...` line click prints for a usage error."""
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, r.stderr
    return errors[0]


# -- 1. query words that start with "-" ----------------------------------------------------------


def test_exclusion_after_a_word(seed_index, searcher):
    res = query_json(seed_index, "헬스케어", "-구글")
    assert res["query"] == "헬스케어 -구글"
    expected = [h.id for h in searcher.search("헬스케어 -구글").hits]
    assert ids(res) == expected and 0 < len(expected) < query_json(seed_index, "헬스케어")["total"]
    # As in the report: every seed about 카카오 is about 헬스케어 too.
    res = query_json(seed_index, "카카오", "-헬스케어")
    assert res["query"] == "카카오 -헬스케어" and res["total"] == 0 and "reason" not in res


def test_query_that_starts_with_an_exclusion(seed_index):
    res = query_json(seed_index, "-구글", "헬스케어")
    assert res["query"] == "-구글 헬스케어"
    assert sorted(ids(res)) == sorted(ids(query_json(seed_index, "헬스케어", "-구글")))
    assert len(ids(res)) == 3
    res = query_json(seed_index, "-헬스케어", "카카오")
    assert res["query"] == "-헬스케어 카카오" and res["total"] == 0


def test_only_an_exclusion_gives_its_reason(seed_index):
    r = run("query", "-헬스케어", "--index", str(seed_index))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("no results:")


def test_double_dash_ends_the_options(seed_index):
    r = run("query", "--index", str(seed_index), "--json", "--", "-x")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["query"] == "-x" and res["hits"] == [] and res["reason"]
    r = run("query", "--index", str(seed_index), "--", "헬스케어", "--json")  # a word after --, not the option
    assert r.exit_code == 0 and r.stdout.startswith("1-4 of 4 results")


@pytest.mark.parametrize("word", ["-hyundai", "-news", "-phone", "-5", "-n", "-p"])
def test_words_that_begin_like_short_options(seed_index, word):
    # -h is help, -n and -p take a number: a word that merely starts like them stays a word.
    if word in ("-n", "-p"):
        r = run("query", "헬스케어", "--index", str(seed_index), word)
        assert r.exit_code == 2 and "requires an argument" in error_line(r)
        return
    res = query_json(seed_index, "헬스케어", word)
    assert res["query"] == f"헬스케어 {word}"
    res = query_json(seed_index, word, "헬스케어")
    assert res["query"] == f"{word} 헬스케어"


def test_options_work_wherever_they_stand(seed_index):
    full = ids(query_json(seed_index, "헬스케어"))
    assert len(full) == 4
    assert ids(query_json(seed_index, "-n", "2", "헬스케어")) == full[:2]
    assert ids(query_json(seed_index, "헬스케어", "-n2", "-p2")) == full[2:]
    assert ids(query_json(seed_index, "헬스케어", "--limit=2", "--page", "2")) == full[2:]
    r = run("query", "--json", "헬스케어", "--index", str(seed_index), "-n", "1", "-카카오")
    assert r.exit_code == 0 and json.loads(r.stdout)["query"] == "헬스케어 -카카오"
    # An option's value may itself start with "-".
    r = run("query", "헬스케어", "--publisher", "-x", "--index", str(seed_index), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] == 0


def test_unknown_long_option_is_still_an_error(seed_index):
    r = run("query", "카카오", "--limt", "3", "--index", str(seed_index))
    assert r.exit_code == 2 and "--limt" in error_line(r)


def test_help_still_works():
    for flag in ("-h", "--help"):
        r = run("query", flag)
        assert r.exit_code == 0 and "Usage:" in r.stdout and "-헬스케어" in r.stdout


def test_no_words_and_no_batch_is_a_usage_error(seed_index):
    r = run("query", "--index", str(seed_index))
    assert r.exit_code == 2 and "TEXT" in error_line(r)


# -- 2. dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("option, value, reason", [
    ("--from", "2020-13-01", "not a real date"),
    ("--from", "yesterday", "YYYY-MM-DD"),
    ("--to", "2020-02-30", "not a real date"),
    ("--to", "2020-1-1", "YYYY-MM-DD"),
    ("--from", "", "YYYY-MM-DD"),
    ("--from", "２０２０-01-01", "YYYY-MM-DD"),  # full-width digits
])
def test_bad_date_is_a_usage_error(seed_index, option, value, reason):
    r = run("query", "헬스케어", option, value, "--index", str(seed_index), "--json")
    assert r.exit_code == 2, r.output
    line = error_line(r)
    assert option in line and reason in line
    assert r.stdout == ""


def test_reversed_range_is_a_usage_error(seed_index):
    r = run("query", "헬스케어", "--from", "2021-01-01", "--to", "2020-01-01", "--index", str(seed_index))
    assert r.exit_code == 2, r.output
    line = error_line(r)
    assert "--from" in line and "--to" in line and "after" in line


def test_reversed_range_is_refused_in_batch_mode_too(seed_index, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_text("헬스케어\n", encoding="utf-8")
    r = run("query", "--batch", str(batch), "--from", "2021-01-01", "--to", "2020-01-01",
            "--index", str(seed_index))
    assert r.exit_code == 2 and r.stdout == ""


def test_good_dates_filter(seed_index):
    res = query_json(seed_index, "KT", "5G", "--from", "2018-01-01", "--to", "2018-12-31")
    assert ids(res)[0] == KT_2018
    assert all(h["date"].startswith("2018") for h in res["hits"])
    same_day = query_json(seed_index, "KT", "5G", "--from", "2018-09-19", "--to", "2018-09-19")
    assert ids(same_day) == [KT_2018]


def test_date_rules_in_the_library():
    from newsearch.search.params import check_range, parse_date

    assert parse_date("2020-02-29") == "2020-02-29"
    assert parse_date(" 2020-02-29 ") == "2020-02-29"
    for bad in ("2019-02-29", "2020-13-01", "yesterday", "2020-1-1", "20200101", "", "2020-01-01T00:00"):
        with pytest.raises(ValueError):
            parse_date(bad)
    check_range("2020-01-01", "2020-01-01")
    check_range(None, "2020-01-01")
    check_range("2020-01-01", None)
    with pytest.raises(ValueError, match="after"):
        check_range("2021-01-01", "2020-01-01")


# -- 3. query batches ----------------------------------------------------------------------------


def test_batch_ids_are_strings_and_bad_lines_fail_the_run(seed_index, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "text": "카카오헬스케어"}\n'
                     '{"id": 7, "text": "KT 5G"}\n'
                     '{"id": "broken", "text": \n'
                     'KT 5G\n'
                     '\n'
                     '{"id": "no-text"}\n'
                     '{"text": "황창규회장"}\n', encoding="utf-8")
    r = run("query", "--batch", str(batch), "--json", "--index", str(seed_index))
    assert r.exit_code == 1, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["a", "7", "4", "7"]
    assert rows[1]["hits"][0]["id"] == rows[2]["hits"][0]["id"] == KT_2018
    errors = r.stderr.splitlines()
    assert len(errors) == 2, r.stderr
    assert errors[0].startswith(f"error: {batch}:3: invalid JSON")
    assert errors[1].startswith(f"error: {batch}:6: ") and "text" in errors[1]


def test_batch_human_output_and_good_batch_exit_0(seed_index, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_text('헬스케어\r\n{"id": 1, "text": "KT 5G"}\n', encoding="utf-8")
    r = run("query", "--batch", str(batch), "--index", str(seed_index))
    assert r.exit_code == 0 and r.stderr == "", r.output
    assert "# 1: 헬스케어\n" in r.stdout and "# 1: KT 5G\n" in r.stdout


def test_batch_from_stdin_with_bad_bytes(seed_index):
    data = "헬스케어\n".encode() + b"kt \xff\xfe\n" + '{"id": "x", "text": "KT 5G"}\n'.encode()
    r = run("query", "--batch", "-", "--json", "--index", str(seed_index), input=data)
    assert r.exit_code == 1
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == ["1", "x"]
    assert r.stderr.strip() == "error: -:2: invalid UTF-8"


def test_read_batch_reports_each_bad_line(tmp_path):
    from newsearch.search.batch import read_batch

    path = tmp_path / "q.jsonl"
    path.write_text('\ufeff{"id": 1.5, "text": "a"}\n{"id": null, "query": "b"}\n{"id": [1], "text": "c"}\n'
                    '{"text": 3}\n[1, 2]\n{"id": true, "text": "d"}\n', encoding="utf-8")
    errors: list[str] = []
    got = list(read_batch(str(path), errors.append))
    assert got == [("1.5", "a"), ("2", "b"), ("5", "[1, 2]")]
    assert [e.split(": ", 1)[0] for e in errors] == [f"{path}:3", f"{path}:4", f"{path}:6"]


def test_eval_reads_queries_through_the_batch_reader(tmp_path, kiwi):
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": "d1", "title": "누리호 발사 성공", "body": "한국형 발사체 누리호가 우주로 날아올랐다."},
            {"id": "d2", "title": "김장철 배추값", "body": "배추 가격이 크게 올랐다."}]
    write_jsonl(corpus, rows)
    queries = tmp_path / "queries.jsonl"
    queries.write_text('{"id": 1, "text": "누리호 발사"}\n{"id": "q2", "text": "배추 가격"}\n', encoding="utf-8")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\n1\td1\t1\nq2\td2\t1\n", encoding="utf-8")
    r = run("eval", str(corpus), str(queries), str(qrels), "--index", str(tmp_path / "ix"),
            "--run", str(tmp_path / "run.tsv"))
    assert r.exit_code == 0, r.output
    assert "nDCG@10 1.0000" in r.stdout and "queries 2" in r.stdout
    run_lines = (tmp_path / "run.tsv").read_text(encoding="utf-8").splitlines()
    assert {line.split()[0] for line in run_lines} == {"1", "q2"}


# -- 4. headline-only rows -----------------------------------------------------------------------


def test_record_without_body_is_a_headline():
    from newsearch.extract import ExtractError, article_from_record

    art = article_from_record({"id": "h", "title": " [속보] 누리호  발사 성공 ", "body": ""})
    assert art.title == "[속보] 누리호 발사 성공" and art.body == ""
    assert article_from_record({"id": "h", "title": "누리호 발사", "body": " \n "}).body == ""
    assert article_from_record({"id": "h", "title": "누리호 발사", "body": None}).body == ""
    for rec, reason in (({"id": "x", "body": ""}, "no title and no body"),
                        ({"id": "x", "title": "  ", "body": None}, "no title and no body"),
                        ({"id": "x", "title": "누리호 발사"}, "missing body"),  # a misnamed field, not a headline
                        ({"id": "x", "title": "누리호 발사", "text": "본문"}, "missing body")):
        with pytest.raises(ExtractError, match=reason):
            article_from_record(rec)


def test_headline_rows_are_indexed_and_found_by_their_title(tmp_path, kiwi):
    src = tmp_path / "flash.jsonl"
    rows = [{"id": "f1", "title": "누리호 2차 발사 성공…우주강국 도약", "body": "", "publisher": "연합뉴스",
             "date": "2022.06.21"},
            {"id": "f2", "title": "김장철 배추값 고공행진", "body": None, "publisher": "연합뉴스"},
            {"id": "f3", "title": "반도체 수출 석 달째 감소", "body": "반도체 수출이 석 달째 줄었다. 산업부 발표다."},
            {"id": "bad", "title": "", "body": ""}]
    write_jsonl(src, rows)
    ix = tmp_path / "ix"
    r = run("index", str(src), "--index", str(ix))
    assert r.exit_code == 1
    assert r.stdout.startswith("added 3, updated 0, deleted 0, unchanged 0, failed 1")
    assert r.stderr.strip() == f"error: {src}:4: no title and no body"

    res = query_json(ix, "누리호", "발사")
    assert ids(res) == ["f1"]
    hit = res["hits"][0]
    assert hit["title"] == rows[0]["title"] and hit["date"].startswith("2022-06-21")
    assert ids(query_json(ix, "배추값", "고공행진")) == ["f2"]
    assert ids(query_json(ix, "반도체", "감소"))[0] == "f3"
    assert ids(query_json(ix, "title:배추값")) == ["f2"]
    human = run("query", "누리호 발사", "--index", str(ix))
    assert human.exit_code == 0 and "누리호 2차 발사 성공…우주강국 도약" in human.stdout
    assert "\n     \n" not in human.stdout  # no empty snippet line

    from newsearch.backends import open_searcher

    with open_searcher(ix) as s:
        art = s.article("f1", "누리호")
        assert art["title"] == rows[0]["title"] and art["body"] == "" and "<mark>" in art["title_html"]
        assert s.related("f1") is not None
    r = run("index", str(src), "--index", str(ix))  # unchanged on the next run
    assert "added 0, updated 0, deleted 0, unchanged 3, failed 1" in r.stdout


@pytest.mark.parametrize("backend", ["whoosh", "sphinx"])
def test_headline_rows_in_both_stores(request, tmp_path, kiwi, backend):
    env = request.getfixturevalue("sphinx_cluster").env if backend == "sphinx" else {"NEWSEARCH_BACKEND": "whoosh"}
    src = tmp_path / "flash.jsonl"
    rows = [{"id": "f1", "title": "누리호 2차 발사 성공…우주강국 도약", "body": ""},
            {"id": "f3", "title": "반도체 수출 석 달째 감소", "body": "반도체 수출이 석 달째 줄었다. 산업부 발표다."}]
    write_jsonl(src, rows)
    ix = tmp_path / "ix"
    r = run("index", str(src), "--index", str(ix), env=env)
    assert r.exit_code == 0 and r.stdout.startswith("added 2,"), r.output
    r = run("query", "누리호", "발사", "--index", str(ix), "--json", env=env)
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert ids(res) == ["f1"] and res["hits"][0]["title"] == rows[0]["title"]
    r = run("query", "우주강국", "-반도체", "--index", str(ix), "--json", env=env)
    assert ids(json.loads(r.stdout)) == ["f1"]


@pytest.mark.parametrize("name, row_id, words", [
    ("yonhap_headlines.jsonl", "yhn-3", "벤처캐피탈 유치"),
    ("headline_tweets_2017.jsonl", "890524458322153473", "고속도로 집값"),
])
def test_shared_headline_corpora_index_without_failures(shared_dir, tmp_path, kiwi, name, row_id, words):
    from newsearch.backends import update

    with open(shared_dir / "corpus" / name, encoding="utf-8") as fh:
        head = [next(fh) for _ in range(200)]
    src = tmp_path / name
    src.write_text("".join(head), encoding="utf-8")
    wanted = next(json.loads(line) for line in head if json.loads(line)["id"] == row_id)
    assert not wanted["body"] and all(w in wanted["title"] for w in words.split())

    problems: list = []
    stats = update(tmp_path / "ix", [src], on_problem=problems.append)
    assert stats.failed == 0 and problems == [] and stats.added == len(set(json.loads(x)["id"] for x in head))
    res = query_json(tmp_path / "ix", *words.split(), "-n", "5")
    assert row_id in ids(res)
    assert next(h for h in res["hits"] if h["id"] == row_id)["title"] == wanted["title"]


# -- 5. the user-dictionary note ------------------------------------------------------------------


def test_dictionary_note_on_stderr_once(seed_index, tmp_path):
    udict = tmp_path / "user_dict.txt"
    udict.write_text("누리호\tNNP\n", encoding="utf-8")
    env = {"NEWSEARCH_USER_DICT": str(udict)}
    r = run("query", "헬스케어", "--json", "--index", str(seed_index), env=env)
    assert r.exit_code == 0
    assert json.loads(r.stdout)["total"] == 4  # stdout is the JSON alone
    notes = [line for line in r.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "newsearch index" in notes[0], r.stderr

    batch = tmp_path / "q.txt"
    batch.write_text("헬스케어\nKT 5G\n", encoding="utf-8")
    r = run("query", "--batch", str(batch), "--index", str(seed_index), env=env)
    assert r.exit_code == 0 and r.stderr.count("note: ") == 1


def test_no_dictionary_note_when_it_matches(seed_index):
    r = run("query", "헬스케어", "--index", str(seed_index))
    assert r.exit_code == 0 and "note:" not in r.stderr


def test_an_article_the_entity_extractor_fails_on_is_indexed_with_a_warning(tmp_path, kiwi, monkeypatch):
    """A fault of the extractor's on one article (a review ending `배우 정우` stopped a 1M build) is one
    warning naming the row; the article is indexed and found, the others keep their entities."""
    import newsearch.ingest.documents as documents

    real = documents.extract

    def failing(title, title_tokens, body, body_tokens, reporter=None):
        if "고장난" in body:
            raise IndexError("list index out of range")
        return real(title, title_tokens, body, body_tokens, reporter)

    monkeypatch.setattr(documents, "extract", failing)
    src = write_jsonl(tmp_path / "rows.jsonl", [
        {"id": "ok", "title": "반도체 수출 회복", "body": "김민수 산업부 장관은 반도체 수출이 회복됐다고 말했다."},
        {"id": "faulty", "title": "고장난 신호등", "body": "고장난 신호등이 사흘째 방치됐다."}])
    ix = tmp_path / "ix"
    r = run("index", str(src), "--index", str(ix))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("added 2, updated 0, deleted 0, unchanged 0, failed 0")
    assert r.stderr.strip() == (f"warning: {src}:2: people, organisations and places not read "
                                "(IndexError: list index out of range); indexed without them")
    assert ids(query_json(ix, "신호등")) == ["faulty"]
    assert ids(query_json(ix, "인물:김민수")) == ["ok"]
