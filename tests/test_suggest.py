"""As-you-type suggestions (issue 21): keystroke and 초성 prefixes, the syllable still being typed, ranking,
the stores (the same cases on both: Whoosh completes, Sphinx says it cannot), `/api/suggest` and OpenSearch."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from newsearch.backends import open_searcher, update
from newsearch.errors import Unsupported
from newsearch.search import Reason
from newsearch.search.complete import (Completion, Lexicon, Prefix, initials, keystrokes, prefix_of, run,
                                       split_last, whole_words)
from newsearch.web import create_app

from .conftest import SEEDS, write_jsonl
from .test_contract import BACKENDS, _build, _env

WORDS = {"카카오": 30, "카카오톡": 12, "카카오헬스케어": 9, "카카오뱅크": 9, "카카옿이": 1, "코카콜라": 20, "헬스케어": 25,
         "헬기": 3, "화장품": 7, "호수": 5, "달걀": 4, "닭고기": 6, "데이": 11, "데이터": 11, "한국": 50, "한구간": 2,
         "samsung": 8, "sample": 3}


def texts(found) -> list[str]:
    return [c.text for c in found]


@pytest.fixture(scope="module")
def lex():
    return Lexicon(list(WORDS), list(WORDS.values()))


# -- spelling by keys and initials ------------------------------------------------------------------------


def test_keystrokes_split_compound_vowels_and_finals():
    assert keystrokes("카카오") == "ㅋㅏㅋㅏㅇㅗ"
    assert keystrokes("화") == "ㅎㅗㅏ" and keystrokes("닭") == "ㄷㅏㄹㄱ" and keystrokes("없") == "ㅇㅓㅂㅅ"
    assert keystrokes("까") == "ㄲㅏ"  # a tense consonant is one (shifted) key
    assert keystrokes("kt5") == "kt5"
    assert initials("헬스케어") == "ㅎㅅㅋㅇ" and initials("LG전자") == "LGㅈㅈ"


def test_prefix_of_what_was_typed():
    assert prefix_of("ㅋㅋㅇ") == Prefix("ㅋㅋㅇ", "ㅋㅋㅇ", "", True)
    assert prefix_of("카카옿") == Prefix("카카옿", keystrokes("카카옿"), "카카", False)
    assert prefix_of("카ㅋㅇ") == Prefix("카ㅋㅇ", "ㅋㅋㅇ", "카", True)
    assert prefix_of("SAM").key == "sam"
    for nothing in ("", "ㅏ", "카카!", "a b", "가" * 21):
        assert prefix_of(nothing) is None, nothing


def test_split_last_keeps_the_query_before_the_last_word():
    assert split_last("디지털 카카") == ("디지털 ", "카카")
    assert split_last("헬스케어 -카카") == ("헬스케어 -", "카카")
    assert split_last("제목:헬") == ("제목:", "헬")
    assert split_last('+"카카') == ('+"', "카카")
    assert split_last("카카오 ") == ("카카오 ", "")


# -- the lexicon -------------------------------------------------------------------------------------------


def test_prefix_completion_most_documents_first(lex):
    assert texts(lex.lookup(prefix_of("카카"), 10)) == ["카카오", "카카오톡", "카카오뱅크", "카카오헬스케어", "카카옿이"]
    assert texts(lex.lookup(prefix_of("카카"), 2)) == ["카카오", "카카오톡"]
    assert texts(lex.lookup(prefix_of("sam"), 5)) == ["samsung", "sample"]


def test_choseong_completion(lex):
    assert texts(lex.lookup(prefix_of("ㅋㅋㅇ"), 3))[0] == "카카오"
    assert texts(lex.lookup(prefix_of("ㅎㅅㅋㅇ"), 5)) == ["헬스케어"]
    assert texts(lex.lookup(prefix_of("ㅋㅋ"), 10)) == ["카카오", "코카콜라", "카카오톡", "카카오뱅크", "카카오헬스케어",
                                                       "카카옿이"]
    assert texts(lex.lookup(prefix_of("카ㅋㅇ"), 10))[0] == "카카오"  # syllables, then initials
    assert "코카콜라" not in texts(lex.lookup(prefix_of("카ㅋ"), 10))


def test_the_syllable_being_typed(lex):
    # 카카옿: 카카오 with the next initial ㅎ typed, or literally 카카옿
    assert texts(lex.lookup(prefix_of("카카옿"), 10)) == ["카카오헬스케어", "카카옿이"]
    assert texts(lex.lookup(prefix_of("헤"), 10)) == ["헬스케어", "헬기"]  # its final not typed yet
    assert texts(lex.lookup(prefix_of("호"), 10)) == ["화장품", "호수"]  # ㅗ on its way to ㅘ
    assert texts(lex.lookup(prefix_of("닭"), 10)) == ["닭고기", "달걀"]  # ㄹㄱ: 달 + the next initial ㄱ
    assert texts(lex.lookup(prefix_of("한국"), 10)) == ["한국", "한구간"]  # 한구 + ㄱ on the way to 한구간
    assert texts(lex.lookup(prefix_of("ㅋ"), 1)) == ["카카오"]


def test_pieces_of_longer_words_are_left_out(lex):
    assert texts(lex.lookup(prefix_of("데"), 5)) == ["데이터"]  # 데이: in no more documents than 데이터
    keep = whole_words(["헬스", "헬스케어", "카카오", "카카오톡"], [5, 5, 9, 3])
    assert keep.tolist() == [False, True, True, True]


def test_ties_go_to_the_most_recent(lex):
    latest = {"카카오뱅크": "2019-05-01", "카카오헬스케어": "2023-02-01", "카카오톡": "2010-01-01"}
    asked = []

    def dates(words):
        asked.extend(words)
        return [latest.get(w) for w in words]

    found = lex.lookup(prefix_of("카카"), 3, dates)
    assert texts(found) == ["카카오", "카카오톡", "카카오헬스케어"]  # 9 and 9: the 2023 one first
    assert found[2] == Completion("카카오헬스케어", 9, "2023-02-01")
    assert set(asked) == {"카카오헬스케어", "카카오뱅크"}  # dates are read for tied words only
    assert texts(lex.lookup(prefix_of("카카오"), 5, dates))[2:4] == ["카카오헬스케어", "카카오뱅크"]


class _Store:
    """A store over the lexicon, with the real analyzer (for the stem filter)."""

    def __init__(self, words: dict[str, int]):
        from newsearch.analysis import Analyzer

        self.lex, self.ana = Lexicon(list(words), list(words.values())), Analyzer.for_words()

    def analyzer(self):
        return self.ana

    def complete(self, prefix, limit):
        return self.lex.lookup(prefix, limit)


def test_run_completes_the_last_word_and_drops_stems(kiwi):
    store = _Store({"나타나": 40, "나라": 30, "나무": 10, "밝히": 20, "발표": 15})
    assert texts(run(store, "숲의 나").suggestions) == ["숲의 나라", "숲의 나무"]  # 나타나(다): a verb stem
    assert texts(run(store, "-바").suggestions) == ["-발표"]
    assert run(store, "나 ").suggestions == [] and run(store, "").suggestions == []
    got = run(store, "나", limit=1)
    assert got.to_json() == {"query": "나", "suggestions": [{"text": "나라", "count": 30}]}
    assert got.opensearch() == ["나", ["나라"], ["기사 30건"]]


# -- both stores ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def store_searcher(request, tmp_path_factory, kiwi):
    """A searcher over the seeds in the store named by the parameter."""
    name = request.param
    ix = tmp_path_factory.mktemp(f"suggest-{name}") / "index"
    stats = _build(request, name, ix, [SEEDS])
    assert stats.failed == 0, stats.problems
    s = open_searcher(ix, name)
    s.env = _env(request, name)
    yield s
    s.close()


def test_each_store_completes_or_says_it_cannot(store_searcher):
    s = store_searcher
    if s.store.name == "whoosh":
        assert texts(s.complete("ㅋㅋㅇ").suggestions)[0] == "카카오"
        assert "카카오헬스케어" in texts(s.complete("카카옿").suggestions)
        assert texts(s.complete("ㅎㅅㅋㅇ").suggestions) == ["헬스케어"]
        assert texts(s.complete("헬스케어 ㅋㅋ").suggestions)[0] == "헬스케어 카카오"
        assert all(c.count >= 2 for c in s.complete("ㅎ", limit=20).suggestions)
        assert s.complete("ㅋㅋㅇ").unsupported == []
    else:  # SphinxQL 2.2 lists no dictionary, and CALL KEYWORDS does not expand `카카*` on these nodes
        with pytest.raises(Unsupported) as e:
            s.store.complete(prefix_of("카카"), 8)
        assert e.value.reason is Reason.NO_COMPLETIONS
        got = s.complete("ㅋㅋㅇ")
        assert got.suggestions == [] and got.unsupported == [Reason.NO_COMPLETIONS]
        assert got.to_json()["reason"] == Reason.NO_COMPLETIONS.text


ROWS = [
    {"id": "bank-1", "title": "카카오뱅크 대출 확대", "body": "카카오뱅크가 대출을 늘렸다.", "date": "2019-03-02"},
    {"id": "bank-2", "title": "카카오뱅크 예금 금리", "body": "카카오뱅크가 금리를 올렸다.", "date": "2019-04-02"},
    {"id": "pay-1", "title": "카카오페이 결제 확대", "body": "카카오페이가 결제처를 늘렸다.", "date": "2023-05-02"},
    {"id": "pay-2", "title": "카카오페이 송금 수수료", "body": "카카오페이가 수수료를 내렸다.", "date": "2023-06-02"},
]


def test_whoosh_ties_by_latest_article_and_new_words_after_an_update(tmp_path, kiwi):
    src = tmp_path / "rows.jsonl"
    write_jsonl(src, ROWS)
    ix = tmp_path / "index"
    update(ix, [src], name="whoosh")
    with open_searcher(ix, "whoosh") as s:
        found = s.complete("카카오").suggestions
        assert texts(found)[:3] == ["카카오", "카카오페이", "카카오뱅크"], found  # 2 and 2: 2023 before 2019
        assert found[1].latest == "2023-06-02" and found[2].latest == "2019-04-02"
        more = tmp_path / "more.jsonl"
        more.write_text("".join(json.dumps({"id": f"taxi-{i}", "title": "카카오택시 호출", "body": "카카오택시 호출이 늘었다.",
                                            "date": "2024-01-0" + str(i + 1)}, ensure_ascii=False) + "\n"
                                for i in range(3)), encoding="utf-8")
        update(ix, [src, more], name="whoosh")
        assert texts(s.complete("카카오ㅌ").suggestions) == ["카카오택시"]  # the new index state's words


# -- the API and OpenSearch ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True}).test_client()


def test_api_suggest_choseong_on_the_seeds(client):
    r = client.get("/api/suggest?q=ㅋㅋㅇ")
    assert r.status_code == 200 and r.mimetype == "application/json"
    data = r.get_json()
    assert data["query"] == "ㅋㅋㅇ" and "reason" not in data
    assert data["suggestions"][0] == {"text": "카카오", "count": 3}
    assert all(set(s) == {"text", "count"} for s in data["suggestions"])
    assert "max-age=" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]
    assert client.get("/api/suggest?q=카카옿").get_json()["suggestions"][0]["text"] == "카카오헬스케어"
    assert len(client.get("/api/suggest?q=ㅋ&limit=1").get_json()["suggestions"]) == 1
    assert client.get("/api/suggest?q=").get_json() == {"query": "", "suggestions": []}
    assert client.get("/api/suggest").get_json()["suggestions"] == []


def test_api_suggest_refuses_bad_parameters(client):
    for url in ("/api/suggest?q=카&limit=0", "/api/suggest?q=카&limit=21", "/api/suggest?q=카&limit=x",
                "/api/suggest?q=카&format=xml"):
        r = client.get(url)
        assert r.status_code == 400 and r.get_json()["error"], url


def test_opensearch_suggestions(client):
    r = client.get("/api/suggest?format=opensearch&q=ㅋㅋㅇ")
    assert r.status_code == 200 and r.mimetype == "application/x-suggestions+json"
    query, words, descriptions = json.loads(r.get_data(as_text=True))
    assert query == "ㅋㅋㅇ" and words[0] == "카카오" and descriptions[0] == "기사 3건"
    xml = ET.fromstring(client.get("/opensearch.xml").get_data())
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    urls = {u.get("type"): u.get("template") for u in xml.findall("os:Url", ns)}
    template = urls["application/x-suggestions+json"]
    parts = urlsplit(template)
    assert parts.path == "/api/suggest"
    assert parse_qs(parts.query) == {"format": ["opensearch"], "q": ["{searchTerms}"]}


def test_pages_load_the_suggestions_script_without_inline_code(client):
    html = client.get("/").get_data(as_text=True)
    assert '<script src="/static/suggest.js" data-suggest-url="/api/suggest" defer></script>' in html
    assert 'href="/static/suggest.css"' in html
    assert "onclick" not in html and "<style" not in html
    for path in ("/static/suggest.js", "/static/suggest.css"):
        assert client.get(path).status_code == 200
