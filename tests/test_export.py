"""Export (issue 19): every matching article as CSV, JSON Lines or xlsx, the same cases on both stores.

The files are read back with Python's csv module and openpyxl and compared with what `newsearch query --json
--no-group` pages through: the same articles in the same order, with their groups of copies. The index holds
the seeds, three outlets' copies of one seed (tests/test_copies_stores.py) and a few awkward articles: a title
that looks like a spreadsheet formula, quotes, commas and line breaks, a body longer than an Excel cell.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from urllib.parse import parse_qs, quote, urlsplit

import openpyxl
import pytest
from click.testing import CliRunner

from newsearch.backends import open_searcher
from newsearch.backends.sphinx import order as sphinx_order
from newsearch.backends.whoosh import scan as whoosh_scan
from newsearch.cli import main
from newsearch.search import SearchRequest
from newsearch.search import export as exports
from newsearch.search.contract import Match
from newsearch.search.model import CopyGroup

from .conftest import SEEDS, write_jsonl
from .test_contract import BACKENDS, _build, _env
from .test_copies_stores import WIRE, wire_rows

QUERY = "헬스케어"
COPIES = {"wire-1", "wire-2", "wire-3", WIRE}
LONG_BODY = ("카카오헬스케어의 디지털 헬스케어 사업을 다룬 긴 기사입니다. 😀 이 문단은 여러 번 되풀이됩니다. " * 1400).strip()
ODD_ROWS = [
    {"id": "odd-formula", "title": "=HYPERLINK(\"x\") 헬스케어, \"따옴표\" 제목", "date": "2022-06-29T07:00:00",
     "publisher": "가나, \"다라\" 신문", "reporter": "홍길동", "url": "https://news.example/a?b=1&c=2",
     "body": "첫 문단, 쉼표와 \"따옴표\"가 있는 헬스케어 기사.\r\n\r\n둘째 문단\n셋째 줄"},
    {"id": "odd-long", "title": "아주 긴 헬스케어 기사", "date": "2022-06-30", "publisher": "마바경제", "body": LONG_BODY},
]


@pytest.fixture(scope="module", params=BACKENDS)
def store(request, tmp_path_factory, kiwi):
    """A searcher over the seeds, three copies of one seed and the awkward articles, in the named store."""
    name = request.param
    root = tmp_path_factory.mktemp(f"export-{name}")
    write_jsonl(root / "wire.jsonl", wire_rows().values())
    write_jsonl(root / "odd.jsonl", ODD_ROWS)
    ix = root / "index"
    stats = _build(request, name, ix, [SEEDS, root / "wire.jsonl", root / "odd.jsonl"])
    assert stats.failed == 0, stats.problems
    s = open_searcher(ix, name)
    s.name, s.index_dir, s.env = name, ix, _env(request, name)
    yield s
    s.close()


def _cli(store, *args, ok: bool = True):
    got = CliRunner().invoke(main, [*args, "--index", str(store.index_dir)], env=dict(store.env))
    if ok:
        assert got.exit_code == 0, got.output
    return got


def json_hits(store, *options) -> list[dict]:
    """Every hit of `newsearch query QUERY --json --no-group`, walking its pages of 3."""
    hits, page = [], 1
    while True:
        res = json.loads(_cli(store, "query", QUERY, "--json", "--no-group", "-n", "3", "-p", str(page),
                              *options).stdout)
        hits += res["hits"]
        if page * 3 >= res["total"]:
            assert len(hits) == res["total"]
            return hits
        page += 1


def expected_rows(store, *options) -> list[dict]:
    """The export rows the JSON hits and the stored articles call for (None where a field is empty)."""
    out = []
    for h in json_hits(store, *options):
        art = store.article(h["id"])
        out.append({"id": h["id"], "date": h["date"], "publisher": h["publisher"], "reporter": art["reporter"],
                    "title": h["title"], "url": h["url"], "group_id": h["group"]["id"],
                    "group_size": h["group"]["size"], "group_lead": h["group"]["lead"],
                    "is_copy": h["id"] != h["group"]["lead"], "body": art["body"]})
    return out


def read_csv(data: bytes) -> tuple[list[dict], dict]:
    """(rows, the recorded search) of an exported CSV, read with the csv module as Excel would be given it."""
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads Hangul
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert tuple(reader.fieldnames) == exports.COLUMNS + exports.SEARCH_COLUMNS
    rows, searches = [], set()
    for r in reader:
        searches.add(tuple(r[c] for c in exports.SEARCH_COLUMNS))
        row = {c: (r[c] or None) for c in exports.COLUMNS}
        row["title"], row["body"] = r["title"], r["body"]
        row["group_size"], row["is_copy"] = int(r["group_size"]), {"true": True, "false": False}[r["is_copy"]]
        rows.append(row)
    assert len(searches) <= 1  # the same query and filters on every row
    return rows, dict(zip(("query", "sort", "publisher", "from", "to"), searches.pop())) if searches else {}


def read_xlsx(path) -> tuple[list[dict], dict]:
    """(rows, the `search` sheet) of an exported workbook, read with openpyxl."""
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["articles", "search"]
    lines = list(wb["articles"].values)
    assert list(lines[0][:len(exports.COLUMNS)]) == list(exports.COLUMNS)
    rows = []
    for line in lines[1:]:
        line = tuple(line) + (None,) * (len(exports.COLUMNS) - len(line))
        row = dict(zip(exports.COLUMNS, line))
        row["body"] = "".join(x for x in line[len(exports.COLUMNS) - 1:] if x)  # the pieces of a long body
        row["title"] = row["title"] or ""
        rows.append(row)
    return rows, {line[0]: (line + (None,))[1] for line in wb["search"].values}


# -- the store's scan ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_scan_walks_the_ungrouped_pages_in_order(store, sort, monkeypatch):
    monkeypatch.setattr(sphinx_order, "PAGE", 2)  # many keyset pages
    monkeypatch.setattr(whoosh_scan, "BATCH", 2)
    for options in ({}, {"publisher": "마바경제"}, {"date_from": "2022-06-28"}):
        scanned = store.scan(QUERY, sort=sort, **options)
        got = [(m.fields["id"], m.group) for m in scanned.matches]
        want = store.search(QUERY, sort=sort, group=False, limit=100, **options)
        assert [i for i, _ in got] == [h.id for h in want.hits] and len(got) == want.total > 0, options
        assert [g for _, g in got] == [h.group for h in want.hits]


def test_scan_splices_the_reranked_head_into_the_first_pass(store):
    """Whoosh re-ranks only the best `rerank_depth` candidates: a shallow head still gives search's order."""
    from newsearch.search.settings import Ranking

    with pytest.MonkeyPatch.context() as mp:
        for key, value in store.env.items():
            mp.setenv(key, value)
        with open_searcher(store.index_dir, store.name, ranking=Ranking(rerank_depth=3, window_depth=2)) as s:
            scanned = [m.fields["id"] for m in s.scan("카카오 헬스케어 업무협약").matches]
            assert scanned == [h.id for h in s.search("카카오 헬스케어 업무협약", group=False, limit=100).hits]
            assert len(scanned) > 3


