"""Follow a query (issue 21): `/search.atom?q=` is valid Atom (RFC 4287), read with a real XML parser and checked
against the RFC's rules for a feed, its entries, their ids, dates and links; no network."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote, urljoin, urlsplit

import pytest
from lxml import etree

from newsearch.search import feed as feeds
from newsearch.search.model import Hit, Results, Snippet
from newsearch.web import create_app

from .conftest import write_jsonl

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
# RFC 4287 3.3: a date construct is an RFC 3339 date-time, upper-case T and Z, seconds required.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
FEED = "/search.atom?q=" + quote("헬스케어")
ROWS = [  # an archive without dates, with hostile text: the feed must stay well-formed and valid
    {"id": "nodate/1", "title": "날짜 없는 반도체 기사 \x0b<b>굵게</b> & ‘따옴표’", "body": "반도체 수출이 늘었다.\x01\n\n반도체 업계는 반긴다.",
     "publisher": "무일보", "url": "javascript:alert(1)"},
    {"id": "nodate/2", "title": "또 다른 반도체 기사", "body": "반도체 설비 투자가 이어진다.", "url": "https://example.com/기사?id=2"},
]


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def undated_client(tmp_path_factory, kiwi):
    from newsearch.backends import update

    base = tmp_path_factory.mktemp("feed-undated")
    src = base / "undated.jsonl"
    write_jsonl(src, ROWS)
    stats = update(base / "index", [src])
    assert stats.failed == 0, stats.problems
    return create_app({"INDEX_DIR": str(base / "index"), "TESTING": True}).test_client()


def is_date(text: str | None) -> bool:
    if not text or not RFC3339.fullmatch(text):
        return False
    datetime.fromisoformat(text.replace("Z", "+00:00"))  # a real day and time, not only the shape
    return True


def is_iri(text: str | None) -> bool:
    """An absolute IRI (RFC 3987: a scheme, then no spaces)."""
    return bool(text) and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", text) is not None


def one(parent, name: str):
    found = parent.findall(f"a:{name}", NS)
    assert len(found) == 1, (name, len(found))
    return found[0]


def check_text_construct(el) -> None:
    """RFC 4287 3.1: type is text, html or xhtml; text and html carry no child elements."""
    kind = el.get("type", "text")
    assert kind in ("text", "html", "xhtml")
    if kind != "xhtml":
        assert len(el) == 0


def check_links(parent, base: str) -> list:
    """RFC 4287 4.2.7: every link has an href (an IRI reference); at most one alternate per type and hreflang."""
    links = parent.findall("a:link", NS)
    alternates = [(link.get("type"), link.get("hreflang")) for link in links if link.get("rel", "alternate") == "alternate"]
    assert len(alternates) == len(set(alternates))
    for link in links:
        assert link.get("href") is not None and not re.search(r"\s", link.get("href"))
        assert is_iri(urljoin(base, link.get("href")))
    return links


def validate(body: bytes, base: str = "http://localhost/") -> etree._Element:
    """Parse as XML (well-formed, UTF-8) and check RFC 4287's rules for atom:feed and atom:entry. Returns the feed."""
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == f"{{{ATOM}}}feed"
    assert is_iri(one(root, "id").text)
    check_text_construct(one(root, "title"))
    assert one(root, "title").text
    assert is_date(one(root, "updated").text)
    for name in ("subtitle", "rights", "icon", "logo", "generator"):
        assert len(root.findall(f"a:{name}", NS)) <= 1
    feed_links = check_links(root, base)
    assert [link for link in feed_links if link.get("rel") == "self"], "a feed SHOULD name itself"
    entries = root.findall("a:entry", NS)
    ids = [one(e, "id").text for e in entries]
    assert len(ids) == len(set(ids)) and all(is_iri(i) for i in ids)
    feed_author = root.findall("a:author", NS)
    for e in entries:
        check_text_construct(one(e, "title"))
        assert is_date(one(e, "updated").text)
        assert len(e.findall("a:published", NS)) <= 1 and all(is_date(p.text) for p in e.findall("a:published", NS))
        # no atom:content: then an alternate link and a summary are required (4.1.1, 4.1.2)
        assert not e.findall("a:content", NS)
        assert [link for link in check_links(e, base) if link.get("rel", "alternate") == "alternate"]
        check_text_construct(one(e, "summary"))
        # an entry has an author, or the feed has one (4.1.1)
        assert feed_author or e.findall("a:author", NS)
        for author in e.findall("a:author", NS) + feed_author:
            assert one(author, "name").text
    return root


def test_healthcare_feed_is_valid_atom(client):
    r = client.get(FEED)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml" and r.mimetype_params.get("charset") == "utf-8"
    root = validate(r.data)
    entries = root.findall("a:entry", NS)
    assert 1 <= len(entries) <= feeds.FEED_SIZE
    assert "헬스케어" in one(root, "title").text
    # the snippet is the summary: HTML with the query's words marked
    summaries = [one(e, "summary") for e in entries]
    assert all(s.get("type") == "html" for s in summaries)
    assert any("<mark>헬스케어</mark>" in (s.text or "") for s in summaries)
    # entries link to the article page (with the query, for its highlighting) and to the original
    for e in entries:
        alternate = [link for link in e.findall("a:link", NS) if link.get("rel") == "alternate"][0]
        assert alternate.get("href").startswith("/article/") and "q=" in alternate.get("href")
        assert client.get(alternate.get("href")).status_code == 200
        for related in (link for link in e.findall("a:link", NS) if link.get("rel") == "related"):
            assert urlsplit(related.get("href")).scheme in ("http", "https")


