"""The search contract, run the same way on both stores (embedded Whoosh, a two-node Sphinx cluster).

Every feature goes through `newsearch.search.Searcher` over a store: query syntax, filters, facets,
sort, paging, snippets, did-you-mean, articles, related articles, publishers, evaluation, the user
dictionary, incremental updates, and the CLI and JSON API on top. Where a store cannot do a thing
the contract says so with a `Reason`, and the test asserts that.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsearch.backends import open_searcher, update
from newsearch.cli import main
from newsearch.search import Reason, SearchRequest
from newsearch.search.entities import filter_clause
from newsearch.search.evaluate import run_queries, score_run

from .conftest import SEEDS

BACKENDS = ["whoosh", "sphinx"]
KAKAO_HEALTHCARE = {"002_5199239f47117fff.txt", "004_24bd54923c893d98.txt"}
KT_2018 = "000_7982a9e012f08afc.txt"
SEED_IDS = {p.name for p in SEEDS.glob("*.txt")}


def _env(request, name: str) -> dict[str, str]:
    """The environment that points newsearch at the store (a local cluster for sphinx)."""
    return request.getfixturevalue("sphinx_cluster").env if name == "sphinx" else {"NEWSEARCH_BACKEND": "whoosh"}


def _build(request, name: str, index_dir: Path, sources: list[Path], **options):
    with pytest.MonkeyPatch.context() as mp:
        for key, value in _env(request, name).items():
            mp.setenv(key, value)
        return update(index_dir, sources, name=name, **options)


@pytest.fixture(scope="module", params=BACKENDS)
def searcher(request, tmp_path_factory, kiwi):
    """A searcher over an index of the five seeds in the store named by the parameter."""
    name = request.param
    ix = tmp_path_factory.mktemp(f"contract-{name}") / "index"
    stats = _build(request, name, ix, [SEEDS])
    assert stats.added == len(SEED_IDS) and stats.failed == 0, stats.problems
    s = open_searcher(ix, name)
    s.index_dir = ix
    yield s
    s.close()


def every_id(searcher, text: str, **options) -> set[str]:
    """Ids of all hits of a query (one page of 100 is enough for the seeds)."""
    res = searcher.search(text, limit=100, suggest=False, **options)
    assert res.total == len(res.hits), text
    return {h.id for h in res.hits}


# -- ranking and query syntax -------------------------------------------------------------------


def test_ranks_the_kakao_healthcare_articles_first(searcher):
    res = searcher.search("카카오헬스케어가")
    assert {h.id for h in res.hits[:2]} == KAKAO_HEALTHCARE
    assert [h.score for h in res.hits] == sorted((h.score for h in res.hits), reverse=True)


def test_phrase_matches_the_words_together(searcher):
    res = searcher.search('"디지털 헬스케어"', limit=100)
    assert res.hits
    for hit in res.hits:
        art = searcher.article(hit.id)
        assert re.search(r"디지털\s?헬스케어", art["title"] + "\n" + art["body"]), hit.id


def test_exclusion_requirement_and_or_combine_as_sets(searcher):
    health, kakao, kt, naver = (every_id(searcher, q) for q in ("헬스케어", "카카오", "KT", "네이버"))
    assert kakao and kt and naver
    assert every_id(searcher, "헬스케어 -카카오") == health - kakao
    assert every_id(searcher, "+KT 헬스케어") == kt
    assert every_id(searcher, "카카오 OR 네이버") == kakao | naver


def test_title_field_only_looks_at_titles(searcher):
    res = searcher.search("제목:카카오", limit=100)
    assert {h.id for h in res.hits} == KAKAO_HEALTHCARE < every_id(searcher, "카카오")
    assert all("카카오" in h.title for h in res.hits)


def test_reasons_come_as_codes(searcher):
    assert searcher.search("").reason is Reason.EMPTY_QUERY
    assert searcher.search("을를 에서").reason is Reason.NO_SEARCHABLE_WORDS
    only_excluded = searcher.search("-카카오")
    assert only_excluded.reason is Reason.ONLY_EXCLUDED and only_excluded.hits == []
    assert searcher.search("헬스케어").reason is None


# -- filters, facets, sort, paging ----------------------------------------------------------------


def test_publisher_filter_and_facets(searcher):
    res = searcher.search("헬스케어", facets=True)
    counts = dict(res.publishers)
    assert sum(counts.values()) == res.total == 4
    one = searcher.search("헬스케어", publisher="디지털데일리", facets=True)
    assert one.total == counts["디지털데일리"] == 1
    assert [h.publisher for h in one.hits] == ["디지털데일리"]
    assert dict(one.publishers) == counts  # facets count every publisher, not only the chosen one


def test_date_range(searcher):
    dated = searcher.search("헬스케어", date_from="2019-01-01", limit=100)
    assert dated.hits and all(h.date and h.date >= "2019-01-01" for h in dated.hits)
    early = searcher.search("KT", date_to="2019-12-31", limit=100)
    assert {h.id for h in early.hits} == {KT_2018}


def test_newest_first(searcher):
    res = searcher.search("헬스케어", sort="newest", limit=100)
    dates = [h.date for h in res.hits]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)
    assert dates == known + [None] * (len(dates) - len(known))  # undated last
    assert res.total == searcher.search("헬스케어").total


def test_pages_walk_every_hit_once(searcher):
    first = searcher.search("KT 헬스케어", limit=1)
    seen = []
    for page in range(1, first.pages + 1):
        res = searcher.search("KT 헬스케어", limit=1, page=page)
        assert res.page == page and len(res.hits) == 1
        seen.append(res.hits[0].id)
    assert len(seen) == len(set(seen)) == first.total
    assert searcher.search("KT 헬스케어", limit=1, page=first.pages + 1).hits == []


# -- what a hit shows ---------------------------------------------------------------------------


def test_snippets_mark_the_query_words(searcher):
    res = searcher.search("헬스케어")
    for hit in res.hits:
        assert "<mark>헬스케어</mark>" in hit.snippet_html
        assert "<" not in hit.snippet_html.replace("<mark>", "").replace("</mark>", "")
    bare = searcher.search("헬스케어", snippets=False)
    assert [h.id for h in bare.hits] == [h.id for h in res.hits]
    assert all(h.snippet.text == "" for h in bare.hits)


def test_article_and_related(searcher):
    art = searcher.article(KT_2018, "헬스케어")
    assert art["id"] == KT_2018 and art["publisher"] == "뉴데일리경제"
    assert "<mark>헬스케어</mark>" in art["body_html"] and "<mark>헬스케어</mark>" in art["title_html"]
    assert searcher.article("no-such-id") is None
    related = searcher.related(KT_2018)
    assert related and KT_2018 not in {h.id for h in related} and {h.id for h in related} <= SEED_IDS


def test_publishers_and_count(searcher):
    assert searcher.doc_count == len(SEED_IDS)
    assert sorted(searcher.publishers()) == sorted(
        (p, 1) for p in ("뉴데일리경제", "디지털데일리", "아이뉴스24", "뉴스웨이", "코메디닷컴"))


def test_did_you_mean(searcher):
    # Sphinx keeps the namespace's words beside it (backends/sphinx/words.py): the same corrections.
    res = searcher.search("헬스캐어")
    assert res.suggestion == "헬스케어" and res.unsupported == []
    assert (res.searched, res.corrected_from) == ("헬스케어", "헬스캐어")  # nothing matched all: searched at once
    assert searcher.search("카카오헬스캐어").suggestion == "카카오헬스케어"
    assert searcher.search("헬스케어").suggestion is None


def test_did_you_mean_in_the_faces(searcher):
    from urllib.parse import quote

    from newsearch.web import create_app

    r = CliRunner().invoke(main, ["query", "헬스캐어", "--json", "--index", str(searcher.index_dir)])
    data = json.loads(r.output)
    assert (data["suggestion"], data["searched"], data["corrected_from"]) == ("헬스케어", "헬스케어", "헬스캐어")
    client = create_app({"INDEX_DIR": str(searcher.index_dir), "TESTING": True}).test_client()
    html = client.get("/search?q=" + quote("헬스캐어")).get_data(as_text=True)
    assert 'class="suggestion-link corrected-link">헬스케어</a>(으)로 검색한 결과입니다.' in html


# -- evaluation, dictionary, updates, faces ----------------------------------------------------


def test_evaluation_runs_on_the_store(searcher):
    queries = [("q1", "카카오헬스케어 업무협약 체결"), ("q2", "구현모 KT 사장 대외 협력"),
               ("q3", "글로벌 빅테크 헬스케어 경쟁"), ("q4", "황창규 KT 디지털 헬스케어 영토확장")]
    qrels = {"q1": {"002_5199239f47117fff.txt": 1}, "q2": {"003_aba8f5db32093a90.txt": 1},
             "q3": {"001_2bc103dad1454d7c.txt": 1}, "q4": {KT_2018: 1}}
    run = run_queries(searcher, queries, depth=10)
    metrics = score_run({q: [d for d, _ in r] for q, r in run.items()}, qrels)
    assert metrics["queries"] == 4 and metrics["mrr@10"] == 1.0


def test_syntax_off_reads_operators_as_words(searcher):
    res = searcher.search(SearchRequest("-카카오", syntax=False))
    assert res.reason is None and res.total == len(every_id(searcher, "카카오"))


@pytest.mark.parametrize("name", BACKENDS)
def test_user_dictionary_is_used_for_documents_and_queries(request, tmp_path, kiwi, name):
    words = tmp_path / "user_dict.txt"
    words.write_text("아산카카오메디컬데이터\tNNP\n", encoding="utf-8")
    ix = tmp_path / "index"
    assert _build(request, name, ix, [SEEDS], user_dict=words).failed == 0
    with open_searcher(ix, name) as s:
        assert [w.word for w in s.store.analyzer().words] == ["아산카카오메디컬데이터"]
        assert [h.id for h in s.search("아산카카오메디컬데이터").hits][:1] == ["001_2bc103dad1454d7c.txt"]


@pytest.mark.parametrize("name", BACKENDS)
def test_incremental_update_adds_changes_deletes_and_skips(request, tmp_path, kiwi, name):
    src = tmp_path / "seeds"
    shutil.copytree(SEEDS, src)
    ix = tmp_path / "index"
    assert _build(request, name, ix, [src]).added == 5
    (src / "001_2bc103dad1454d7c.txt").unlink()
    edited = src / "003_aba8f5db32093a90.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("구현모", "구현모 대표이사"), encoding="utf-8")
    shutil.copy(Path(__file__).parent / "fixtures" / "new_article.txt", src / "new_article.txt")
    stats = _build(request, name, ix, [src])
    assert (stats.added, stats.updated, stats.deleted, stats.unchanged) == (1, 1, 1, 3), stats.summary()
    noop = _build(request, name, ix, [src])
    assert (noop.added, noop.updated, noop.deleted, noop.unchanged) == (0, 0, 0, 5)
    with open_searcher(ix, name) as s:
        assert s.doc_count == 5
        assert "003_aba8f5db32093a90.txt" in {h.id for h in s.search("대표이사").hits}
        assert s.article("001_2bc103dad1454d7c.txt") is None and s.article("new_article.txt") is not None


def test_cli_and_api_answer_as_the_library(searcher):
    from newsearch.web import create_app

    expected = searcher.search("KT 헬스케어").to_json()
    r = CliRunner().invoke(main, ["query", "KT 헬스케어", "--index", str(searcher.index_dir), "--json"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    client = create_app({"INDEX_DIR": str(searcher.index_dir), "TESTING": True}).test_client()
    api = client.get("/api/search?q=KT 헬스케어").get_json()
    for got in (json.loads(r.output), api):
        got.pop("took_ms")
        assert got == {k: v for k, v in expected.items() if k != "took_ms"}


ODD_QUERIES = ["\x00", "\ud800", "\ufffe", "a" * 3000, '"', '"""', "-", "+", "OR OR", "title:", '제목:"', "\u200b",
               "\n\r\t", "https://news.example.com/a?b=1&c=2", "漢" * 300, "😀" * 50, "x" * 100, "KT&G -", "(((", ")))"]


