"""The Flask UI and JSON API against a real index of the seeds (Flask test client)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from click.testing import CliRunner

from newsearch.cli import main as cli_main
from newsearch.web import create_app, paragraphs, safe_url

from .conftest import write_jsonl

# The two Kakao Healthcare seeds: they must rank first (in either order).
KAKAO_HC = {"002_5199239f47117fff.txt", "004_24bd54923c893d98.txt"}
HIT_LINK = re.compile(r'<h2 class="hit-title"><a href="/article/([^"?]+)\?q=')
JSONL_ROWS = [
    {"id": "feed/evil-1", "title": "<b>굵은</b> 제목의 피싱 기사", "body": "첫 문단은 피싱 주소를 다룬다.\n\n둘째 문단도 피싱 이야기다.",
     "date": "2023-05-01", "publisher": "테스트일보", "url": "javascript:alert(document.cookie)"},
    {"id": "sub/dir/x.html", "title": "정상 주소를 가진 반도체 기사", "body": "반도체 수출이 늘었다.\n\n반도체 업계는 반긴다.",
     "date": "2023-06-02", "publisher": "테스트일보", "url": "https://example.com/news/1?a=1&b=2"},
    {"id": "odd url", "title": "데이터 주소 기사", "body": "데이터 주소를 쓴 반도체 기사다.",
     "publisher": "테스트일보", "url": "  JaVaScRiPt:alert(1)"},
]


@pytest.fixture(scope="module")
def app(seed_index):
    """One app (one Searcher) over the seed index for the whole module."""
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def jsonl_index(tmp_path_factory, kiwi):
    """A tiny index built from JSONL rows with hostile fields (javascript: urls, HTML in titles)."""
    from newsearch.backends import update

    base = tmp_path_factory.mktemp("web-jsonl")
    src = base / "odd.jsonl"
    write_jsonl(src, JSONL_ROWS)
    stats = update(base / "index", [src])
    assert stats.failed == 0, stats.problems
    return base / "index"


@pytest.fixture(scope="module")
def odd_client(jsonl_index):
    return create_app({"INDEX_DIR": str(jsonl_index), "TESTING": True}).test_client()


def page(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code)
    return r.get_data(as_text=True)


def hit_ids(html: str) -> list[str]:
    return HIT_LINK.findall(html)


# -- pages -------------------------------------------------------------------------------------


def test_home_has_accessible_search_box(client):
    html = page(client, "/")
    assert '<html lang="ko">' in html
    assert 'name="q"' in html and "autofocus" in html
    assert '<label class="visually-hidden" for="q-home">검색어</label>' in html
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
    assert 'rel="search" type="application/opensearchdescription+xml"' in html
    assert 'name="viewport"' in html
    assert "5건" in html


def test_search_ranks_kakao_healthcare_first(client):
    html = page(client, "/search?q=" + quote("카카오헬스케어"))
    assert set(hit_ids(html)[:2]) == KAKAO_HC
    assert "<mark>카카오헬스케어</mark>" in html
    assert 'value="카카오헬스케어"' in html  # the box keeps the query
    assert re.search(r"검색결과 기사 <strong>\d+</strong>건", html)
    assert "중복 묶음 후" not in html and "같은 기사" not in html  # no copies among the seeds
    assert re.search(r"\(\d+ms\)", html)
    assert 'href="/article/002_5199239f47117fff.txt?q=%EC%B9%B4' in html


def test_root_with_query_shows_results(client):
    assert set(hit_ids(page(client, "/?q=" + quote("카카오헬스케어")))[:2]) == KAKAO_HC


def test_pagination_spans_all_hits(client):
    q = quote("카카오")
    seen = []
    for n in (1, 2, 3):
        html = page(client, f"/search?q={q}&limit=1&page={n}")
        ids = hit_ids(html)
        assert len(ids) == 1
        seen += ids
        assert f'aria-current="page" class="current">{n}<' in html
        assert ('rel="prev"' in html) == (n > 1)
        assert ('rel="next"' in html) == (n < 3)
        assert re.search(f'<ol class="hits"[^>]* start="{n}">', html)
    assert set(seen[:2]) == KAKAO_HC and len(set(seen)) == 3
    html = page(client, f"/search?q={q}&limit=2&page=2")
    assert len(hit_ids(html)) == 1


def test_page_past_the_end_redirects_to_last(client):
    r = client.get("/search?q=" + quote("카카오") + "&limit=1&page=40")
    assert r.status_code == 302 and r.headers["Location"].endswith("page=3")


def test_publisher_filter_and_facet_counts(client):
    q = quote("카카오헬스케어")
    html = page(client, f"/search?q={q}")
    assert re.search(r"코메디닷컴 <span class=\"count\">1</span>", html)
    assert "publisher=%EC%BD%94%EB%A9%94%EB%94%94%EB%8B%B7%EC%BB%B4" in html  # facet links are filters
    html = page(client, f"/search?q={q}&publisher=" + quote("코메디닷컴"))
    assert hit_ids(html) == ["004_24bd54923c893d98.txt"]
    assert re.search(r'aria-current="true" class="active">코메디닷컴', html)
    assert "아이뉴스24 <span" in html  # other publishers still offered
    html = page(client, f"/search?q={q}&publisher=" + quote("없는신문"))
    assert hit_ids(html) == [] and "검색결과가 없습니다" in html and "조건을 해제" in html


def hit_dates(html: str) -> list[str | None]:
    """The date of each hit in page order (None when a hit has no date)."""
    hits = html.split('<li class="hit">')[1:]
    metas = [re.search(r'<p class="hit-meta">(.*?)</p>', h, re.S).group(1) for h in hits]  # not the copies
    return [m.group(1) if (m := re.search(r'<time datetime="([^"]+)"', h)) else None for h in metas]


def test_sort_newest(client):
    q = quote("헬스케어")
    html = page(client, f"/search?q={q}&sort=newest")
    ids, dates = hit_ids(html), hit_dates(html)
    dated = [d for d in dates if d]
    assert len(dated) >= 2 and dated == sorted(dated, reverse=True)
    assert dates == dated + [None] * (len(dates) - len(dated))  # undated articles last
    assert ids.index("001_2bc103dad1454d7c.txt") < ids.index("000_7982a9e012f08afc.txt")  # 2021 before 2018
    assert ids != hit_ids(page(client, f"/search?q={q}"))  # relevance order differs
    assert 'class="active">최신순' in html
    assert page(client, "/search?q=x&sort=best", 400)  # oldest first is a sort too (tests/test_periods.py)


def test_date_filter(client):
    q = quote("헬스케어")
    html = page(client, f"/search?q={q}&from=2020-01-01")
    ids = hit_ids(html)
    assert "001_2bc103dad1454d7c.txt" in ids and "000_7982a9e012f08afc.txt" not in ids
    assert all(d and d >= "2020-01-01" for d in hit_dates(html))
    html = page(client, f"/search?q={q}&from=2018-01-01&to=2019-12-31")
    assert "000_7982a9e012f08afc.txt" in hit_ids(html) and "001_2bc103dad1454d7c.txt" not in hit_ids(html)
    assert all(d and "2018-01-01" <= d[:10] <= "2019-12-31" for d in hit_dates(html))
    assert 'value="2018-01-01"' in html and "기간: 2018-01-01 ~ 2019-12-31" in html
    assert "날짜는 YYYY-MM-DD" in page(client, f"/search?q={q}&from=2020-13-40", 400)
    assert "시작 날짜가" in page(client, f"/search?q={q}&from=2021-01-01&to=2020-01-01", 400)
    # the empty fields an unfilled date form submits are fine
    assert hit_ids(page(client, f"/search?q={q}&from=&to=")) == hit_ids(page(client, f"/search?q={q}"))


def test_query_is_escaped(client):
    evil = "<script>alert(1)</script>"
    html = page(client, "/search?q=" + quote(evil))
    assert "<script>alert" not in html and "</script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # only the static scripts (app.js, and the pages' own: suggest.js, detailed.js), none made of the query
    assert html.count("<script") == len(re.findall(r'<script src="/static/[a-z]+\.js"', html)) >= 1
    html = page(client, "/article/002_5199239f47117fff.txt?q=" + quote(evil))
    assert "<script>alert" not in html
    html = page(client, '/search?q=' + quote('"><img src=x onerror=alert(1)>'))
    assert "<img src=x" not in html


def test_only_particles_shows_reason(client):
    for text in ("을를이가", "에서", "...?"):
        html = page(client, "/search?q=" + quote(text))
        assert "검색할 수 있는 낱말이 없습니다" in html, text
        assert hit_ids(html) == []
        assert f'value="{text}"' in html  # the box keeps what was typed
    assert "검색어를 입력해 주세요" in page(client, "/search?q=")
    assert "검색어를 입력해 주세요" in page(client, "/search?q=+++")
    assert "제외할 단어" in page(client, "/search?q=" + quote("-카카오"))


def test_did_you_mean(client):
    html = page(client, "/search?q=" + quote("카카오헬스캐어"))
    assert "혹시 이것을 찾으셨나요?" in html
    assert 'class="suggestion-link">카카오헬스케어</a>' in html
    assert 'href="/search?q=%EC%B9%B4%EC%B9%B4%EC%98%A4%ED%97%AC%EC%8A%A4%EC%BC%80%EC%96%B4"' in html


def test_empty_state(client):
    html = page(client, "/search?q=" + quote("양자컴퓨터"))
    assert "‘<strong>양자컴퓨터</strong>’에 대한 검색결과가 없습니다." in html
    assert "검색결과 없음" in html


def test_bad_page_parameter_is_400_not_500(client):
    html = page(client, "/search?q=" + quote("카카오") + "&page=abc", 400)
    assert "검색 조건을 확인해 주세요" in html
    page(client, "/search?q=a&page=0", 400)
    page(client, "/search?q=a&limit=1000", 400)


# -- articles ----------------------------------------------------------------------------------


def test_article_page(client):
    html = page(client, "/article/002_5199239f47117fff.txt?q=" + quote("카카오헬스케어"))
    assert "<mark>카카오헬스케어</mark>" in html
    assert "아이뉴스24" in html and "윤선훈" in html
    assert html.count("<p>") >= 3  # body paragraphs
    assert 'id="related-title">관련 기사' in html
    related = html.split('id="related-title"')[1]
    assert re.search(r'href="/article/(?!002_)[^"]+\?q=', related)  # related articles, not itself
    assert "검색결과로" in html
    for odd in ('"', "-카카오", "을를이가", "제목:", "OR", "\x00"):
        page(client, "/article/002_5199239f47117fff.txt?q=" + quote(odd))
    plain = page(client, "/article/002_5199239f47117fff.txt")
    assert "<mark>" not in plain.split('class="article-body"')[1]


def test_result_link_leads_to_article(client):
    html = page(client, "/search?q=" + quote("카카오헬스케어"))
    href = re.search(r'<h2 class="hit-title"><a href="([^"]+)"', html).group(1).replace("&amp;", "&")
    art = page(client, href)
    assert 'id="article-title"' in art and "<mark>" in art


@pytest.mark.parametrize("path", [
    "/article/no_such_article.txt",
    "/article/..%2F..%2Fetc%2Fpasswd",
    "/article/../../etc/passwd",
    "/article/%2e%2e/%2e%2e/etc/passwd",
    "/article//etc/passwd",
    "/article/..%5C..%5Cwindows%5Cwin.ini",
    "/article/" + quote("/work/main/seeds/000_7982a9e012f08afc.txt", safe=""),
])
def test_unknown_or_traversal_ids_are_404(client, path):
    r = client.get(path, follow_redirects=True)  # "//" is first merged by a redirect
    assert r.status_code == 404
    html = r.get_data(as_text=True)
    assert "root:" not in html and "[fonts]" not in html
    assert "찾을 수 없습니다" in html and "Traceback" not in html


def test_unsafe_url_is_not_a_link(odd_client):
    html = page(odd_client, "/article/feed/evil-1")
    assert 'href="javascript' not in html.lower()
    assert "javascript:alert(document.cookie)" in html  # shown as text only
    assert "&lt;b&gt;굵은&lt;/b&gt;" in html and "<b>굵은" not in html
    assert html.count("<p>") >= 2
    html = page(odd_client, "/article/" + quote("odd url"))
    assert "href=\"  javascript" not in html.lower() and 'href="javascript' not in html.lower()


def test_http_url_is_a_link_and_slash_ids_work(odd_client):
    html = page(odd_client, "/search?q=" + quote("반도체"))
    assert "/article/sub/dir/x.html?q=" in html
    html = page(odd_client, "/article/sub/dir/x.html?q=" + quote("반도체"))
    assert 'href="https://example.com/news/1?a=1&amp;b=2"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<mark>반도체</mark>" in html


def test_safe_url_and_paragraph_helpers():
    assert safe_url("https://a.kr/x") == "https://a.kr/x"
    assert safe_url("HTTP://a.kr") == "HTTP://a.kr"
    for bad in ("javascript:alert(1)", " javascript:x", "data:text/html,x", "//evil.com", "/local", "ftp://a",
                "http://", "https://a.kr/\nx", None, ""):
        assert safe_url(bad) is None, bad
    out = paragraphs("a <mark>b</mark>\n\nc<mark>d\n\ne</mark> f\nline")
    assert [str(p) for p in out] == ["a <mark>b</mark>", "c<mark>d</mark>", "<mark>e</mark> f<br>\nline"]


# -- API, OpenSearch, headers, errors -----------------------------------------------------------


def cli_json(index, *args) -> dict:
    result = CliRunner().invoke(cli_main, ["query", *args, "--json", "--index", str(index)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("text,query_args,cli_args", [
    ("카카오헬스케어", "", []),
    ("카카오헬스케어", "&limit=1&page=2", ["--limit", "1", "--page", "2"]),
    ("헬스케어", "&sort=newest&limit=3", ["--sort", "newest", "--limit", "3"]),
    ("헬스케어", "&publisher=" + quote("디지털데일리"), ["--publisher", "디지털데일리"]),
    ("헬스케어", "&from=2018-01-01&to=2020-12-31", ["--from", "2018-01-01", "--to", "2020-12-31"]),
    ("카카오헬스캐어", "", []),
    ("을를이가", "", []),
    ("<script>alert(1)</script>", "", []),
])
def test_api_matches_cli_json(client, seed_index, text, query_args, cli_args):
    r = client.get("/api/search?q=" + quote(text) + query_args)
    assert r.status_code == 200 and r.mimetype == "application/json"
    api = r.get_json()
    cli = cli_json(seed_index, text, *cli_args)
    assert isinstance(api.pop("took_ms"), (int, float))
    cli.pop("took_ms")
    if "reason" in cli:  # the same code; the API words the reason in Korean, the CLI in English
        assert api["reason_code"] == cli["reason_code"] and re.search("[가-힣]", api["reason"])
        assert not re.search("[가-힣]", cli["reason"])
        api["reason"] = cli["reason"]
    assert api == cli
    assert list(api) == list(cli)  # same key order as the CLI prints
    assert (api["page"], api["limit"]) == (int(query_args.split("page=")[1]) if "page=" in query_args else 1,
                                           int(re.search(r"limit=(\d+)", query_args).group(1)) if "limit=" in query_args else 10)


def test_api_shape(client):
    data = client.get("/api/search?q=" + quote("카카오헬스케어")).get_json()
    assert set(data) == {"query", "total", "total_groups", "page", "limit", "pages", "took_ms", "hits"}
    assert (data["page"], data["limit"], data["pages"]) == (1, 10, 1)
    assert data["total_groups"] == data["total"]  # no copies among the seeds
    assert set([h["id"] for h in data["hits"]][:2]) == KAKAO_HC
    assert set(data["hits"][0]) == {"id", "title", "date", "publisher", "url", "score", "snippet", "group", "copies", "quotes"}
    assert data["hits"][0]["group"]["size"] == 1 and data["hits"][0]["copies"] == []
    assert "<mark>" in data["hits"][0]["snippet"]


@pytest.mark.parametrize("args", ["q=a&page=abc", "q=a&page=0", "q=a&page=1001", "q=a&limit=0", "q=a&limit=101",
                                  "q=a&limit=-1", "q=a&sort=best", "q=a&from=2020-1-1", "q=a&to=yesterday",
                                  "q=a&from=2020-02-30", "page=1", "q=a&group=2", "q=a&group=no",
                                  "q=a&group=%EF%BC%90"])
def test_api_bad_parameters_are_400_json(client, args):
    r = client.get("/api/search?" + args)
    assert r.status_code == 400
    assert r.mimetype == "application/json" and r.get_json()["error"]


def test_api_unknown_route_is_json_404(client):
    r = client.get("/api/nothing")
    assert r.status_code == 404 and r.get_json()["error"]


def test_opensearch(client):
    r = client.get("/opensearch.xml")
    assert r.status_code == 200
    assert r.mimetype == "application/opensearchdescription+xml"
    body = r.get_data(as_text=True)
    assert 'template="http://localhost/search?q={searchTerms}"' in body
    assert "<ShortName>newsearch</ShortName>" in body
    assert 'href="/opensearch.xml"' in page(client, "/search?q=a")


@pytest.mark.parametrize("path", ["/", "/search?q=%EC%B9%B4%EC%B9%B4%EC%98%A4", "/api/search?q=a",
                                  "/article/nope", "/static/style.css", "/opensearch.xml", "/no/such/page"])
def test_security_headers(client, path):
    h = client.get(path).headers
    csp = h["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"]


def test_no_inline_script_or_style(client):
    for url in ("/", "/search?q=" + quote("카카오헬스케어"), "/article/002_5199239f47117fff.txt", "/nope"):
        html = page(client, url, 404 if url == "/nope" else 200)
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
        assert "<style" not in html and " style=" not in html and "onclick" not in html


def test_static_assets(client):
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/favicon.svg").status_code == 200


def test_korean_404_page(client):
    html = page(client, "/no/such/page", 404)
    assert '<html lang="ko">' in html and "페이지를 찾을 수 없습니다" in html
    assert 'name="q"' in html  # lets the reader search again


def test_korean_405_page(client):
    html = client.post("/search").get_data(as_text=True)
    assert "허용되지 않는 요청" in html


def test_korean_500_page(jsonl_index):
    app = create_app({"INDEX_DIR": str(jsonl_index), "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    r = app.test_client().get("/boom")
    html = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "서버 오류가 발생했습니다" in html and "secret internals" not in html and "Traceback" not in html
    assert r.headers["X-Frame-Options"] == "DENY"
    r = app.test_client().get("/api/boom")
    assert r.status_code == 500 and r.get_json()["error"]


def test_every_internal_link_works(client):
    """Crawl the links of a few pages: nothing may answer 5xx, and no link of ours is broken."""
    start = ["/", "/search?q=" + quote("카카오헬스케어") + "&limit=1", "/search?q=" + quote("헬스케어"),
             "/article/002_5199239f47117fff.txt?q=" + quote("카카오헬스케어")]
    seen = set()
    for url in start:
        html = page(client, url)
        for href in re.findall(r'(?:href|src|action)="(/[^"]*)"', html):
            href = href.replace("&amp;", "&")
            if href in seen:
                continue
            seen.add(href)
            r = client.get(href)
            assert r.status_code in (200, 302), (url, href, r.status_code)
    assert len(seen) > 20


@pytest.mark.parametrize("raw", ["%00", "%ED%A0%80", "%FF%FE", "a" * 3000, "%22", "%22%22%22", "-", "+", "OR%20OR",
                                 "title%3A", "%EC%A0%9C%EB%AA%A9%3A%22", "%E2%80%8B", "%0A%0D%09"])
def test_odd_queries_never_500(client, raw):
    for path in ("/search", "/api/search"):
        r = client.get(f"{path}?q={raw}")
        assert r.status_code == 200, (path, raw)


# -- copies of one wire story (issue 18) -------------------------------------------------------

# tests/fixtures/copies_web: seed 002 republished by two other outlets (another dateline, a date, its
# last paragraph cut). With the seeds they make one group of three copies.
COPIES_WEB = Path(__file__).parent / "fixtures" / "copies_web"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
STORY = {"002_5199239f47117fff.txt", "newsis_kakao_healthcare.txt", "yonhap_kakao_healthcare.txt"}
COPY_LINK = re.compile(r'<a class="copy-link" href="/article/([^"?]+)\?q=')


@pytest.fixture(scope="module")
def copies_index(tmp_path_factory, kiwi):
    from newsearch.backends import update

    ix = tmp_path_factory.mktemp("web-copies") / "index"
    stats = update(ix, [SEEDS, COPIES_WEB], name="whoosh")
    assert stats.failed == 0 and stats.added == 7, stats.problems
    return ix


@pytest.fixture(scope="module")
def copies_client(copies_index):
    return create_app({"INDEX_DIR": str(copies_index), "TESTING": True}).test_client()


def test_copies_fold_under_the_best_hit(copies_client):
    html = page(copies_client, "/search?q=" + quote("카카오헬스케어"))
    ids = hit_ids(html)
    shown = [i for i in ids if i in STORY]
    assert len(shown) == 1 and len(ids) == 3  # one article of the story, then the two others
    assert "기사 <strong>5</strong>건 · 중복 묶음 후 <strong>3</strong>건" in html
    # a real disclosure, folded, saying how many other copies there are
    assert html.count('<details class="copies">') == 1
    assert re.search(r"<summary>같은 기사 2건<span class=\"visually-hidden\">", html)
    copies = COPY_LINK.findall(html)
    assert set(copies) == STORY - set(shown)
    assert "뉴시스" in html and "연합뉴스" in html and "아이뉴스24" in html
    titles = re.findall(r'<a class="copy-link" href="[^"]+">([^<]*)</a>', html)
    assert len(titles) == 2 and all("카카오헬스케어" in t for t in titles)  # each copy shows its own title
    assert re.search(r'<time datetime="2023-06-2[78]T[0-9:]+">2023-06-2[78]</time>', html)
    # the switch to every copy keeps the query
    assert 'href="/search?q=%EC%B9%B4%EC%B9%B4%EC%98%A4%ED%97%AC%EC%8A%A4%EC%BC%80%EC%96%B4&amp;group=0"' in html
    assert "중복 기사 모두 보기" in html and "같은 기사 묶기" not in html
    for doc_id in copies:  # every copy link opens its article
        assert page(copies_client, f"/article/{doc_id}")


def test_group_0_shows_every_copy(copies_client):
    q = quote("카카오헬스케어")
    html = page(copies_client, f"/search?q={q}&group=0")
    ids = hit_ids(html)
    assert STORY <= set(ids) and len(ids) == 5
    assert "같은 기사 2건" not in html and "<details class=\"copies\"" not in html
    assert "기사 <strong>5</strong>건" in html and "중복 묶음 후" not in html
    assert "같은 기사 묶기" in html and "중복 기사 모두 보기" not in html
    assert f'href="/search?q={q}" class="group-link">같은 기사 묶기' in html
    assert hit_ids(page(copies_client, f"/search?q={q}&group=1")) == hit_ids(page(copies_client, f"/search?q={q}"))


def test_group_switch_keeps_the_other_parameters(copies_client):
    q = quote("헬스케어")
    html = page(copies_client, f"/search?q={q}&sort=newest&from=2019-01-01&limit=1&page=2")
    assert f'href="/search?q={q}&amp;sort=newest&amp;from=2019-01-01&amp;limit=1&amp;group=0"' in html
    html = page(copies_client, f"/search?q={q}&sort=newest&from=2019-01-01&limit=1&group=0")
    assert f'href="/search?q={q}&amp;sort=newest&amp;from=2019-01-01&amp;limit=1" class="group-link"' in html
    # the date form and the facets keep group=0 too
    assert '<input type="hidden" name="group" value="0">' in html
    assert re.search(r'href="/search\?q=[^"]*&amp;sort=newest[^"]*&amp;group=0"[^>]*>[^<]*<span class="count">', html)


def test_paging_counts_groups_and_keeps_group_0(copies_client):
    q = quote("카카오헬스케어")
    grouped = [hit_ids(page(copies_client, f"/search?q={q}&limit=1&page={n}")) for n in (1, 2, 3)]
    assert all(len(ids) == 1 for ids in grouped) and len({ids[0] for ids in grouped}) == 3
    html = page(copies_client, f"/search?q={q}&limit=1&page=3")
    assert 'rel="next"' not in html and "3/3쪽" in html
    r = copies_client.get(f"/search?q={q}&limit=1&page=9")
    assert r.status_code == 302 and r.headers["Location"].endswith("page=3")
    seen = []
    for n in range(1, 6):
        html = page(copies_client, f"/search?q={q}&limit=1&group=0&page={n}")
        seen += hit_ids(html)
        assert f"{n}/5쪽" in html
        nav = html.split('<nav class="pagination"')[1].split("</nav>")[0]
        links = [parse_qs(urlsplit(h.replace("&amp;", "&")).query) for h in re.findall(r'href="([^"]+)"', nav)]
        assert links and all(a["group"] == ["0"] for a in links)  # every page link keeps group=0
        if n < 5:
            assert re.search(r'page=' + str(n + 1) + '[^"]*" rel="next"', nav)
    assert len(set(seen)) == 5 and STORY <= set(seen)
    r = copies_client.get(f"/search?q={q}&limit=1&group=0&page=9")
    assert r.status_code == 302
    assert parse_qs(urlsplit(r.headers["Location"]).query) == {
        "q": ["카카오헬스케어"], "limit": ["1"], "page": ["5"], "group": ["0"]}


def test_api_group_parameter(copies_client):
    q = quote("카카오헬스케어")
    data = copies_client.get(f"/api/search?q={q}").get_json()
    assert data["total"] == 5 and data["total_groups"] == 3 and len(data["hits"]) == 3
    story = [h for h in data["hits"] if h["id"] in STORY]
    assert len(story) == 1 and story[0]["group"]["size"] == 3
    assert {c["id"] for c in story[0]["copies"]} == STORY - {story[0]["id"]}
    assert {c["publisher"] for c in story[0]["copies"]} <= {"뉴시스", "연합뉴스", "아이뉴스24"}
    every = copies_client.get(f"/api/search?q={q}&group=0").get_json()
    assert every["total"] == 5 and "total_groups" not in every and len(every["hits"]) == 5
    assert STORY <= {h["id"] for h in every["hits"]}
    assert copies_client.get(f"/api/search?q={q}&group=1").get_json()["hits"] == data["hits"]
    r = copies_client.get(f"/api/search?q={q}&group=maybe")
    assert r.status_code == 400 and r.get_json()["error"].startswith("group:")
    assert "group:" in page(copies_client, f"/search?q={q}&group=maybe", 400)


def test_related_never_lists_copies_of_the_article(copies_client):
    html = page(copies_client, "/article/newsis_kakao_healthcare.txt")
    related = html.split('id="related-title"')[1]
    linked = set(re.findall(r'href="/article/([^"?]+)', related))
    assert linked and not linked & STORY
