"""Web security (issue 7): hostile articles and queries are escaped on every page a crawl reaches, every
response carries the security headers, no non-http(s) URL becomes a link, and ids cannot reach files.

tests/test_web.py checks single pages; this module indexes a JSONL of hostile articles and crawls.
"""

from __future__ import annotations

import html as html_lib
import json
from html.parser import HTMLParser
import re
from collections import deque
from urllib.parse import quote, urlsplit

import pytest

from newsearch.web import create_app

from .conftest import write_jsonl

MARK = "XSSMARK"  # inside every payload: wherever it shows up, the payload around it must be escaped
HOSTILE = [
    {"id": 'q"uote\'s<id>&amp', "title": f'<script>alert("{MARK}1")</script> 해킹 제목',
     "body": f'본문에 <img src=x onerror=alert("{MARK}2")> 태그가 있는 해킹 기사다.\n\n'
             f'둘째 문단에는 </p><script>{MARK}3</script> 가 들어 있다.',
     "publisher": f"<b onmouseover=alert('{MARK}4')>해킹일보</b>", "reporter": f"<i>{MARK}5</i>",
     "url": f"javascript:alert('{MARK}6')", "date": "2024-01-02"},
    {"id": "data-url", "title": "데이터 주소 해킹 기사", "body": f"데이터 주소를 쓴 해킹 기사다. \"><svg onload={MARK}7>",
     "url": f"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=={MARK}", "publisher": "해킹일보"},
    {"id": "vbscript", "title": f"\"><iframe src=//evil.example/{MARK}8> 해킹", "body": "주소가 이상한 해킹 기사다.",
     "url": f" \tJaVaScRiPt:alert('{MARK}9')"},
    {"id": "quoted-http", "title": "따옴표 주소 해킹 기사", "body": "정상 주소에 따옴표가 든 해킹 기사다.",
     "url": f'https://news.example/a?b="><script>{MARK}10</script>&c=\'x\''},
    {"id": "../../../../etc/passwd", "title": "경로 아이디 해킹 기사", "body": "아이디가 경로처럼 생긴 해킹 기사다.",
     "url": "//evil.example/protocol-relative"},
    {"id": "%2e%2e%2fsecret", "title": "인코딩된 아이디 해킹 기사", "body": "퍼센트 인코딩 아이디의 해킹 기사다.",
     "url": "file:///etc/passwd"},
    {"id": "unicode\u202eid", "title": f"방향 제어 문자 {MARK}11 해킹", "body": "유니코드 제어 문자가 든 해킹 기사다.",
     "url": "https://ok.example/정상"},
]
HOSTILE_QUERIES = [f'<script>alert("{MARK}q1")</script>', f'"><img src=x onerror={MARK}q2>', f"해킹 '\"{MARK}q3",
                   f"javascript:{MARK}q4", f"</title><script>{MARK}q5</script>", f"{{{{7*7}}}} {MARK}q6 해킹",
                   f"title:<b>{MARK}q7</b>", f"-<x {MARK}q8> 해킹"]
FORBIDDEN_TAGS = {"iframe", "svg", "object", "embed", "frame", "frameset", "applet", "base", "img"}