@pytest.mark.parametrize("raw", ODD_QUERIES)
def test_odd_queries_never_raise(searcher, raw):
    res = searcher.search(raw)
    json.dumps(res.to_json())  # valid JSON, whatever came in
    assert (res.reason is None) or res.hits == []


@pytest.mark.parametrize("name", BACKENDS)
def test_other_sources_stay_and_jsonl_rows_keep_their_ids(request, tmp_path, kiwi, name):
    rows = tmp_path / "news.jsonl"
    rows.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "n-1", "title": "오바마 대통령 취임", "body": "버락 오바마가 미국 대통령으로 취임했다.", "date": "2009-01-20"},
        {"id": "n-2", "title": "날씨", "body": "내일은 전국에 비가 내리겠다.", "publisher": "예시일보"},
    ]) + "\n", encoding="utf-8")
    ix = tmp_path / "index"
    assert _build(request, name, ix, [SEEDS]).added == 5
    assert _build(request, name, ix, [rows]).added == 2  # the seeds are another source: they stay
    with open_searcher(ix, name) as s:
        assert s.doc_count == 7 and s.search("헬스케어").total == 4
        hits = s.search("오바마").hits
        assert [h.id for h in hits] == ["n-1"] and hits[0].date.startswith("2009-01-20")
    rows.write_text(rows.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert _build(request, name, ix, [rows]).deleted == 1
    with open_searcher(ix, name) as s:
        assert s.doc_count == 6 and s.article("n-2") is None


def test_web_pages_on_the_store(searcher):
    from newsearch.web import create_app

    client = create_app({"INDEX_DIR": str(searcher.index_dir), "TESTING": True}).test_client()
    home = client.get("/")
    assert home.status_code == 200 and 'role="search"' in home.get_data(as_text=True)
    page = client.get("/search?q=카카오헬스케어가&limit=1").get_data(as_text=True)
    assert "카카오" in page and "<mark>" in page
    assert client.get("/search?q=헬스케어&limit=1&page=999").status_code == 302  # past the end: last page
    for url in ("/search?q=헬스케어&sort=newest&publisher=디지털데일리&from=2020-01-01",
                f"/article/{KT_2018}?q=헬스케어", "/search?q=<script>alert(1)</script>"):
        r = client.get(url)
        assert r.status_code == 200 and "<script>alert" not in r.get_data(as_text=True), url
        assert r.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert client.get("/article/../../etc/passwd").status_code == 404
    assert client.get("/article/no-such-id").status_code == 404


def test_cli_batch_keeps_ids(searcher, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "text": "카카오헬스케어"}\nKT 5G\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["query", "--batch", str(batch), "--json", "--index", str(searcher.index_dir)],
                           catch_exceptions=False)
    out = [json.loads(line) for line in r.output.splitlines()]
    assert [o["id"] for o in out] == ["a", "2"] and out[1]["hits"][0]["id"] == KT_2018