def test_feed_is_newest_first_and_dated_from_the_articles(client):
    root = validate(client.get(FEED).data)
    api = client.get("/api/search?q=" + quote("헬스케어") + "&sort=newest&limit=20").get_json()
    entries = root.findall("a:entry", NS)
    assert len(entries) == len(api["hits"])
    stamps = [datetime.fromisoformat(one(e, "updated").text) for e in entries]
    dated = [s for s, hit in zip(stamps, api["hits"]) if hit["date"]]
    assert dated == sorted(dated, reverse=True)
    assert datetime.fromisoformat(one(root, "updated").text) == max(stamps)
    for e, hit in zip(entries, api["hits"]):
        assert one(e, "title").text == hit["title"]
        if hit["date"]:
            assert one(e, "published").text.startswith(hit["date"][:10])
        assert e.find("a:link[@rel='alternate']", NS).get("href").startswith("/article/" + quote(hit["id"], safe="/"))


def test_feed_ids_are_stable_and_independent_of_the_host(client):
    first = validate(client.get(FEED).data)
    again = validate(client.get(FEED, headers={"Host": "127.0.0.2:9000"}).data)
    assert one(first, "id").text == one(again, "id").text
    assert [one(e, "id").text for e in first.findall("a:entry", NS)] == [one(e, "id").text for e in again.findall("a:entry", NS)]
    # another query, or the same under a filter, is another feed; an article is the same entry in both
    other = validate(client.get("/search.atom?q=" + quote("카카오헬스케어")).data)
    assert one(other, "id").text != one(first, "id").text
    filtered = validate(client.get(FEED + "&from=2020-01-01").data)
    assert one(filtered, "id").text != one(first, "id").text
    shared = {one(e, "id").text for e in other.findall("a:entry", NS)} & {one(e, "id").text for e in first.findall("a:entry", NS)}
    assert shared


def test_filters_narrow_the_feed(client):
    whole = validate(client.get(FEED).data).findall("a:entry", NS)
    since = validate(client.get(FEED + "&from=2020-01-01").data).findall("a:entry", NS)
    assert 0 < len(since) < len(whole)
    assert all(one(e, "updated").text >= "2020-01-01" for e in since)


def test_an_undated_archive_with_hostile_text_still_validates(undated_client):
    r = undated_client.get("/search.atom?q=" + quote("반도체"))
    assert r.status_code == 200
    root = validate(r.data)
    entries = root.findall("a:entry", NS)
    assert len(entries) == 2
    assert all(not e.findall("a:published", NS) for e in entries)  # no date is made up as a publication date
    assert {one(e, "updated").text for e in entries} == {one(root, "updated").text}
    titles = [one(e, "title").text for e in entries]
    assert any("<b>굵게</b> & ‘따옴표’" in t for t in titles)  # text, escaped once, control character dropped
    hrefs = [link.get("href") for e in entries for link in e.findall("a:link", NS)]
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    assert "https://example.com/기사?id=2" in hrefs


def test_feed_asks_for_a_query_and_a_searchable_one(client):
    assert client.get("/search.atom").status_code == 400
    assert client.get("/search.atom?q=").status_code == 400
    r = client.get("/search.atom?q=" + quote("을를"))
    assert r.status_code == 400 and "구독할 수 없는" in r.get_data(as_text=True)
    assert client.get(FEED + "&from=2021-13-01").status_code == 400


def test_feed_is_cached_and_revalidated(client):
    r = client.get(FEED)
    assert r.headers["ETag"] and "max-age=60" in r.headers["Cache-Control"]
    again = client.get(FEED, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert client.get(FEED, headers={"If-None-Match": '"other"'}).status_code == 200


def test_public_url_gives_absolute_links(seed_index):
    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "PUBLIC_URL": "https://news.example.org"})
    root = validate(app.test_client().get(FEED, headers={"Host": "evil.example"}).data)
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") == "https://news.example.org/"
    assert b"evil.example" not in app.test_client().get(FEED, headers={"Host": "evil.example"}).data


def test_results_page_links_to_its_feed(client):
    html = client.get("/search?q=" + quote("헬스케어") + "&publisher=" + quote("디지털데일리") + "&sort=newest&page=1").get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
    assert link, "no <link rel=alternate> to the feed in the page's head"
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith("/search.atom?") and "sort=" not in href and "publisher=" in href
    assert 'class="feed-link"' in html and "구독(Atom)" in html
    assert client.get(href).status_code == 200
    # an unsearchable query offers no feed
    assert "application/atom+xml" not in client.get("/search?q=" + quote("을를")).get_data(as_text=True)


def test_rfc3339_and_xml_text():
    assert feeds.rfc3339("2021-11-25") == "2021-11-25T00:00:00+09:00"
    assert feeds.rfc3339("2021-11-25T14:35") == "2021-11-25T14:35:00+09:00"
    assert feeds.rfc3339("2021-11-25T05:35:00Z") == "2021-11-25T05:35:00+00:00"
    assert feeds.rfc3339("어제") is None and feeds.rfc3339(None) is None
    assert feeds.xml_text("a\x00b\x0bc\ud800d\ufffe\n\t") == "abcd\n\t"


def test_build_dates_an_undated_feed_by_the_fallback():
    hit = Hit(id="x", title="제목", date=None, publisher=None, url=None, score=1.0, snippet=Snippet("본문"))
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    got = feeds.build(Results(query="q", hits=[hit]), {}, "t", when)
    assert got.updated == "2024-01-02T12:04:05+09:00" and got.entries[0].updated == got.updated
    assert got.entries[0].published is None and got.entries[0].id.startswith("urn:uuid:")