class Tags(HTMLParser):
    """The start tags of a page as the browser would see them, and the text of each <script>."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"}


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory, kiwi):
    from newsearch.backends import update

    base = tmp_path_factory.mktemp("hostile")
    src = base / "hostile.jsonl"
    write_jsonl(src, HOSTILE)
    stats = update(base / "index", [src])
    assert stats.failed == 0 and stats.added == len(HOSTILE), stats.problems
    return base / "index"


@pytest.fixture(scope="module")
def client(hostile_index):
    return create_app({"INDEX_DIR": str(hostile_index), "TESTING": True}).test_client()


def article_url(doc_id: str, q: str | None = None) -> str:
    return "/article/" + quote(doc_id, safe="/") + ("?q=" + quote(q) if q else "")


def check_response(url: str, r) -> None:
    """Headers on every response; no unescaped payload in any HTML or XML body."""
    assert r.status_code < 500, (url, r.status_code)
    csp = r.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, (url, csp)
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "base-uri" in csp, (url, csp)
    for name, value in HEADERS.items():
        assert r.headers.get(name) == value, (url, name, r.headers.get(name))
    assert r.headers.get("Referrer-Policy"), url
    if not (r.mimetype.startswith("text/") or r.mimetype.endswith(("json", "xml"))):
        return  # a download (an export's xlsx): nothing a browser renders
    body = r.get_data(as_text=True)
    if r.mimetype == "application/json":
        data = json.loads(body)
        for hit in data.get("hits", []):
            assert "<" not in hit["snippet"].replace("<mark>", "").replace("</mark>", ""), (url, hit["snippet"])
        return
    if r.mimetype in ("text/html", "application/opensearchdescription+xml"):
        page = Tags(body)
        assert page.script_text == [], (url, page.script_text)  # no inline script
        for tag, attrs in page.tags:
            # The one <svg> a page may hold is the server-drawn trend chart (web/templates/_trend.html).
            chart = tag == "svg" and attrs.get("class") == "trend-chart"
            assert tag not in FORBIDDEN_TAGS or chart, (url, tag, attrs)
            assert MARK not in tag, (url, tag)
            for name, value in attrs.items():
                assert not name.startswith("on") and name != "style" and MARK not in name, (url, tag, name)
                if name in ("href", "src", "action", "formaction", "template"):
                    value = value.strip()
                    scheme = urlsplit(value).scheme.lower()
                    assert scheme in ("", "http", "https"), (url, tag, value)
                    assert not value.startswith("//"), (url, tag, value)
            if tag == "script":
                assert attrs.get("src", "").startswith("/static/"), (url, attrs)


def crawl(client, start: list[str], limit: int = 250) -> dict[str, int]:
    """Fetch `start` and every internal link they lead to (breadth first, up to `limit` pages)."""
    seen: dict[str, int] = {}
    todo = deque(start)
    while todo and len(seen) < limit:
        url = todo.popleft()
        if url in seen:
            continue
        r = client.get(url)
        seen[url] = r.status_code
        check_response(url, r)
        if r.status_code in (301, 302, 303, 307, 308):
            todo.append(r.headers["Location"])
        if r.mimetype != "text/html":
            continue
        for href in re.findall(r'(?:href|src|action)="(/[^"]*)"', r.get_data(as_text=True)):
            href = html_lib.unescape(href)
            if not href.startswith("//") and href not in seen:
                todo.append(href)
    return seen


def test_crawl_every_page_is_escaped_and_has_headers(client):
    start = ["/", "/search?q=" + quote("해킹"), "/search?q=" + quote("해킹") + "&sort=newest",
             "/api/search?q=" + quote("해킹"), "/opensearch.xml", "/no/such/page", "/api/nope", "/static/app.js",
             "/static/style.css"]
    start += [article_url(r["id"]) for r in HOSTILE] + [article_url(r["id"], "해킹 기사") for r in HOSTILE]
    start += ["/search?q=" + quote(q) for q in HOSTILE_QUERIES] + ["/api/search?q=" + quote(q) for q in HOSTILE_QUERIES]
    start += [article_url(HOSTILE[0]["id"], q) for q in HOSTILE_QUERIES]
    seen = crawl(client, start)
    assert len(seen) > 40, len(seen)
    statuses = set(seen.values())
    assert 200 in statuses and 404 in statuses and not any(s >= 500 for s in statuses)


def test_every_hostile_article_is_reachable_and_shown_as_text(client):
    html = client.get("/search?q=" + quote("해킹") + "&limit=50").get_data(as_text=True)
    links = set(re.findall(r'<h2 class="hit-title"><a href="(/article/[^"]+)"', html))
    assert len(links) == len(HOSTILE), links
    for link in links:
        r = client.get(html_lib.unescape(link))
        assert r.status_code == 200, link
    page = client.get(article_url(HOSTILE[0]["id"])).get_data(as_text=True)
    assert f"&lt;script&gt;alert(&#34;{MARK}1&#34;)&lt;/script&gt;" in page or \
           f"&lt;script&gt;alert(&quot;{MARK}1&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page and f"&lt;/p&gt;&lt;script&gt;{MARK}3" in page
    assert "해킹일보" in page and f"{MARK}4" in page  # publisher shown, as text
    assert f"javascript:alert(&#39;{MARK}6&#39;)" in page or f"javascript:alert(&#x27;{MARK}6&#x27;)" in page \
        or f"javascript:alert('{MARK}6')" in page


@pytest.mark.parametrize("row", HOSTILE, ids=[r["id"] for r in HOSTILE])
def test_only_http_urls_become_links(client, row):
    page = client.get(article_url(row["id"])).get_data(as_text=True)
    assert client.get(article_url(row["id"])).status_code == 200
    external = [html_lib.unescape(h) for h in re.findall(r'href="((?:https?:)?//[^"]*|[a-z]+:[^"]*)"', page)]
    scheme = urlsplit(row["url"].strip()).scheme.lower()
    if scheme in ("http", "https"):
        assert any(h.startswith(row["url"].split("?")[0]) for h in external), (row["url"], external)
        assert MARK not in "".join(t for t, _ in Tags(page).tags)  # the quotes did not break out of href
    else:
        assert external == [] or all(h.startswith(("http://", "https://")) and "news.example" not in h
                                     for h in external), external
    assert 'rel="noopener noreferrer nofollow"' in page or not external


def test_echoed_queries_are_escaped(client):
    for q in HOSTILE_QUERIES:
        for path in ("/search?q=", "/?q="):
            r = client.get(path + quote(q))
            body = r.get_data(as_text=True)
            assert r.status_code == 200
            assert MARK in body  # echoed ...
            check_response(path, r)  # ... but never as markup
            assert "<script>alert" not in body and "<img src=x" not in body and "<x " not in body
        r = client.get("/api/search?q=" + quote(q))
        assert r.status_code == 200 and r.get_json()["query"] == q


@pytest.mark.parametrize("path", [
    "/article/..%2F..%2Fetc%2Fpasswd",
    "/article/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/article/....//....//etc/passwd",
    "/article/%252e%252e%252fetc%252fpasswd",
    "/article/..%c0%af..%c0%afetc%c0%afpasswd",
    "/article/%00../../etc/passwd",
    "/article/C:%5CWindows%5Cwin.ini",
    "/article/file:%2F%2F%2Fetc%2Fpasswd",
    "/static/../../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2fsrc/newsearch/web.py",
    "/static//etc/passwd",
    "/static/../templates/base.html",
    "/static/..%2ftemplates%2fsearch.html",
])
def test_no_path_traversal(client, path):
    r = client.get(path, follow_redirects=True)
    body = r.get_data(as_text=True)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "root:" not in body and "[project]" not in body and "import " not in body and "{%" not in body
    check_response(path, r)


def test_traversal_looking_ids_only_show_their_own_article(client):
    for doc_id in ("../../../../etc/passwd", "%2e%2e%2fsecret"):
        r = client.get("/article/" + quote(doc_id, safe=""))
        body = r.get_data(as_text=True)
        assert r.status_code == 200, doc_id
        assert "해킹 기사" in body and "root:" not in body


def test_error_pages_and_methods_carry_headers(client):
    for method, url in [("post", "/search"), ("put", "/api/search"), ("delete", "/"), ("get", "/search?q=a&page=x"),
                        ("get", "/api/search?limit=0"), ("options", "/"), ("head", "/")]:
        r = getattr(client, method)(url)
        check_response(f"{method} {url}", r)
        assert r.status_code in (200, 400, 404, 405), (method, url, r.status_code)


def test_hostile_host_header_is_escaped(client):
    r = client.get("/opensearch.xml", headers={"Host": 'evil.example"><x a="'})
    body = r.get_data(as_text=True)
    assert r.status_code in (200, 400)
    assert '"><x a="' not in body