# -- people, organisations, places and quotations (issue 20) -------------------------------------


def test_a_person_finds_the_articles_that_name_them(searcher):
    res = searcher.search("인물:황창규")
    assert res.reason is None and res.hits[0].id == KT_2018
    assert "<mark>황창규</mark>" in (res.hits[0].title_html + res.hits[0].snippet_html)
    assert KT_2018 in every_id(searcher, "기관:KT")
    assert KT_2018 not in every_id(searcher, "헬스케어 -인물:황창규")
    assert every_id(searcher, "인물:황창규 기관:KT") == {KT_2018}
    assert not every_id(searcher, "인물:헬스케어")  # a word of the text is no person


def test_quotation_search_finds_the_quote_with_its_speaker(searcher):
    res = searcher.search("인용:정신건강")
    ids = [h.id for h in res.hits]
    assert "004_24bd54923c893d98.txt" in ids
    hit = res.hits[ids.index("004_24bd54923c893d98.txt")]
    assert any(q.speaker == "황희" for q in hit.quotes), hit.quotes
    assert all("<mark>" in q.text.html() for q in hit.quotes)
    # only inside quotations: 5G is in the KT article's text, never in a quotation of it
    assert KT_2018 in every_id(searcher, "5G") and KT_2018 not in every_id(searcher, "인용:5G")
    got = searcher.quotes("인용:정신건강", speaker="황희")
    assert got.quotes and all(q.speaker == "황희" for q in got.quotes)
    assert got.quotes[0].id == "004_24bd54923c893d98.txt"