# -- the files, read back -----------------------------------------------------------------------------------


def test_csv_reads_back_as_the_json_hits(store, tmp_path):
    out = tmp_path / "hits.csv"
    got = _cli(store, "export", QUERY, "-o", str(out))
    rows, search = read_csv(out.read_bytes())
    want = expected_rows(store)
    assert rows == want and f"exported {len(want)} articles as csv to {out}" in got.stderr
    assert {"odd-formula", "odd-long"} | COPIES <= {r["id"] for r in rows}
    assert search == {"query": QUERY, "sort": "relevance", "publisher": "", "from": "", "to": ""}
    assert _cli(store, "export", QUERY).stdout_bytes == out.read_bytes()  # stdout: the same file


def test_xlsx_reads_back_as_the_json_hits(store, tmp_path):
    out = tmp_path / "hits.xlsx"
    _cli(store, "export", QUERY, "-o", str(out))  # the format from the extension
    rows, search = read_xlsx(out)
    assert rows == expected_rows(store)
    assert search["query"] == QUERY and search["rows"] == len(rows) and search["sort"] == "relevance"
    long_row = next(line for line in openpyxl.load_workbook(out, read_only=True)["articles"].values
                    if line[0] == "odd-long")
    pieces = [x for x in long_row[len(exports.COLUMNS) - 1:] if x]
    assert len(pieces) == 3 and all(len(p.encode("utf-16-le")) // 2 <= exports.XLSX_CELL for p in pieces)
    formula = next(r for r in rows if r["id"] == "odd-formula")
    assert formula["title"].startswith("=HYPERLINK(")  # kept as text, not made a formula


def test_jsonl_has_the_search_first_then_the_rows(store):
    lines = _cli(store, "export", QUERY, "--format", "jsonl", "--sort", "newest").stdout.splitlines()
    head = json.loads(lines[0])["newsearch_export"]
    assert {k: head[k] for k in ("query", "sort", "publisher", "from", "to")} == {
        "query": QUERY, "sort": "newest", "publisher": None, "from": None, "to": None}
    assert head["columns"] == list(exports.COLUMNS)
    assert [json.loads(x) for x in lines[1:]] == expected_rows(store, "--sort", "newest")


def test_filters_are_applied_and_recorded(store, tmp_path):
    options = ["--sort", "newest", "--publisher", "마바경제", "--from", "2022-06-28", "--to", "2022-12-31"]
    _cli(store, "export", QUERY, *options, "-o", str(tmp_path / "f.csv"))
    _cli(store, "export", QUERY, *options, "-o", str(tmp_path / "f.xlsx"))
    want = expected_rows(store, *options)
    assert [r["id"] for r in want] == ["odd-long", "wire-3"]
    rows, search = read_csv((tmp_path / "f.csv").read_bytes())
    assert rows == want
    assert search == {"query": QUERY, "sort": "newest", "publisher": "마바경제", "from": "2022-06-28", "to": "2022-12-31"}
    rows, search = read_xlsx(tmp_path / "f.xlsx")
    assert rows == want
    assert {k: search[k] for k in ("query", "sort", "publisher", "from", "to")} == {
        "query": QUERY, "sort": "newest", "publisher": "마바경제", "from": "2022-06-28", "to": "2022-12-31"}


def test_every_copy_is_a_row_flagged_with_its_group(store):
    rows = [json.loads(x) for x in _cli(store, "export", "카카오헬스케어 업무협약", "--format", "jsonl").stdout.splitlines()[1:]]
    copies = {r["id"]: r for r in rows if r["id"] in COPIES}
    assert set(copies) == COPIES  # no grouping: every copy is exported
    assert {(r["group_size"], r["group_lead"]) for r in copies.values()} == {(4, "wire-1")}
    assert len({r["group_id"] for r in copies.values()}) == 1
    assert [i for i, r in copies.items() if not r["is_copy"]] == ["wire-1"]
    alone = [r for r in rows if r["id"] not in COPIES]
    assert alone and all(r["group_size"] == 1 and not r["is_copy"] and r["group_lead"] == r["id"] for r in alone)
    # the first row of each group is what the grouped results page lists
    firsts = list(dict.fromkeys(r["group_id"] for r in rows))
    grouped = store.search("카카오헬스케어 업무협약", limit=100)
    assert firsts == [h.group.id for h in grouped.hits]


def test_cli_refusals(store, tmp_path):
    got = _cli(store, "export", QUERY, "--format", "xlsx", ok=False)
    assert got.exit_code == 2 and got.output.count("Error:") == 1 and "-o FILE.xlsx" in got.output
    got = _cli(store, "export", "을를 에서", "-o", str(tmp_path / "x.csv"), ok=False)
    assert got.exit_code == 1 and "nothing to export" in got.output and not (tmp_path / "x.csv").exists()
    empty = _cli(store, "export", "존재하지않는낱말이다", "-o", str(tmp_path / "none.csv"))
    assert "exported 0 articles" in empty.stderr
    assert read_csv((tmp_path / "none.csv").read_bytes())[0] == []  # a header, no rows: still a valid file


# -- the web download ---------------------------------------------------------------------------------------


def test_web_download_keeps_the_page_filters(store, tmp_path):
    from newsearch.web import create_app

    client = create_app({"INDEX_DIR": str(store.index_dir), "TESTING": True}).test_client()
    page = client.get(f"/search?q={QUERY}&sort=newest&publisher=마바경제&limit=1").get_data(as_text=True)
    links = {parse_qs(urlsplit(html.unescape(href)).query)["format"][0]: html.unescape(href)
             for href in re.findall(r'href="(/export\?[^"]*)"', page)}
    assert set(links) == {"csv", "xlsx", "jsonl"}
    assert parse_qs(urlsplit(links["csv"]).query) == {"q": [QUERY], "sort": ["newest"], "publisher": ["마바경제"],
                                                      "format": ["csv"]}  # the page's filters, not its page size
    r = client.get(links["csv"])
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="newsearch-') and disposition.endswith(".csv")
    assert f"filename*=UTF-8''newsearch-{quote(QUERY)}-" in disposition
    _cli(store, "export", QUERY, "--sort", "newest", "--publisher", "마바경제", "-o", str(tmp_path / "w.csv"))
    assert r.get_data() == (tmp_path / "w.csv").read_bytes()
    x = client.get(f"/export?q={QUERY}&format=xlsx")
    (tmp_path / "w.xlsx").write_bytes(x.get_data())
    assert x.status_code == 200 and read_xlsx(tmp_path / "w.xlsx")[0] == expected_rows(store)
    for bad in ("/export?q=헬스케어&format=pdf", "/export?q=", "/export?q=을를", "/export?q=헬스케어&from=2022-13-01"):
        assert client.get(bad).status_code == 400, bad


# -- the writers alone ---------------------------------------------------------------------------------------


def _export(*matches: Match) -> exports.Export:
    return exports.Export(SearchRequest("질의", publisher="가나"), None, list(matches))


def test_xlsx_cells_keep_text_safe(tmp_path):
    odd = Match({"id": "a", "title": "#N/A", "body": "벨\x07소리 \ud800 끝", "date": None, "publisher": "=1+1"},
                group=CopyGroup("g1", 2, "b"))
    path = tmp_path / "odd.xlsx"
    exports.save(_export(odd), "xlsx", path)
    row = dict(zip(exports.COLUMNS, list(openpyxl.load_workbook(path)["articles"].values)[1]))
    assert row["title"] == "#N/A" and row["publisher"] == "=1+1"  # text, not an error or a formula
    assert row["body"] == "벨\ufffd소리 \ufffd 끝" and row["is_copy"] is True and row["group_size"] == 2


def test_a_full_sheet_goes_on_in_another(tmp_path, monkeypatch):
    monkeypatch.setattr(exports, "XLSX_ROWS", 3)  # the header and two articles a sheet
    path = tmp_path / "many.xlsx"
    n = exports.save(_export(*(Match({"id": str(i), "title": f"제목 {i}", "body": ""}) for i in range(5))), "xlsx", path)
    wb = openpyxl.load_workbook(path)
    assert n == 5 and wb.sheetnames == ["articles", "articles 2", "articles 3", "search"]
    firsts = [[r[0] for r in wb[name].values] for name in wb.sheetnames[:3]]
    assert firsts == [["id", "0", "1"], ["id", "2", "3"], ["id", "4"]]  # the header on every sheet


def test_body_pieces_count_utf16_units():
    text = "가" * 5 + "😀" * 3
    pieces = exports._pieces(text, limit=4)
    assert "".join(pieces) == text and all(len(p.encode("utf-16-le")) // 2 <= 4 for p in pieces)
    assert exports._pieces("") == [""]


def test_lone_surrogates_survive_jsonl_and_csv_stays_utf8():
    m = Match({"id": "s", "title": "제목\ud800", "body": "본문"})
    head, row = b"".join(exports.chunks(_export(m), "jsonl")).decode("utf-8").splitlines()
    assert json.loads(row)["title"] == "제목\ud800" and json.loads(head)["newsearch_export"]["publisher"] == "가나"
    data = b"".join(exports.chunks(_export(m), "csv"))
    assert data.decode("utf-8-sig").splitlines()[1].startswith("s,,,,제목?,")


def test_download_names():
    name = exports.filename(SearchRequest('"디지털 헬스케어" / 카카오?'), "xlsx")
    assert name.startswith("newsearch-디지털_헬스케어_카카오-") and name.endswith(".xlsx")
    assert exports.content_disposition("newsearch-헬스케어-20260101.csv") == (
        "attachment; filename=\"newsearch-20260101.csv\"; "
        "filename*=UTF-8''newsearch-%ED%97%AC%EC%8A%A4%EC%BC%80%EC%96%B4-20260101.csv")
