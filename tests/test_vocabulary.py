"""Korean news vocabulary: headline Hanja, prefixes, alphanumerics, compounds, dictionary, synonyms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsearch.analysis import vocabulary
from newsearch.backends import open_searcher, update

ARTICLES = [
    {"id": "hanja", "title": "美 대선 앞두고 與野 공방", "body": "미국 대통령 선거를 앞두고 여야가 공방을 벌였다."},
    {"id": "usa", "title": "미국 경제 회복세", "body": "미국의 고용 지표가 개선되며 경기가 회복되고 있다."},
    {"id": "nonpay", "title": "비급여 항목 관리 강화", "body": "정부가 비급여 진료비 공개를 확대하기로 했다."},
    {"id": "pay", "title": "공무원 급여 인상", "body": "내년 공무원 급여가 3% 오른다고 밝혔다."},
    {"id": "fiveg", "title": "5G 요금제 출시", "body": "통신사들이 새 5G 요금제를 내놓았다."},
    {"id": "apart", "title": "전시회 안내", "body": "5 곳의 전시장에서 G 구역 행사를 연다."},
    {"id": "asan", "title": "의료 데이터 회사", "body": "아산카카오메디컬데이터가 새 플랫폼을 선보였다."},
    {"id": "naver", "title": "네이버 검색 개편", "body": "네이버가 검색 서비스를 개편했다고 밝혔다."},
    {"id": "alnum", "title": "KT&G 실적", "body": "KT&G와 LG유플러스가 실적을 냈다. COVID-19 이후 3.5GHz 대역 점유율은 35.47%였다."},
    {"id": "rocket", "title": "발사 성공", "body": "한국형 발사체 누리호가 발사됐다. 누리호는 궤도에 올랐다."},
    {"id": "unit1", "title": "한빛 원전 1호기 정비", "body": "한빛 1호기가 계획 정비에 들어갔다. 호기심 많은 관람객이 찾았다."},
    {"id": "unit3", "title": "고리 원전 점검", "body": "고리 3호기도 점검을 마치고 다시 가동했다."},
    {"id": "other", "title": "날씨", "body": "내일은 전국에 비가 내리겠다."},
]


@pytest.fixture(scope="module")
def vocab_index(tmp_path_factory, kiwi):
    root = tmp_path_factory.mktemp("vocab")
    src = root / "news.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    ix = root / "index"
    stats = update(ix, [src], user_dict=None)
    assert stats.added == len(ARTICLES) and stats.failed == 0
    return ix, src


@pytest.fixture()
def s(vocab_index):
    with open_searcher(vocab_index[0]) as searcher:
        yield searcher


def ids(searcher, q):
    return [h.id for h in searcher.search(q, limit=20).hits]


def test_headline_hanja_both_ways(s):
    assert ids(s, "미국 대선")[0] == "hanja"
    assert set(ids(s, "美")) >= {"hanja", "usa"}
    assert "hanja" in ids(s, "여야")
    assert "hanja" in ids(s, "야당")


def test_prefixed_word_is_its_own_term(s):
    assert ids(s, "비급여") == ["nonpay"]
    assert "pay" in ids(s, "급여")


def test_alphanumerics_stay_whole(s):
    assert ids(s, "5G") == ["fiveg"]
    for q in ("KT&G", "LG유플러스", "COVID-19", "3.5GHz", "35.47%"):
        assert ids(s, q)[0] == "alnum", q


def test_number_and_counter_are_one_word(s):
    # `3호기` is one word: not every `3` (`3%` in "pay") nor `1호기`; the number alone still finds it.
    assert ids(s, "3호기") == ["unit3"]
    assert ids(s, "1호기") == ["unit1"]
    assert "unit3" in ids(s, "3")


def test_part_finds_long_compound(s):
    assert "asan" in ids(s, "카카오")
    assert "asan" in ids(s, "메디컬")


def test_synonyms_apply_at_query_time(s):
    assert ids(s, "Naver")[0] == "naver"
    assert ids(s, "naver 검색")[0] == "naver"


def test_user_synonym_file(s, tmp_path, monkeypatch):
    assert "rocket" not in ids(s, "우주로켓")
    syn = tmp_path / "syn.txt"
    syn.write_text("우주로켓, 발사체\n", encoding="utf-8")
    monkeypatch.setenv("NEWSEARCH_SYNONYMS", str(syn))
    assert "rocket" in ids(s, "우주로켓")


def test_user_dictionary_word_found_whole_after_reindex(vocab_index, tmp_path, monkeypatch):
    ix, src = vocab_index
    with open_searcher(ix) as before:
        assert ("body", "누리호") not in before.store._current().reader()
    udict = tmp_path / "user_dict.txt"
    udict.write_text("# rockets\n누리호\tNNP\n", encoding="utf-8")
    monkeypatch.setenv("NEWSEARCH_USER_DICT", str(udict))
    with open_searcher(ix) as stale:
        assert "run `newsearch index`" in (stale.dictionary_warning() or "")
    stats = update(ix, [src])
    # Only the article that contains the new word is re-analysed.
    assert (stats.updated, stats.unchanged, stats.added) == (1, len(ARTICLES) - 1, 0)
    assert stats.notes and "user dictionary changed" in stats.notes[0]
    with open_searcher(ix) as after:
        assert after.dictionary_warning() is None
        assert ("body", "누리호") in after.store._current().reader()
        assert [h.id for h in after.search("누리호").hits] == ["rocket"]
    # Removing the word re-analyses the same article again.
    monkeypatch.setenv("NEWSEARCH_USER_DICT", str(tmp_path / "none.txt"))
    stats = update(ix, [src])
    assert stats.updated == 1
    assert vocabulary.load_user_dict(Path(ix) / vocabulary.USER_DICT_NAME) == ()


def test_user_dictionary_errors_name_the_line(tmp_path):
    bad = tmp_path / "d.txt"
    bad.write_text("좋은말 NNP\n나쁜말 XYZ\n", encoding="utf-8")
    with pytest.raises(vocabulary.VocabularyError, match=r"d.txt:2: unknown tag"):
        vocabulary.load_user_dict(bad)


def test_synonym_file_format():
    assert vocabulary.parse_synonyms("대한민국, 한국, 코리아\n# x\nKT, 케이티 # 통신\n단독\n") == [
        ("대한민국", "한국", "코리아"), ("KT", "케이티")]