def test_entity_facets_and_network_of_a_query(searcher):
    got = searcher.entities("헬스케어")
    assert got.reason is None and got.stories == got.total >= 4
    people = dict(got.facets["people"])
    assert people.get("황창규") == 1 and people.get("황희", 0) >= 1
    assert "카카오헬스케어" in dict(got.facets["orgs"])
    names = {n.name for n in got.network.nodes}
    assert "카카오헬스케어" in names and all({e.a, e.b} <= names for e in got.network.edges)
    around = searcher.entities("인물:황희").network  # the stories naming 황희: who appears with him
    weights = {frozenset((e.a, e.b)): e.weight for e in around.edges}
    assert around.stories == 2 and weights[frozenset(("황희", "카카오헬스케어"))] == 2
    for kind in ("people", "orgs", "places"):  # a facet's count is what a click on it finds (all stories read)
        for name, count in got.facets[kind]:
            assert len(every_id(searcher, "헬스케어 " + filter_clause(kind, name))) == count, name


def test_the_article_lists_its_entities_and_quotations(searcher):
    art = searcher.article("004_24bd54923c893d98.txt")
    ents = art["entities"]
    assert "황희" in ents.people and "국립정신건강센터" in ents.orgs
    assert any(q.speaker == "곽영숙" for q in ents.quotes)


