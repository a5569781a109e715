"""Query and stripper robustness (issue 7): property-based tests with arbitrary Unicode.

No exception but the documented ones escapes `newsearch.search.querylang.parse`, `Searcher.search`, the stripper
(`strip_text_dump`, `extract_html`, `decode_bytes`) or any web route (never a 500).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsearch.extract import ExtractError, decode_bytes, extract_bytes, extract_html, strip_text_dump
from newsearch.analysis import Analyzer
from newsearch.backends.whoosh.queries import compile_tree
from newsearch.search.querylang import parse
from newsearch.search.settings import Ranking
from newsearch.web import create_app

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

# Any code point, lone surrogates and control characters included.
any_char = st.characters(exclude_categories=())
any_text = st.text(any_char, max_size=300)
# Pieces of the query language and Korean text, glued together in any order.
PIECES = ['"', "'", "(", ")", "[", "]", "OR", "or", "AND", "NOT", "-", "+", "--", "+-", "title:", "제목:", "본문:",
          "body:", "title:\"", ":", "*", "?", "~", "^2", "\\", "을", "를", "에서", "은", "는", "이다", "카카오",
          "헬스케어", "카카오헬스케어가", "KT", "5G", "KT&G", "35.47%", "디지털", "漢字", "😀", "\u200b", "\ufeff",
          "\x00", "\x1b[31m", "\n", "\t", "\r", "\ud800", "\udfff", "\u0301", "ㄱ", "ㅏ", " ", "  ", "a" * 50,
          "<script>", "&amp;", "%00", "{", "}", "/", "..", "\U0010ffff"]
query_text = st.one_of(
    any_text,
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join),
)
EDGE_QUERIES = [
    "", " ", "\x00", "\ud800", "\udc00\ud800", '"', '""', '"""', '"카카오', '카카오"', "(", ")", "((카카오", "카카오))",
    "OR", "OR OR", "카카오 OR", "OR 카카오", "카카오 OR OR 헬스케어", "-", "--", "-카카오", "- 카카오", "-\"카카오\"",
    "+", "++카카오", "+-카카오", "title:", "제목:", "title:\"", "title:\"\"", "title:-카카오", "-title:카카오",
    "title:title:카카오", "을를이가", "에서 의 를", "은는이가 을를", "...?!", "。、", "を", "the of and",
    "카카오" * 10_000, "가" * 100_000, " ".join(["카카오"] * 20_000), "\x00" * 100_000, '"' * 50_000,
    "(" * 50_000, "-" * 100_000, "OR " * 30_000, "title:" * 15_000,
]


def check_parse(text: str) -> None:
    parsed = parse(text, Analyzer.for_words())
    if parsed.reason is None:
        assert parsed.should or parsed.must
        assert compile_tree(parsed, Ranking()).query is not None
    else:
        assert parsed.reason
    for term in parsed.highlight_terms:
        term.encode("utf-8")


@pytest.mark.parametrize("text", EDGE_QUERIES, ids=range(len(EDGE_QUERIES)))
def test_parse_edge_cases(kiwi, text):
    check_parse(text)


@FUZZ
@given(text=query_text)
def test_parse_never_raises(kiwi, text):
    check_parse(text)


def check_search(searcher, text: str, **opts) -> None:
    res = searcher.search(text, **opts)
    assert res.total >= 0 and len(res.hits) <= res.limit
    assert (res.reason is None) or res.hits == []
    data = res.to_json()
    import json

    data.pop("query")  # the echo of the input: see test_search_json_echo_is_valid_utf8
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # serialisable, no lone surrogates
    for hit in res.hits:
        assert "<" not in hit.snippet_html.replace("<mark>", "").replace("</mark>", "")


# Long runs of one word make Searcher.suggest slow (see test_long_queries_answer_within_a_second).
SEARCH_EDGE = [q for q in EDGE_QUERIES if not q.startswith(("카카오카카오", "title:title:"))]


@pytest.mark.parametrize("text", SEARCH_EDGE, ids=range(len(SEARCH_EDGE)))
def test_search_edge_cases(searcher, text):
    check_search(searcher, text)


@FUZZ
@given(text=query_text, page=st.integers(-5, 2000), limit=st.integers(-5, 500),
       sort=st.sampled_from(["relevance", "newest", "bogus"]),
       publisher=st.one_of(st.none(), st.sampled_from(["디지털데일리", "", "\ud800", "<x>"]), any_text),
       date_from=st.one_of(st.none(), st.sampled_from(["2018-01-01", "", "9999-99-99", "\uffff"]), any_text),
       date_to=st.one_of(st.none(), st.sampled_from(["2020-12-31", "", "0000-00-00"]), any_text))
def test_search_never_raises(searcher, text, page, limit, sort, publisher, date_from, date_to):
    check_search(searcher, text, page=page, limit=limit, sort=sort, publisher=publisher, date_from=date_from,
                 date_to=date_to)


