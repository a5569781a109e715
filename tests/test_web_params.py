"""Every parameter of every route answers 400 with a reason or a page, never 500 (a property test over
Unicode); article links cannot be turned into other routes; the Host header is not echoed."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsearch.backends import update

from .conftest import write_jsonl

REPO_SEEDS = Path(__file__).resolve().parents[1] / "seeds"

ROUTES = {
    "/search": ["q", "limit", "page", "sort", "publisher", "from", "to", "nc", "group"],
    "/api/search": ["q", "limit", "page", "sort", "publisher", "from", "to", "nc", "group"],
    "/": ["q", "page"],
    "/article/002_5199239f47117fff.txt": ["q"],
}


@pytest.fixture(scope="module")
def client(seed_index):
    from newsearch.web import create_app

    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(sorted(ROUTES)), data=st.data(),
       value=st.text(st.characters(blacklist_categories=["Cs"]), max_size=12))
def test_every_parameter_answers_without_500(client, route, data, value):
    name = data.draw(st.sampled_from(ROUTES[route]))
    r = client.get(f"{route}?q=헬스케어&{name}={quote(value)}" if name != "q" else f"{route}?q={quote(value)}")
    assert r.status_code in (200, 302, 400), (route, name, value, r.status_code)
    if r.status_code == 400:
        text = r.get_data(as_text=True)
        assert name in text or "잘못된" in text or "error" in text


@pytest.mark.parametrize("value", ["²", "١٢", "１２", "9" * 40, "-1", "0x10", "1e3"])
def test_numbers_are_ascii_digits_in_range(client, value):
    for route in ("/search", "/api/search"):
        for name in ("page", "limit"):
            r = client.get(f"{route}?q=헬스케어&{name}={quote(value)}")
            assert r.status_code == 400, (route, name, value)


def test_an_id_cannot_lead_to_another_route(tmp_path, kiwi):
    from newsearch.web import create_app

    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "../../opensearch.xml", "title": "경로 같은 아이디", "body": "관광객이 늘었다."},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert update(ix, [rows]).failed == 0
    client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
    html = client.get("/search?q=관광객").get_data(as_text=True)
    assert 'href="/article/..%2F..%2Fopensearch.xml?q=' in html
    r = client.get("/article/..%2F..%2Fopensearch.xml")
    assert r.status_code == 200 and "경로 같은 아이디" in r.get_data(as_text=True)


def test_host_header_is_not_echoed(client, seed_index):
    from newsearch.web import create_app

    assert client.get("/opensearch.xml", headers={"Host": "evil.example"}).status_code == 400
    ok = client.get("/opensearch.xml", headers={"Host": "127.0.0.1:8000"})
    assert ok.status_code == 200 and 'template="http://127.0.0.1:8000/search?q=' in ok.get_data(as_text=True)
    public = create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "PUBLIC_URL": "https://news.example.org/"})
    body = public.test_client().get("/opensearch.xml", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert 'template="https://news.example.org/search?q=' in body and "evil" not in body


def test_a_store_error_is_a_503_and_one_log_line(seed_index, monkeypatch, caplog):
    from newsearch.errors import StoreError
    from newsearch.web import create_app

    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True})
    searcher = app.extensions["newsearch.searcher"]

    def damaged(*_a, **_k):
        raise StoreError(f"index at {seed_index} is damaged: MAIN_x.seg: checksum mismatch")

    monkeypatch.setattr(searcher, "search", damaged)
    client = app.test_client()
    with caplog.at_level("ERROR", logger="newsearch.web"):
        api = client.get("/api/search?q=헬스케어")
        html = client.get("/search?q=헬스케어")
    assert api.status_code == 503 and "checksum mismatch" in api.get_json()["reason_detail"]
    assert api.get_json()["reason_code"] == "store_error" and "관리자" in api.get_json()["reason"]  # Korean, as `error`
    assert html.status_code == 503 and "색인을 읽을 수 없습니다" in html.get_data(as_text=True)
    assert [r.getMessage() for r in caplog.records if r.name == "newsearch.web"] == [
        f"index at {seed_index} is damaged: MAIN_x.seg: checksum mismatch"] * 2


def test_copy_links_cannot_lead_to_another_route(tmp_path, kiwi):
    """The links to a hit's other copies escape ids like the hit's own link does."""
    from newsearch.web import create_app

    body = (REPO_SEEDS / "001_2bc103dad1454d7c.txt").read_text(encoding="utf-8").split("\n\n", 5)[5]
    rows = [{"id": "../../opensearch.xml", "title": "경로 같은 아이디의 헬스케어 기사", "body": body,
             "publisher": "가신문", "date": "2021-11-25"},
            {"id": "sub/copy.html", "title": "헬스케어 경쟁 기사", "body": body, "publisher": "나신문",
             "date": "2021-11-26"}]
    src = tmp_path / "rows.jsonl"
    write_jsonl(src, rows)
    ix = tmp_path / "ix"
    assert update(ix, [src]).failed == 0
    client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
    html = client.get("/search?q=" + quote("헬스케어")).get_data(as_text=True)
    assert "같은 기사 1건" in html  # one hit, the other one behind it
    assert 'href="/article/..%2F..%2Fopensearch.xml?q=' in html and 'href="/article/sub/copy.html?q=' in html
    assert 'href="/article/../' not in html