def test_cli_and_api_for_quotes_and_network(searcher):
    from newsearch.web import create_app

    r = CliRunner().invoke(main, ["quotes", "인용:정신건강", "--speaker", "황희", "--json", "--index",
                                  str(searcher.index_dir)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert {q["speaker"] for q in json.loads(r.output)["quotes"]} == {"황희"}
    r = CliRunner().invoke(main, ["quotes", "인용:정신건강", "--index", str(searcher.index_dir)])
    assert r.exit_code == 0 and "— 황희" in r.output and "— 곽영숙" in r.output
    client = create_app({"INDEX_DIR": str(searcher.index_dir), "TESTING": True}).test_client()
    body = client.get("/api/network?q=헬스케어").get_json()
    assert body["network"]["nodes"] and {"name", "articles", "query"} <= set(body["facets"]["people"][0])
    assert client.get("/api/network").status_code == 400
    assert client.get("/api/quotes?q=인용:정신건강&speaker=황희").get_json()["quotes"]
    page = client.get("/search?q=헬스케어").get_data(as_text=True)
    assert 'class="network"' in page and "인물:황창규" in page and 'id="facet-people"' in page
    page = client.get("/search?q=인용:정신건강").get_data(as_text=True)
    assert 'class="hit-quotes"' in page and "— 황희" in page
