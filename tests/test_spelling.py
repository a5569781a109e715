"""Did-you-mean and auto-correction (issue 16): bounded work whatever is typed, corrections that are
better queries, the auto-search fields, the web's display, the dictionary note.

The archive tests build one Whoosh index of Wikinews + BigKinds leads (about 2,500 articles, some
30 s) per module and skip without ../shared; the rest run on the seeds or on a stand-in store.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from newsearch.analysis import Analyzer
from newsearch.backends import open_searcher, update
from newsearch.backends.whoosh import spelling
from newsearch.errors import Unsupported
from newsearch.search import Reason, Searcher, SearchRequest
from newsearch.search.contract import StorePage, Suggestion

TYPOS = Path(__file__).resolve().parent / "fixtures" / "typos.tsv"
# Share of tests/fixtures/typos.tsv corrected on the archive: 16 of 30 before issue 16 (Whoosh's corrector),
# 28 after (the misses: `데표` and `왜교`, which Kiwi reads as real one-syllable words that match enough
# articles, 41 and 11, for no did-you-mean to be asked for). A small margin for analysis changes.
MEASURED_CORRECTED = 28
MARGIN = 2
HANJA = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2000))
LONG_ZERO_HIT = ["x" * 2000, "헬" * 2000, HANJA, "x" * 100, "internationalizatoin",
                 "https://www.donga.com/news/article/all/20210731/108282646/1?utm_source=naver"]


def typos() -> list[tuple[str, str]]:
    rows = []
    for line in TYPOS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            typo, intended = line.split("\t")[:2]
            rows.append((typo, intended))
    return rows


@pytest.fixture(scope="module")
def archive(shared_dir, tmp_path_factory, kiwi):
    """A searcher over Wikinews + BigKinds leads (the archive of issue 16)."""
    ix = tmp_path_factory.mktemp("spelling-archive") / "index"
    corpus = shared_dir / "corpus"
    stats = update(ix, [corpus / "wikinews_ko.jsonl", corpus / "bigkinds_leads.jsonl"], name="whoosh")
    assert stats.added > 2000 and stats.failed == 0
    s = open_searcher(ix, "whoosh")
    s.search("헬스캐어")  # builds the vocabulary of this index state once
    yield s
    s.close()


# -- the archive --------------------------------------------------------------------------------------


def test_share_of_typos_corrected(archive):
    rows = typos()
    assert len(rows) == 30
    corrected = [t for t, want in rows if archive.search(t).suggestion == want]
    assert len(corrected) >= MEASURED_CORRECTED - MARGIN, sorted(set(t for t, _ in rows) - set(corrected))


def test_a_correction_is_a_better_query(archive):
    for typo, _want in typos():
        res = archive.search(typo, correct=False)
        if res.suggestion:
            typed = archive.store.search(SearchRequest(typo), _tree(archive, typo)).matched
            better = archive.store.search(SearchRequest(res.suggestion), _tree(archive, res.suggestion)).matched
            assert better > typed, (typo, res.suggestion)


def _tree(searcher, text):
    from newsearch.search.querylang import parse

    return parse(text, searcher.store.analyzer())


def test_healthcare(archive):
    res = archive.search("헬스캐어")
    assert res.suggestion == "헬스케어"  # not 스토어 (or 헬스 on a small index)
    assert res.searched is None  # 헬스케어 is in 2 articles only: offered, not searched at once


def test_field_prefixes_stay_as_typed(archive):
    assert archive.search("제목:병원").suggestion is None
    assert archive.search("제목:벙원").suggestion == "제목:병원"
    assert archive.search("title:코로라").suggestion == "title:코로나"


def test_query_syntax_stays_as_typed(archive):
    res = archive.search('"대통령 선거" +대통련 -오바마')  # nothing matches: the word is required
    assert res.suggestion == '"대통령 선거" +대통령 -오바마'
    assert archive.search("코로라 OR 대통련").suggestion == "코로나 OR 대통령"
    assert archive.search("+오바먀 취임").suggestion == "+오바마 취임"


def test_offsets_map_back_through_spacing_and_particles(archive):
    # The clause is analysed as `코로라 대통련` (function words dropped, single spaces): the fixes land
    # on the words as typed.
    assert archive.search("코로라  에서   대통련을").suggestion == "코로나  에서   대통령을"


def test_lg_is_not_corrected(archive, searcher):
    assert archive.search("LG").suggestion is None
    assert searcher.search("LG").suggestion != "5g"  # the seeds: `lg` in one article
    assert searcher.search("LG").suggestion is None


def test_auto_search_when_nothing_matched(archive):
    res = archive.search("대통련")
    assert res.query == "대통련" and res.corrected_from == "대통련"
    assert res.searched == "대통령" and res.suggestion == "대통령"
    assert res.total > 100 and res.hits and "대통령" in res.hits[0].title + res.hits[0].snippet.text
    data = res.to_json()
    assert data["query"] == "대통련" and data["searched"] == "대통령" and data["corrected_from"] == "대통련"
    assert {"query", "total", "took_ms", "hits", "suggestion"} <= set(data)

    typed = archive.search("대통련", correct=False)  # 원래 검색어: the text as typed, with the suggestion
    assert typed.searched is None and typed.corrected_from is None and typed.total == 0
    assert typed.suggestion == "대통령" and "searched" not in typed.to_json()


def test_no_auto_search_without_confidence(archive):
    res = archive.search("경재")  # 경제 (130 articles) or 경쟁 (132): one half edit against one edit
    assert res.suggestion == "경제" and res.searched is None and res.total == 0
    res = archive.search("카카오 주가")  # found as typed: nothing to correct
    assert res.suggestion is None and res.searched is None


def test_many_concepts_are_not_corrected(archive):
    assert archive.search("코로라 대통련 오바먀 대토령 미주당 오림픽 화경").suggestion is None


@pytest.mark.parametrize("text", LONG_ZERO_HIT, ids=["x2000", "hangul2000", "hanja2000", "x100", "word20", "url"])
def test_zero_hit_queries_are_cheap(archive, text):
    t0 = time.perf_counter()
    res = archive.search(text)
    assert time.perf_counter() - t0 < 2.0  # loose (a shared CI box); bench/suggest_latency.py: < 0.3 s
    assert res.suggestion is None and res.searched is None


def test_every_typo_is_cheap(archive):
    for typo, _want in typos():
        t0 = time.perf_counter()
        archive.search(typo)
        assert time.perf_counter() - t0 < 2.0, typo


def test_vocabulary_is_built_once_per_index_state(archive):
    s = archive.store._current()
    first = spelling.vocabulary(s, archive.store.index_dir)
    assert spelling.vocabulary(s, archive.store.index_dir) is first
    assert 1000 < len(first) <= spelling.MAX_WORDS and int(first.df.min()) >= spelling.MIN_DF


# -- the corrector's parts ---------------------------------------------------------------------------


def test_jamo_distance():
    d = spelling.distance
    j = spelling.jamo
    assert d(j("헬스캐어"), j("헬스케어"), 2) == 0.5  # ㅐ/ㅔ: half an edit
    assert d(j("스레기"), j("쓰레기"), 2) == 0.5  # ㅅ/ㅆ
    assert d(j("대토령"), j("대통령"), 2) == 1.0  # a final consonant left out
    assert d(j("대통련"), j("대통령"), 2) == 1.0
    assert d("toyko", "tokyo", 2) == 1.0  # neighbours swapped
    assert d(j("헬스캐어"), j("헬스"), 2) == spelling.INF  # four jamo gone: too far
    assert d(j("헬스캐어"), j("스토어"), 2) == spelling.INF


class StandIn:
    """A store with canned answers: what the core does with a suggestion, or with none."""

    name = "stand-in"

    def __init__(self, suggestion=None, unsupported=False):
        self.suggestion, self.unsupported, self.searched = suggestion, unsupported, []

    def analyzer(self):
        return Analyzer.for_words()

    def doc_count(self):
        return 0

    def search(self, request, tree):
        self.searched.append(tree.text)
        found = tree.text == "헬스케어"
        return StorePage(total=3 if found else 0, matched=3 if found else 0)

    def suggest(self, tree):
        if self.unsupported:
            raise Unsupported(Reason.NO_SUGGESTIONS)
        return self.suggestion

    def close(self):
        pass


def test_core_searches_a_confident_correction(kiwi):
    store = StandIn(Suggestion("헬스케어", confident=True, matched=3))
    res = Searcher(store).search("헬스캐어")
    assert store.searched == ["헬스캐어", "헬스케어"]
    assert (res.query, res.searched, res.corrected_from) == ("헬스캐어", "헬스케어", "헬스캐어")
    assert res.total == 3 and res.suggestion == "헬스케어"

    store = StandIn(Suggestion("헬스케어", confident=True, matched=3))
    res = Searcher(store).search("헬스캐어", correct=False)
    assert store.searched == ["헬스캐어"] and res.searched is None and res.suggestion == "헬스케어"

    store = StandIn(Suggestion("헬스케어", confident=False, matched=3))
    res = Searcher(store).search("헬스캐어")
    assert store.searched == ["헬스캐어"] and res.searched is None and res.suggestion == "헬스케어"


def test_core_without_suggestions(kiwi):
    """A store that keeps no vocabulary (Sphinx): the request says so and nothing is auto-corrected."""
    store = StandIn(unsupported=True)
    res = Searcher(store).search("헬스캐어")
    assert res.suggestion is None and res.searched is None and Reason.NO_SUGGESTIONS in res.unsupported
    assert store.searched == ["헬스캐어"]
    assert Searcher(store).suggest("헬스캐어") is None


def test_dictionary_warning_reads_the_file_only_when_it_changes(tmp_path, monkeypatch, kiwi):
    from newsearch.analysis import vocabulary

    reads = []
    load = vocabulary.load_user_dict
    monkeypatch.setattr(vocabulary, "load_user_dict", lambda p: reads.append(p) or load(p))
    words = tmp_path / "user_dict.txt"
    words.write_text("헬스캐어\tNNP\n", encoding="utf-8")
    monkeypatch.setenv("NEWSEARCH_USER_DICT", str(words))
    s = Searcher(StandIn())
    assert "newsearch index" in s.dictionary_warning()
    assert "newsearch index" in s.dictionary_warning()
    assert len(reads) == 1
    words.write_text("", encoding="utf-8")
    os.utime(words, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert s.dictionary_warning() is None and len(reads) == 2


# -- the web ------------------------------------------------------------------------------------------


@pytest.fixture()
def client(seed_index):
    from newsearch.web import create_app

    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client()


def test_web_says_what_it_searched(client):
    html = client.get("/search?q=" + quote("헬스캐어")).get_data(as_text=True)
    assert 'class="suggestion-link corrected-link">헬스케어</a>(으)로 검색한 결과입니다.' in html
    assert "원래 검색어: " in html
    original = f'href="/search?q={quote("헬스캐어")}&amp;nc=1"'
    assert original in html and "혹시 이것을 찾으셨나요?" not in html
    html = client.get(f"/search?q={quote('헬스캐어')}&nc=1").get_data(as_text=True)
    assert "(으)로 검색한 결과" not in html and "혹시 이것을 찾으셨나요?" in html
    data = json.loads(client.get("/api/search?q=" + quote("헬스캐어")).get_data(as_text=True))
    assert (data["query"], data["searched"], data["corrected_from"]) == ("헬스캐어", "헬스케어", "헬스캐어")
    data = json.loads(client.get(f"/api/search?q={quote('헬스캐어')}&nc=1").get_data(as_text=True))
    assert "searched" not in data and data["suggestion"] == "헬스케어"


def test_web_shows_the_dictionary_warning(client, tmp_path, monkeypatch):
    html = client.get("/search?q=" + quote("카카오")).get_data(as_text=True)
    assert "사용자 사전 안내" not in html
    words = tmp_path / "user_dict.txt"
    words.write_text("카카오헬스케어\tNNP\n", encoding="utf-8")
    monkeypatch.setenv("NEWSEARCH_USER_DICT", str(words))
    html = client.get("/search?q=" + quote("카카오")).get_data(as_text=True)
    assert "사용자 사전 안내" in html and "newsearch index" in html