def test_search_json_echo_is_valid_utf8(searcher):
    import json

    json.dumps(searcher.search("카카오 \ud800").to_json(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("text", ["title:" * 100])
def test_long_queries_answer_within_a_second(searcher, text):
    import time

    searcher.search("카카오")
    t0 = time.perf_counter()
    searcher.search(text)
    assert time.perf_counter() - t0 < 0.5


@FEW
@given(q=st.one_of(st.none(), query_text))
def test_article_highlighting_never_raises(searcher, q):
    art = searcher.article("002_5199239f47117fff.txt", q)
    assert art is not None and art["body_html"]


# -- the stripper -----------------------------------------------------------------------------------

NEWS_LINES = ["카카오헬스케어가 새 서비스를 내놓았다고 밝혔다.", "홍길동 기자 hong@example.com", "무단전재 및 재배포 금지",
              "2024-05-02 09:15", "[사진=연합뉴스]", "관련기사", "댓글 3", "▲ 사진 설명", "트위터 공유", "입력 2020.08.27 20:27",
              "ⓒ 예시일보", "", "   ", "<p>", "</div>", "다.", "요."]
dump_text = st.one_of(
    st.text(any_char, max_size=2000),
    st.lists(st.one_of(st.sampled_from(NEWS_LINES), st.text(any_char, max_size=80)), max_size=60).map("\n".join),
)
HTML_PIECES = ["<html>", "<head>", "<meta charset=\"euc-kr\">", "<meta charset='", "<meta property=\"og:title\" content=\"",
               "<title>", "</title>", "<body>", "<article>", "<div id=\"articleBody\">", "<p>", "</p>", "<br>", "<script>",
               "</script>", "<!--", "-->", "<![CDATA[", "]]>", "<", ">", "&", "&#0;", "&#xd800;", "&#99999999;", "&lt;",
               "\"", "'", "=", "<style>", "<table><tr><td>", "</div>", "</article>", "<script type=\"application/ld+json\">",
               "{\"@type\":\"NewsArticle\",\"datePublished\":\"", "2020-13-45T99:99", "\"}", "카카오헬스케어가 새 서비스를 내놓았다.",
               "기자", "\x00", "\ud800", "\ufeff"]
html_text = st.one_of(st.text(any_char, max_size=2000), st.lists(st.sampled_from(HTML_PIECES), max_size=60).map("".join))


def only_extract_error(fn, *args) -> None:
    try:
        art = fn(*args)
    except ExtractError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(art.body, str) and art.body.strip()
    for value in art.to_dict().values():
        if value is not None:
            assert isinstance(value, str)


@FUZZ
@given(text=dump_text)
@example(text="\ud800다.\n" * 5)
@example(text="가나다라마바사 아자차카타파하가 나다라마바사가 다.\n" * 3000)
def test_strip_text_dump_only_raises_extract_error(text):
    only_extract_error(strip_text_dump, text)


@FUZZ
@given(html=html_text)
@example(html="<" * 100_000)
@example(html="<div>" * 5_000 + "카카오헬스케어가 새 서비스를 내놓았다고 밝혔다. 업계가 주목한다." + "</div>" * 5_000)
def test_extract_html_only_raises_extract_error(html):
    only_extract_error(extract_html, html)


@FUZZ
@given(data=st.binary(max_size=3000), kind=st.sampled_from(["html", "txt"]))
def test_extract_bytes_only_raises_extract_error(data, kind):
    only_extract_error(extract_bytes, data, kind)


@FUZZ
@given(html=html_text, encoding=st.sampled_from(["utf-8", "cp949", "utf-16", "latin-1"]))
def test_extract_html_bytes_only_raises_extract_error(html, encoding):
    only_extract_error(extract_html, html.encode(encoding, errors="replace"))


@FUZZ
@given(data=st.binary(max_size=3000), declared=st.one_of(st.none(), any_text,
                                                         st.sampled_from(["euc-kr", "utf-8", "utf-16", "latin-1",
                                                                          "x-user-defined", "rot13", "base64",
                                                                          "zlib", "bogus", "", "\x00", "idna"])))
def test_decode_bytes_never_raises(data, declared):
    text = decode_bytes(data, declared)
    assert isinstance(text, str)


# -- web routes -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client()


def raw_quote(text: str) -> str:
    """Percent-encode text as UTF-8, lone surrogates as the invalid bytes a browser could send."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=query_text, extra=st.sampled_from(["", "&page=2", "&limit=100", "&sort=newest", "&publisher=x", "&from=2018-01-01",
                                            "&page=%00", "&limit=%ED%A0%80", "&from=%FF", "&sort=%22"]))
def test_search_routes_never_500(client, q, extra):
    for path in ("/", "/search", "/api/search"):
        r = client.get(f"{path}?q={raw_quote(q)}{extra}")
        assert r.status_code in (200, 302, 400), (path, q, r.status_code)
        if path == "/api/search":
            assert r.is_json and isinstance(r.get_json(), dict)


@FEW
@given(doc_id=st.one_of(any_text.filter(bool), st.sampled_from(["..", "../..", "%2e%2e", "\x00", "a/../b", "//x"])),
       q=st.one_of(st.none(), query_text))
def test_article_route_never_500(client, doc_id, q):
    url = "/article/" + raw_quote(doc_id) + ("" if q is None else "?q=" + raw_quote(q))
    r = client.get(url)
    assert r.status_code in (200, 301, 302, 308, 404), (doc_id, r.status_code)


@pytest.mark.parametrize("text", EDGE_QUERIES[:40], ids=range(40))
def test_web_edge_queries_never_500(client, text):
    for path in ("/search", "/api/search"):
        r = client.get(f"{path}?q={raw_quote(text)}")
        assert r.status_code == 200, (path, r.status_code)
    r = client.get("/article/002_5199239f47117fff.txt?q=" + raw_quote(text))
    assert r.status_code == 200
