"""Periods and order, filters kept, detailed search (issue 21): the library's presets and query composition, and
the web UI through the Flask test client over the seed index, with "today" set to 2021-11-26.

The seeds: 000 (2018-09-19, 장소희), 001 (2021-11-25, 임재현), 003 (2020-08-21, 이어진), 002 and 004 undated.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from newsearch import config
from newsearch.search import detailed, periods
from newsearch.web import create_app

TODAY = "2021-11-26"
HC_2021 = "001_2bc103dad1454d7c.txt"
KT_2018 = "000_7982a9e012f08afc.txt"
HIT_LINK = re.compile(r'<h2 class="hit-title"><a href="(/article/[^"]+)"')
HEALTHCARE = quote("헬스케어")


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "TODAY": TODAY}).test_client()


def get(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code)
    return r.get_data(as_text=True)


def hit_links(html: str) -> list[str]:
    return [unescape(h) for h in HIT_LINK.findall(html)]


def hit_ids(html: str) -> list[str]:
    return [urlsplit(h).path.removeprefix("/article/") for h in hit_links(html)]


def args_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(unescape(url)).query).items()}


def block(html: str, start: str, end: str) -> str:
    """The markup from the first `start` to the next `end` after it."""
    at = html.index(start)
    return html[at:html.index(end, at)]


# -- the library --------------------------------------------------------------------------------


def test_presets_count_back_from_today():
    day = date(2021, 11, 26)
    assert {p.code: (p.label, p.date_from, p.date_to) for p in periods.presets(day)} == {
        "1d": ("1일", "2021-11-25", TODAY), "1w": ("1주", "2021-11-19", TODAY),
        "1m": ("1개월", "2021-10-26", TODAY), "3m": ("3개월", "2021-08-26", TODAY),
        "6m": ("6개월", "2021-05-26", TODAY), "1y": ("1년", "2020-11-26", TODAY)}
    # a month without the day ends at its last day; a leap day a year on
    assert periods.resolve("1m", date(2024, 3, 31)) == ("2024-02-29", "2024-03-31")
    assert periods.resolve("3m", date(2021, 5, 31)) == ("2021-02-28", "2021-05-31")
    assert periods.resolve("1y", date(2024, 2, 29)) == ("2023-02-28", "2024-02-29")
    assert periods.resolve("6m", date(2022, 1, 15)) == ("2021-07-15", "2022-01-15")
    with pytest.raises(ValueError):
        periods.resolve("2w", day)


def test_a_range_is_a_preset_only_as_of_its_day():
    day = date(2021, 11, 26)
    assert periods.active(None, None, day) is None
    assert periods.active("2021-11-19", TODAY, day) == "1w"
    assert periods.active("2021-11-19", TODAY, date(2021, 11, 27)) == periods.CUSTOM  # a day later: just dates
    assert periods.active("2021-01-01", None, day) == periods.CUSTOM
    assert periods.label("1w") == "1주" and periods.label(periods.CUSTOM) is None


def test_today_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSEARCH_TODAY", "2020-02-29")
    assert config.today() == date(2020, 2, 29)
    monkeypatch.setenv("NEWSEARCH_TODAY", "not a day")
    assert config.today() == date.today()
    monkeypatch.delenv("NEWSEARCH_TODAY")
    assert config.today() == date.today()


@pytest.mark.parametrize("fields,query", [
    ({"all_words": "카카오 헬스케어"}, "+카카오 +헬스케어"),
    ({"all_words": "카카오"}, "카카오"),  # one positive part needs no +
    ({"phrase": '디지털 "헬스케어"'}, '"디지털 헬스케어"'),
    ({"any_words": "카카오, 네이버"}, "카카오 OR 네이버"),
    ({"all_words": "헬스케어", "any_words": "카카오 네이버"}, "+헬스케어 +카카오 OR 네이버"),
    ({"all_words": "헬스케어", "phrase": "디지털 헬스케어", "none_words": "광고 -협찬", "title_only": True},
     '+제목:헬스케어 +제목:"디지털 헬스케어" -광고 -협찬'),
    ({"all_words": "헬스케어", "reporter": "임재현, 장소희"}, "헬스케어 기자:임재현 기자:장소희"),
    ({"all_words": '+카카오 -x 제목:KT OR "따옴표'}, "+카카오 +x +KT +따옴표"),  # typed syntax is cleaned
    ({}, ""),
])
def test_detailed_fields_compose_the_query_syntax(fields, query):
    assert detailed.compose(**fields) == query


# -- sort and periods on the results page ----------------------------------------------------------


def test_presets_and_sorts_are_outside_the_foldable_filter_box(client):
    html = get(client, f"/search?q={HEALTHCARE}")
    bar = block(html, '<div class="options-bar"', '<details class="period-custom"')
    labels = re.findall(r">([^<>]+)</a></li>", bar)
    assert labels == ["관련도순", "최신순", "오래된순", "전체", "1일", "1주", "1개월", "3개월", "6개월", "1년"]
    assert "직접입력</summary>" in html
    filter_box = block(html, '<details class="filter-box"', "</details>")
    assert "1주" not in filter_box and "최신순" not in filter_box
    assert 'aria-current="true" class="active">관련도순' in bar and 'aria-current="true" class="active">전체' in bar
    week = re.search(r'href="([^"]+)" title="2021-11-19 ~ 2021-11-26" data-period="1w"', bar).group(1)
    assert args_of(week) == {"q": "헬스케어", "from": "2021-11-19", "to": TODAY}


def test_presets_narrow_the_results(client):
    everything = hit_ids(get(client, f"/search?q={HEALTHCARE}&limit=100"))
    assert len(everything) >= 4 and HC_2021 in everything and KT_2018 in everything
    html = get(client, f"/search?q={HEALTHCARE}&from=2021-11-19&to={TODAY}")
    assert hit_ids(html) == [HC_2021]
    assert 'data-period="1w" aria-current="true" class="active">1주' in html
    assert "기간: 1주 (2021-11-19 ~ 2021-11-26)" in html
    assert hit_ids(get(client, f"/search?q={HEALTHCARE}&from=2020-11-26&to={TODAY}")) == [HC_2021]  # 1년
    # another range is 직접입력: its form is open and says so
    html = get(client, f"/search?q={HEALTHCARE}&from=2018-01-01&to=2018-12-31")
    assert hit_ids(html) == [KT_2018]
    assert '<details class="period-custom" open>' in html and '<summary class="active">직접입력' in html


def test_oldest_first_on_the_page_and_in_the_api(client):
    html = get(client, f"/search?q={HEALTHCARE}&sort=oldest&limit=100")
    assert 'aria-current="true" class="active">오래된순' in html and '<span class="tag">오래된순</span>' in html
    dates = [d for d in re.findall(r'<p class="hit-meta">\s*(?:<span class="publisher">[^<]*</span>)?\s*'
                                   r'(?:<time datetime="([^"]+)")?', html)]
    known = [d for d in dates if d]
    assert known == sorted(known) and known[0].startswith("2018-09-19")
    assert dates == known + [""] * (len(dates) - len(known))  # undated last
    api = client.get(f"/api/search?q={HEALTHCARE}&sort=oldest&limit=100").get_json()
    assert [h["id"] for h in api["hits"]] == hit_ids(html)
    assert "relevance, newest, oldest" in client.get("/api/search?q=a&sort=best").get_json()["error"]


# -- filters kept -------------------------------------------------------------------------------


def header_form(html: str) -> str:
    return block(html, '<header class="site-header">', "</header>")


def test_a_new_query_keeps_the_filters_and_reset_drops_them(client):
    html = get(client, f"/search?q={HEALTHCARE}&sort=oldest&from=2018-01-01&to={TODAY}&publisher={quote('디지털데일리')}"
                       "&group=0&limit=5&page=1&nc=1")
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', header_form(html)))
    assert hidden == {"sort": "oldest", "publisher": "디지털데일리", "from": "2018-01-01", "to": TODAY,
                      "limit": "5", "group": "0"}  # not the page, not "search as typed"
    reset = re.search(r'<a class="reset-link" href="([^"]+)">조건 초기화</a>', html).group(1)
    assert args_of(reset) == {"q": "헬스케어"}
    assert "새 검색에도 유지되는 조건" in html
    # a new query through that form: the same options
    new = get(client, "/search?q=KT&" + "&".join(f"{k}={quote(v)}" for k, v in hidden.items()))
    assert "기간: 2018-01-01 ~ 2021-11-26" in new and "언론사: 디지털데일리" in new
    # nothing to keep: no hidden fields, no reset
    plain = get(client, f"/search?q={HEALTHCARE}")
    assert 'type="hidden"' not in header_form(plain) and "조건 초기화" not in plain


def test_the_article_back_link_returns_to_the_same_results(client):
    url = f"/search?q={HEALTHCARE}&sort=oldest&from=2018-01-01&limit=1&page=2"
    html = get(client, url)
    link = hit_links(html)[0]
    assert args_of(link) == {"q": "헬스케어", "sort": "oldest", "from": "2018-01-01", "limit": "1", "page": "2"}
    article = get(client, link)
    back = unescape(re.search(r'<p class="back"><a href="([^"]+)"', article).group(1))
    assert urlsplit(back).path == "/search" and args_of(back) == args_of(url)
    assert hit_ids(get(client, back)) == hit_ids(html)  # the same page of the same results
    # the article's own links (related articles) keep the way back; its search box keeps the filters
    related = re.findall(r'<aside class="related".*?</aside>', article, re.S)[0]
    for href in re.findall(r'href="(/article/[^"]+)"', related):
        assert args_of(href) == args_of(url)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', header_form(article)))
    assert hidden == {"sort": "oldest", "from": "2018-01-01", "limit": "1"}


def test_a_bad_option_in_the_article_url_only_loses_the_options(client):
    article = get(client, f"/article/{HC_2021}?q={HEALTHCARE}&sort=best&page=x")
    back = unescape(re.search(r'<p class="back"><a href="([^"]+)"', article).group(1))
    assert args_of(back) == {"q": "헬스케어"}


def test_copies_links_carry_the_state(client):
    html = get(client, f"/search?q={HEALTHCARE}&sort=newest")
    assert all(args_of(h).get("sort") == "newest" for h in hit_links(html))


# -- detailed search ------------------------------------------------------------------------------


def test_detailed_form_on_home_and_results(client):
    for url in ("/", f"/search?q={HEALTHCARE}&sort=oldest&from=2021-11-19&to={TODAY}&publisher=x"):
        html = get(client, url)
        form = block(html, '<form class="detailed-form"', "</form>")
        for name in ("all", "phrase", "any", "none", "title", "reporter", "publisher", "period", "from", "to"):
            assert f'name="{name}"' in form, (url, name)
        assert '<script src="/static/detailed.js" defer></script>' in html
    # on a results page it starts from the page's filters and keeps its sort
    assert '<option value="1w" selected>1주</option>' in form and 'value="x"' in form
    assert '<input type="hidden" name="sort" value="oldest">' in form


def test_detailed_search_writes_the_query_into_the_box(client):
    r = client.get("/detailed?all=%ED%97%AC%EC%8A%A4%EC%BC%80%EC%96%B4&phrase=&any=&none=KT"
                   "&title=1&reporter=&publisher=&period=1y&from=2000-01-01&to=&sort=newest")
    assert r.status_code == 302
    target = args_of(r.headers["Location"])
    assert target == {"q": "제목:헬스케어 -KT", "from": "2020-11-26", "to": TODAY, "sort": "newest"}  # the preset wins
    html = get(client, r.headers["Location"])
    assert 'value="제목:헬스케어 -KT"' in header_form(html)  # the syntax, in the box
    assert hit_ids(html) == [HC_2021]


def test_detailed_search_by_reporter_and_custom_dates(client):
    r = client.get(f"/detailed?all={HEALTHCARE}&reporter={quote('임재현')}&period=custom&from=2021-01-01"
                   f"&to=2021-12-31&publisher={quote('디지털데일리')}")
    target = args_of(r.headers["Location"])
    assert target == {"q": "헬스케어 기자:임재현", "from": "2021-01-01", "to": "2021-12-31", "publisher": "디지털데일리"}
    assert hit_ids(get(client, r.headers["Location"])) == [HC_2021]
    # the live preview asks the same composition
    got = client.get("/api/detailed?any=%EC%B9%B4%EC%B9%B4%EC%98%A4+%EB%84%A4%EC%9D%B4%EB%B2%84&title=1").get_json()
    assert got == {"q": "제목:카카오 OR 제목:네이버"}
    # nothing filled in: the empty query's own message
    r = client.get("/detailed")
    assert r.status_code == 302 and "검색어를 입력해 주세요" in get(client, r.headers["Location"])


def test_reporter_query_on_the_page(client):
    html = get(client, "/search?q=" + quote("헬스케어 기자:임재현"))
    assert hit_ids(html) == [HC_2021]
    assert "기자 조건만으로는" not in html
    only = get(client, "/search?q=" + quote("기자:임재현"))
    assert "기자(기자:이름) 조건만으로는 검색할 수 없습니다" in only
