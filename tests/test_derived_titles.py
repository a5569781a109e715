"""Titles taken from the body (rows and pages that name none): analysed once, indexed once."""

from __future__ import annotations

from pathlib import Path

from newsearch.analysis import Analyzer
from newsearch.backends import open_searcher, update
from newsearch.backends.whoosh import store
from newsearch.extract import article_from_record, fallback_title
from newsearch.ingest import documents

from .conftest import write_jsonl

analyze = Analyzer.for_words().terms

BODIES = [
    "정말 재미있는 영화였다",
    "[서울=뉴스1] 카카오헬스케어가 대학병원들과 업무협약을 체결했다. 협약은 다음 달부터 효력을 갖는다.",
    "배우들의 연기가 좋았다! 스토리는 지루해서 졸았다.",
    "삼성전자가 5G 기지국 장비를 미국 통신사에 공급한다고 22일 밝혔다.\n\n두 번째 문단이다.",
]


def test_a_derived_titles_terms_are_those_of_analysing_it_alone(kiwi):
    for body in BODIES:
        art = article_from_record({"id": "x", "body": body})
        assert art.title == fallback_title(art.body)
        span = documents.title_in_body(art.title, art.body)
        assert span is not None and art.body[span[0]:span[1]] == art.title
        assert documents.terms_within(analyze(art.body), *span) == analyze(art.title)


def test_a_title_the_source_gave_is_not_taken_for_a_derived_one(kiwi):
    body = "카카오헬스케어가 업무협약을 체결했다. 협약은 다음 달부터다."
    assert documents.title_in_body("카카오헬스케어", body) is None  # the body's first word, not its first sentence
    assert documents.title_in_body("", body) is None
    own, derived = "카카오헬스케어", fallback_title(body)
    assert documents.body_offset(own, documents.title_in_body(own, body)) == len(own) + 2
    assert documents.body_offset(derived, documents.title_in_body(derived, body)) == 0


def test_a_title_cut_short_keeps_only_the_terms_inside_it(kiwi):
    body = "가" * 95 + " 헬스케어사업을 확대한다고 밝혔다. 둘째 문장."
    title = fallback_title(body)
    assert title.endswith("...") and len(title) <= 100
    start, end = documents.title_in_body(title, body)
    kept = documents.terms_within(analyze(body), start, end)
    assert all(t.end <= end - start for t in kept)
    assert "헬스케어사업" not in {t.text for t in kept}  # crosses the cut


def _index(tmp_path: Path, rows: list[dict]) -> Path:
    src = tmp_path / "rows.jsonl"
    write_jsonl(src, rows)
    ix_dir = tmp_path / "ix"
    stats = update(ix_dir, [src], user_dict=None)
    assert stats.added == len(rows) and not stats.problems
    return ix_dir


def test_title_less_rows_are_indexed_once_and_highlighted_in_title_and_snippet(kiwi, tmp_path):
    rows = [{"id": "one", "body": BODIES[0]},
            {"id": "two", "body": BODIES[1]},
            {"id": "given", "title": "영화 감상문", "body": "재미있는 영화였다"}]
    ix_dir = _index(tmp_path, rows)
    ix = store.open_index(ix_dir)
    with ix.reader() as r:
        docs = {r.stored_fields(d)["id"]: d for d in r.all_doc_ids()}
        one, two, given = docs["one"], docs["two"], docs["given"]
        # A one-sentence row is all title: the body field holds its terms once, the title field none.
        assert r.doc_field_length(one, "body") == len(analyze(BODIES[0]))
        assert not r.doc_field_length(one, "title")
        # A first sentence taken for the title is indexed as a title, and not repeated in the body.
        body_two = article_from_record(rows[1]).body
        assert r.doc_field_length(two, "body") == len(analyze(body_two))
        assert r.doc_field_length(two, "title") == len(analyze(fallback_title(body_two)))
        # A title of its own comes first in the body field.
        assert r.doc_field_length(given, "body") == len(analyze("영화 감상문")) + len(analyze("재미있는 영화였다"))
    ix.close()

    with open_searcher(ix_dir) as s:
        hits = {h.id: h for h in s.search("영화", limit=10).hits}
        assert set(hits) == {"one", "given"}
        assert hits["one"].title == BODIES[0]
        assert "<mark>영화</mark>" in hits["one"].title_html
        assert "<mark>영화</mark>" in hits["one"].snippet_html
        assert "<mark>영화</mark>" in hits["given"].title_html and "<mark>영화</mark>" in hits["given"].snippet_html

        hit = s.search("업무협약", limit=10).hits[0]
        assert hit.id == "two"
        assert "<mark>업무협약</mark>" in hit.title_html and "<mark>업무협약</mark>" in hit.snippet_html
        art = s.article("two", q="업무협약")
        assert art["body_html"].count("<mark>업무협약</mark>") == 1
        assert "<mark>업무협약</mark>" in art["title_html"]
