"""Rough edges of issue 21 outside the browser: the API's paging fields, its caching (Cache-Control, ETag, 304),
one language in its errors and reasons, a reversed date range on the results page, a very long query, and the
article's readable source link."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from newsearch.cli import main as cli_main
from newsearch.web import PAGE_QUERY_CHARS, create_app, readable_url

HANGUL = re.compile("[가-힣]")
Q = quote("헬스케어")


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client()


def cli_json(index, *args) -> dict:
    result = CliRunner().invoke(cli_main, ["query", *args, "--json", "--index", str(index)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# -- paging ------------------------------------------------------------------------------------


@pytest.mark.parametrize("args,page,limit,pages", [("", 1, 10, 1), ("&limit=1", 1, 1, 4), ("&limit=1&page=3", 3, 1, 4),
                                                   ("&limit=3&page=2", 2, 3, 2)])
def test_api_and_cli_json_carry_paging(client, seed_index, args, page, limit, pages):
    api = client.get(f"/api/search?q={Q}{args}").get_json()
    assert (api["page"], api["limit"], api["pages"]) == (page, limit, pages)
    assert api["total"] == 4 and len(api["hits"]) == min(limit, api["total"] - (page - 1) * limit)
    cli_args = [a for pair in re.findall(r"&(\w+)=(\d+)", args) for a in (f"--{pair[0]}", pair[1])]
    cli = cli_json(seed_index, "헬스케어", *cli_args)
    assert (cli["page"], cli["limit"], cli["pages"]) == (page, limit, pages)


def test_paging_of_an_empty_or_refused_query(client):
    for q in ("없는낱말이라네", "을를"):
        data = client.get("/api/search?q=" + quote(q)).get_json()
        assert (data["page"], data["limit"], data["pages"], data["total"]) == (1, 10, 1, 0)


# -- caching -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"/api/search?q={Q}", f"/api/search?q={Q}&limit=2&page=2",
                                  f"/api/trend?q={Q}&by=year", f"/api/related-words?q={Q}"])
def test_api_answers_are_cacheable_and_revalidate(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert "public" in r.headers["Cache-Control"] and "max-age=60" in r.headers["Cache-Control"]
    tag = r.headers["ETag"]
    assert tag
    # the same answer (its timing aside) keeps its tag; a conditional GET is a 304 without a body
    assert client.get(path).headers["ETag"] == tag
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert client.get(path, headers={"If-None-Match": 'W/"stale"'}).status_code == 200


def test_partial_or_failed_answers_are_not_cached(seed_index, monkeypatch):
    from newsearch.search import Reason, Results

    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True})
    searcher = app.extensions["newsearch.searcher"]
    answers = [Results(query="헬스케어", warning="partial results: 1 of 2 shards answered"),
               Results(query="헬스케어", reason=Reason.BACKEND_UNAVAILABLE, reason_detail="node 1: refused")]
    monkeypatch.setattr(searcher, "search", lambda *_a, **_k: answers[0])
    r = app.test_client().get(f"/api/search?q={Q}")
    assert r.status_code == 200 and "no-store" in r.headers["Cache-Control"] and "ETag" not in r.headers
    assert "no-store" in app.test_client().get(f"/search.atom?q={Q}").headers["Cache-Control"]
    monkeypatch.setattr(searcher, "search", lambda *_a, **_k: answers[1])
    r = app.test_client().get(f"/api/search?q={Q}")
    assert "no-store" in r.headers["Cache-Control"] and r.get_json()["reason_detail"] == "node 1: refused"
    assert app.test_client().get(f"/search.atom?q={Q}").status_code == 503


def test_another_answer_has_another_tag(client):
    tags = {client.get(f"/api/search?q={Q}{extra}").headers["ETag"]
            for extra in ("", "&limit=1", "&sort=newest", "&page=2&limit=1")}
    assert len(tags) == 4


# -- one language --------------------------------------------------------------------------------


def test_api_reason_is_korean_with_a_code(client, seed_index):
    api = client.get("/api/search?q=" + quote("을를이가")).get_json()
    assert HANGUL.search(api["reason"]) and api["reason_code"] == "no_searchable_words"
    cli = cli_json(seed_index, "을를이가")
    assert cli["reason_code"] == "no_searchable_words" and "particles" in cli["reason"]  # the CLI speaks English


@pytest.mark.parametrize("path", ["/api/search?q=a&page=0", "/api/search?q=a&from=2022-01-01&to=2020-01-01",
                                  "/api/search", "/api/nothing", f"/api/related-words?q={Q}&from=2022-01-01&to=2021-01-01",
                                  f"/api/trend?q={Q}&by=hour"])
def test_api_errors_are_korean(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404) and r.mimetype == "application/json"
    assert HANGUL.search(r.get_json()["error"])
    assert "from:" not in r.get_json()["error"]


def test_related_words_reason_is_korean(client):
    data = client.get("/api/related-words?q=" + quote("을를")).get_json()
    assert data["words"] == [] and data["reason_code"] == "no_searchable_words" and HANGUL.search(data["reason"])


def test_trend_reason_is_korean(client):
    data = client.get("/api/trend?q=" + quote("을를")).get_json()
    series = data["series"][0]
    assert series["reason_code"] == "no_searchable_words" and HANGUL.search(series["reason"])


# -- a reversed date range ------------------------------------------------------------------------


def test_a_reversed_range_keeps_the_filters_and_names_the_fields(client):
    r = client.get(f"/search?q={Q}&from=2022-01-01&to=2020-01-01&publisher=" + quote("디지털데일리"))
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert 'class="filters"' in html and 'class="hits"' in html  # the filter panel and the results stay
    alert = re.search(r'<p id="date-error" class="notice notice--error date-error" role="alert">([^<]+)</p>', html).group(1)
    assert "시작 날짜" in alert and "끝 날짜" in alert and "2022-01-01" in alert and "2020-01-01" in alert
    assert "from:" not in html and "to:" not in alert
    # the date form is open with the dates as entered, marked invalid and pointing at the message
    assert re.search(r'<details class="period-custom" open>', html)
    for name, value in (("from", "2022-01-01"), ("to", "2020-01-01")):
        assert re.search(f'<input id="{name}" type="date" name="{name}" value="{value}" aria-invalid="true" '
                         'aria-describedby="date-error">', html)
    # the other filters are kept in the page's links, the reversed range is not carried into them
    links = re.findall(r'href="(/search\?[^"]*)"', html)
    assert any("publisher=" in link for link in links) and not any("from=2022-01-01" in link for link in links)


# -- a very long query --------------------------------------------------------------------------


@pytest.mark.parametrize("text", [("헬스케어 " * 2000)[:10_000], "헬" * 10_000, ("카카오 헬스케어 " * 1000)[:10_000]])
def test_a_10000_character_query_makes_a_small_page(client, text):
    r = client.get("/search?q=" + quote(text))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert len(r.data) < 300_000, len(r.data)  # 8.5 MB before the cut for the first on this index
    assert "검색어가 길어" in html or "검색할 수 없는" in html
    assert ("헬" * (PAGE_QUERY_CHARS + 1)) not in html
    echoed = re.search(r'name="q" value="([^"]*)"', html).group(1)
    assert len(echoed) <= PAGE_QUERY_CHARS


def test_a_long_query_is_cut_at_a_space(client):
    html = client.get("/search?q=" + quote(("헬스케어 " * 60).strip())).get_data(as_text=True)
    echoed = re.search(r'name="q" value="([^"]*)"', html).group(1)
    assert echoed.endswith("헬스케어") and len(echoed) <= PAGE_QUERY_CHARS
    assert f"앞부분 {len(echoed)}자만" in html


def test_a_short_query_is_not_cut(client):
    html = client.get(f"/search?q={Q}").get_data(as_text=True)
    assert "검색어가 길어" not in html


# -- the article's source link, the 404 page, accessible names ---------------------------------


def test_readable_url():
    assert readable_url("https://www.example.com/%EB%89%B4%EC%8A%A4/%EA%B8%B0%EC%82%AC.html") == "example.com/뉴스/기사.html"
    long = readable_url("http://news.khan.co.kr/kh_news/khan_art_view.html?artid=201607051805001&code=920100")
    assert len(long) == 50 and long.endswith("…") and long.startswith("news.khan.co.kr/kh_news/")
    assert readable_url("https://x.kr/a%0Ab%E2%80%AEc") == "x.kr/abc"  # no control or bidi-override characters
    assert readable_url("https://x.kr/%FF") == "x.kr/\ufffd"
    assert readable_url(None) is None and readable_url("  ") is None


def test_404_page_points_up_to_the_search_box(client):
    html = client.get("/no/such/page").get_data(as_text=True)
    assert "맨 위 검색창" in html and "아래 검색창" not in html


def test_no_aria_label_hides_visible_text(client):
    """axe's label-content-name-mismatch: the logo and page links are named by their text (plus hidden words)."""
    html = client.get(f"/search?q={Q}&limit=1").get_data(as_text=True)
    assert 'aria-label="newsearch' not in html and '쪽">' not in html
    assert '뉴스검색<span class="visually-hidden"> 처음으로</span></a>' in html
    assert '>2<span class="visually-hidden">쪽</span></a>' in html
