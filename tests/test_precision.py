"""Precise answers on a real archive (Wikinews + BigKinds leads, about 2,500 articles): a part of a word never
counts as the word, sorting by date needs every word, every page walk shows each match once, mixed
Latin-Hangul names are found by their parts, hashtags by their words."""

from __future__ import annotations

import json
import re

import pytest

from newsearch.backends import open_searcher, update
from newsearch.search import Reason

QUERIES_FOR_PAGING = ["한국 정부", "대통령", "경제 성장", "서울 시장 선거", "북한 핵"]


@pytest.fixture(scope="module")
def archive(shared_dir, tmp_path_factory, kiwi):
    ix = tmp_path_factory.mktemp("archive") / "index"
    corpus = shared_dir / "corpus"
    stats = update(ix, [corpus / "wikinews_ko.jsonl", corpus / "bigkinds_leads.jsonl"])
    assert stats.added > 2400, stats.summary()
    with open_searcher(ix) as s:
        yield s


def all_hits(searcher, text: str, **options) -> list:
    """Every hit of a query, page by page (10 a page, as a reader walks them)."""
    first = searcher.search(text, suggest=False, **options)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits.extend(searcher.search(text, page=page, suggest=False, **options).hits)
    return hits


def text_of(searcher, doc_id: str) -> str:
    art = searcher.article(doc_id)
    return art["title"] + "\n" + art["body"]


def test_a_part_of_a_compound_is_not_the_compound(archive):
    hits = all_hits(archive, "헬스케어")
    assert hits
    for hit in hits:
        assert re.search(r"헬스\s?케어", text_of(archive, hit.id)), hit.id
    ids = {h.id for h in hits}
    skin = [h.id for h in all_hits(archive, "스킨케어")]
    assert skin and not (set(skin) - {i for i in skin if re.search(r"헬스\s?케어", text_of(archive, i))}) & ids


def test_title_field_is_as_strict(archive):
    hits = all_hits(archive, "제목:헬스케어")
    assert hits and all(re.search(r"헬스\s?케어", h.title) for h in hits)


def test_a_compound_part_still_finds_the_longer_compound(tmp_path, kiwi):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "kakao", "title": "카카오헬스케어 출범", "body": "카카오헬스케어가 출범했다."},
        {"id": "spaced", "title": "헬스 케어 시장", "body": "헬스 케어 시장이 커진다."},
        {"id": "skin", "title": "스킨케어 제품", "body": "스킨케어 제품이 잘 팔린다."},
        {"id": "gym", "title": "헬스 열풍", "body": "헬스장에 사람이 몰린다. 노인 케어도 중요하다."},
    ]) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert update(ix, [rows]).failed == 0
    with open_searcher(ix) as s:
        assert {h.id for h in s.search("헬스케어").hits} == {"kakao", "spaced"}
        assert {h.id for h in s.search("헬스 케어").hits} >= {"kakao", "spaced"}


def test_parts_found_apart_rank_a_match_however_many_match_the_other_word(tmp_path, kiwi):
    # 150 short articles say 대한민국 more often than the one about the sewerage rate, which holds the
    # compound's parts apart (공공하수처리 ... 하수도 보급률): it must still come first, wherever the first pass
    # would put it on 대한민국 alone (the re-ranked head is 100 deep), and the parts alone make no match.
    rows = [{"id": f"k{i:03d}", "title": f"소식 {i}", "body": f"대한민국 대한민국 소식 {i}번째 대한민국."} for i in range(150)]
    rows.append({"id": "sewer", "title": "통계 발표",
                 "body": "대한민국 환경부 통계에 따르면 공공하수처리 인구가 늘었고 하수도 보급률은 90%를 넘었다. "
                         "정부는 예산을 더 투입해 농어촌 지역의 시설을 확충하기로 했다고 밝혔다."})
    rows.append({"id": "apart", "title": "통계", "body": "공공 기관의 하수도 보급률 통계가 나왔다."})
    src = tmp_path / "rows.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert update(ix, [src]).failed == 0
    with open_searcher(ix) as s:
        assert s.search("대한민국").hits[0].id != "sewer"
        both = s.search("대한민국 공공하수도보급률", limit=200)
        assert both.hits[0].id == "sewer"
        assert "apart" not in {h.id for h in both.hits}


def test_newest_first_needs_every_word(archive):
    hits = all_hits(archive, "대통령 선거", sort="newest")
    assert len(hits) > 10
    for hit in hits:
        text = text_of(archive, hit.id)
        assert "대통령" in text and "선거" in text, hit.id
    relevance = archive.search("대통령 선거")
    assert relevance.total > len(hits)  # by relevance, one word of two is enough


@pytest.mark.parametrize("query", QUERIES_FOR_PAGING)
def test_walking_the_pages_shows_each_match_once(archive, query):
    first = archive.search(query, suggest=False, group=False)
    hits = all_hits(archive, query, group=False)
    ids = [h.id for h in hits]
    assert len(ids) == len(set(ids)) == first.total > 10
    assert [h.id for h in first.hits] == ids[:10]
    # Copies grouped (the default): every group once, and with its copies every match once.
    grouped = archive.search(query, suggest=False)
    hits = all_hits(archive, query)
    groups = [h.group.id for h in hits]
    assert len(groups) == len(set(groups)) == grouped.total_groups and grouped.total == first.total
    assert sorted(ids) == sorted(i for h in hits for i in [h.id] + [c.id for c in h.copies if c.id in set(ids)])


def test_mixed_latin_hangul_names_are_found_by_their_parts(tmp_path, kiwi):
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "lgu", "title": "통신 3사 실적", "body": "LG유플러스가 5G 가입자를 늘렸다."},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert update(ix, [rows]).failed == 0
    with open_searcher(ix) as s:
        for query in ("LG", "lg", "유플러스", "LG유플러스", "lg유플러스"):
            assert [h.id for h in s.search(query).hits] == ["lgu"], query


def test_hashtags_are_read_as_their_words(tmp_path, kiwi):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "tag", "title": "#미투운동 #연대", "body": "#미투운동 1년, 무엇이 달라졌나"},
        {"id": "words", "title": "미투 운동 확산", "body": "미투 운동이 문화계로 번졌다."},
    ]) + "\n", encoding="utf-8")
    ix = tmp_path / "ix"
    assert update(ix, [rows]).failed == 0
    with open_searcher(ix) as s:
        assert {h.id for h in s.search("미투 운동").hits} == {"tag", "words"}
        assert {h.id for h in s.search("#미투운동").hits} == {"tag", "words"}
        assert "<mark>" in s.search("#미투운동").hits[0].title_html


def test_initial_consonants_only_get_their_own_reason(searcher):
    res = searcher.search("ㅋㅋㅇ")
    assert res.reason is Reason.JAMO_ONLY and res.hits == []
    assert searcher.search("을를").reason is Reason.NO_SEARCHABLE_WORDS
