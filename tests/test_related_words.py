"""Related words (issue 19): the nouns over-represented in a query's matches, the same cases on both stores.

The seeds alone are too few for a background (every word of four articles in five is "over-represented"),
so the index holds the five seeds plus the held-out news pages of tests/fixtures/heldout (other subjects,
other outlets) as the archive. A second index adds three outlets' copies of one seed (the wire story of
tests/test_copies_stores.py): the foreground counts each story once, so its counts do not move.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newsearch.backends import open_searcher
from newsearch.cli import main
from newsearch.search import Reason, SearchRequest
from newsearch.search import significant as sg
from newsearch.search.contract import Match, TermCounts
from newsearch.search.querylang import is_function_word, parse

from .conftest import REPO, SEEDS, local_cluster, write_jsonl
from .test_contract import BACKENDS, _env
from .test_copies_stores import wire_rows

HELDOUT = REPO / "tests" / "fixtures" / "heldout"
QUERY = "헬스케어"
# A query no document of the archive matches (a made-up noun; "존재하지않는낱말" stopped being one when the
# held-out pages grew and one of them says 존재).
NO_MATCH = "뷁궯쉛"
# A verb stem among the query's foreground terms (보이다, in three of the four healthcare seeds): a candidate
# the noun filter must leave out.
VERB = "보이"


def _sources(root: Path, copies: bool) -> list[Path]:
    background = root / "background"
    if not background.exists():
        background.mkdir()
        for page in HELDOUT.glob("*.html"):
            shutil.copy(page, background / page.name)
    out = [SEEDS, background]
    if copies:
        wires = root / "wires"
        wires.mkdir(exist_ok=True)
        write_jsonl(wires / "wire.jsonl", wire_rows().values())
        out.append(wires / "wire.jsonl")
    return out


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory):
    """A two-node searchd cluster for this module's archive alone: a Sphinx store's background is every
    document of its cluster's shards (`CALL KEYWORDS`), and the session's cluster also holds other tests'
    copies of the seeds. Production keeps one archive a cluster."""
    cluster = local_cluster(tmp_path_factory.mktemp("related-sphinx"))
    yield cluster
    cluster.stop()


def _build_in(env: dict, name: str, index_dir: Path, sources: list[Path]):
    from newsearch.backends import update

    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        stats = update(index_dir, sources, name=name)
    assert stats.failed == 0, stats.problems


@pytest.fixture(scope="module", params=BACKENDS)
def stores(request, tmp_path_factory, kiwi):
    """Searchers over the seeds with the background pages (for Sphinx on a cluster of its own), and over the
    same plus copies of one seed (on the session's cluster: only its foreground counts are compared)."""
    name = request.param
    root = tmp_path_factory.mktemp(f"related-{name}")
    envs = {"plain": request.getfixturevalue("own_cluster").env if name == "sphinx" else _env(request, name),
            "copies": _env(request, name)}
    out = {"name": name}
    for kind in ("plain", "copies"):
        ix = root / kind
        _build_in(envs[kind], name, ix, _sources(root, kind == "copies"))
        s = open_searcher(ix, name)
        s.index_dir, s.env = ix, envs[kind]
        out[kind] = s
    yield out
    for kind in ("plain", "copies"):
        out[kind].close()


def _counts(searcher, text: str) -> TermCounts:
    store = searcher.store
    return store.term_counts(SearchRequest(text), parse(text, store.analyzer()), sg.DEPTH)


def test_healthcare_gives_kakao_words_and_nouns_only(stores):
    s = stores["plain"]
    got = s.related_words(QUERY, limit=30)
    words = [w.word for w in got.words]
    assert got.reason is None and not got.unsupported and got.matches == 4 and got.sample == 4
    assert "카카오" in words  # Kakao's healthcare business is in three of the four stories, in no other page
    assert words[:10] == [w.word for w in s.related_words(QUERY).words]
    counts = _counts(s, QUERY)
    assert counts.docs.get(VERB, 0) >= 2 and VERB not in words  # a frequent candidate, but a verb
    assert not any(is_function_word(w) for w in words)
    assert not set(words) & parse(QUERY, s.store.analyzer()).highlight_terms  # the query's own words are not news
    for w in got.words:
        assert sg.countable(w.word) and 2 <= w.docs <= got.sample and w.docs <= w.background <= got.total
    scores = [w.score for w in got.words]
    assert scores == sorted(scores, reverse=True) and all(x > 0 for x in scores)


def test_parts_of_long_nouns_give_way_to_the_whole(stores):
    words = [w.word for w in stores["plain"].related_words("카카오", limit=30).words]
    assert "헬스케어" in words and "헬스" not in words and "케어" not in words


def test_copies_count_once(stores):
    plain, copies = (_counts(stores[k], QUERY) for k in ("plain", "copies"))
    assert (plain.matches, plain.sample) == (4, 4)
    assert (copies.matches, copies.sample) == (7, 4)  # three more articles, no more stories
    kakao = [w.word for w in stores["plain"].related_words(QUERY, limit=30).words]
    assert {w: copies.docs.get(w) for w in kakao} == {w: plain.docs[w] for w in kakao}
    again = stores["copies"].related_words(QUERY, limit=30)
    assert again.sample == 4 and all(w.docs <= 4 for w in again.words)


def test_filters_narrow_the_foreground(stores):
    s = stores["plain"]
    every = s.related_words(QUERY)
    dated = s.related_words(QUERY, date_from="2021-01-01")
    assert 0 < dated.matches < every.matches
    one = s.related_words(QUERY, publisher="디지털데일리")
    assert one.matches == one.sample == 1 and one.words == []  # one story: no word is shared by two


def test_reasons_and_bad_methods(stores):
    s = stores["plain"]
    assert s.related_words("을를 에서").reason is Reason.NO_SEARCHABLE_WORDS
    assert s.related_words("-카카오").reason is Reason.ONLY_EXCLUDED
    assert s.search(NO_MATCH).total == 0
    assert s.related_words(NO_MATCH).words == []
    with pytest.raises(ValueError):
        s.related_words(QUERY, method="tfidf")
    for method in sg.METHODS:
        assert s.related_words(QUERY, method=method).words


def test_cli(stores):
    s = stores["plain"]
    runner, base = CliRunner(), ["--index", str(s.index_dir)]
    got = runner.invoke(main, ["related-words", QUERY, "--json", "-n", "30", *base], env=s.env)
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)
    assert set(data) == {"query", "method", "matches", "sample", "total", "took_ms", "words"}
    assert data["query"] == QUERY and data["method"] == sg.DEFAULT_METHOD and data["sample"] == 4
    assert [w["word"] for w in data["words"]] == [w.word for w in s.related_words(QUERY, limit=30).words]
    assert set(data["words"][0]) == {"word", "score", "docs", "background"}
    text = runner.invoke(main, ["related-words", "-n", "3", QUERY, "--method", "chi2", *base], env=s.env)
    assert text.exit_code == 0 and text.output.startswith(f"related words of {QUERY} (chi2; from the best 4 stories")
    assert len(text.output.splitlines()) == 4
    bad = runner.invoke(main, ["related-words", QUERY, "--from", "2022-13-01", *base], env=s.env)
    assert bad.exit_code == 2 and "--from" in bad.output
    none = runner.invoke(main, ["related-words", "을를", *base], env=s.env)
    assert none.exit_code == 0 and none.output.startswith("no related words: no searchable words")


def test_api_and_results_page(stores):
    from newsearch.web import create_app

    s = stores["plain"]
    client = create_app({"INDEX_DIR": str(s.index_dir), "TESTING": True}).test_client()
    api = client.get(f"/api/related-words?q={QUERY}&limit=30").get_json()
    api.pop("took_ms")
    expected = s.related_words(QUERY, limit=30).to_json()
    expected.pop("took_ms")
    assert api == expected
    for bad in ("", "?q=", f"?q={QUERY}&limit=0", f"?q={QUERY}&method=x", f"?q={QUERY}&from=2022-01-01&to=2021-01-01"):
        r = client.get("/api/related-words" + bad)
        assert r.status_code == 400 and r.get_json()["error"]
    page = client.get(f"/search?q={QUERY}").get_data(as_text=True)
    shown = s.related_words(QUERY, limit=8).words
    assert 'class="related-words"' in page and len(shown) == 8
    from urllib.parse import quote_plus

    for w in shown:  # each a link that adds the word to the query
        assert f'href="/search?q={quote_plus(QUERY + " " + w.word)}"' in page
    assert 'class="related-words"' not in client.get(f"/search?q={NO_MATCH}").get_data(as_text=True)
    assert 'class="related-words"' not in client.get(f"/search?q={QUERY}&limit=1&page=2").get_data(as_text=True)


def test_an_index_without_the_terms_column_says_so(tmp_path, kiwi, monkeypatch):
    from newsearch.backends import update
    from newsearch.backends.whoosh import forward

    monkeypatch.setattr(forward, "column_value", lambda terms: "")  # as an index written before the column
    ix = tmp_path / "index"
    update(ix, [SEEDS], name="whoosh")
    with open_searcher(ix, "whoosh") as s:
        got = s.related_words(QUERY)
    assert got.words == [] and got.unsupported == [Reason.NO_TERM_COLUMN]
    assert "run `newsearch index`" in got.to_json()["unsupported"][0]


# -- the parts -------------------------------------------------------------------------------------


def _table_chi2(a, fg, b, bg) -> float:
    """Pearson's chi-square as sum((O - E)^2 / E), written apart from significant.py's closed form."""
    cells = np.array([[a, fg - a], [b - a, bg - fg - (b - a)]], dtype=float)
    expected = cells.sum(1, keepdims=True) * cells.sum(0, keepdims=True) / cells.sum()
    return float(((cells - expected) ** 2 / expected).sum())


def _table_g2(a, fg, b, bg) -> float:
    cells = np.array([[a, fg - a], [b - a, bg - fg - (b - a)]], dtype=float)
    expected = cells.sum(1, keepdims=True) * cells.sum(0, keepdims=True) / cells.sum()
    return float(2 * sum(o * np.log(o / e) for o, e in zip(cells.ravel(), expected.ravel()) if o > 0))


@pytest.mark.parametrize("a,fg,b,bg", [(30, 200, 50, 2500), (3, 17, 3, 2528), (134, 200, 278, 2528), (2, 4, 2, 19)])
def test_scores_match_their_definitions(a, fg, b, bg):
    one = lambda f: float(f(np.array([a]), fg, np.array([b]), bg)[0])  # noqa: E731
    p, q = a / fg, b / bg
    assert one(sg.jlh) == pytest.approx((p - q) * p / q)
    assert one(sg.chi_square) == pytest.approx(_table_chi2(a, fg, b, bg))
    assert one(sg.log_likelihood) == pytest.approx(_table_g2(a, fg, b, bg))


def test_under_represented_terms_score_nothing():
    a, b = np.array([1.0, 10.0]), np.array([500.0, 10.0])  # 1 of 100 vs 500 of 1000; 10 of 100 vs 10 of 1000
    for f in sg.METHODS.values():
        got = f(a, 100, b, 1000)
        assert got[0] == 0 and got[1] > 0


def test_pruning_keeps_the_best():
    """Looking up the background lazily gives the same best words as looking up every candidate."""
    rng = np.random.default_rng(3)
    docs = {f"w{i}": int(n) for i, n in enumerate(rng.integers(2, 120, 3000))}
    background = {t: n + int(rng.integers(0, 4000)) for t, n in docs.items()}
    counts = TermCounts(matches=900, sample=200, docs=docs, total=100_000)
    looked: list[str] = []

    def frequencies(terms):
        looked.extend(terms)
        return {t: background[t] for t in terms}

    for method in sg.METHODS:
        looked.clear()
        lazy = sg.Scoring(counts, method, frequencies).best(60)[:60]
        full = sg.Scoring(counts, method, lambda ts: {t: background[t] for t in ts})
        full.done, everything = 0, full.best(10**9)
        assert [w.word for w in lazy] == [w.word for w in everything[:60]]
        assert len(looked) < len(docs)


def test_nouns_are_read_in_context(kiwi):
    from newsearch.analysis import Analyzer

    analyzer = Analyzer.for_words()

    def noun(text: str, term: str, at: int = 0) -> bool:
        start = text.index(term, at)
        window, s, e = sg.window(text, start, start + len(term))
        return sg.is_noun(term, analyzer.kiwi.tokenize(window), s, e)

    assert noun("카카오헬스케어가 병원과 손잡았다.", "카카오헬스케어")
    assert noun("정부는 실적을 밝히고 대책을 내놓았다.", "대책")
    assert not noun("정부는 실적을 밝히고 대책을 내놓았다.", "밝히")
    assert not noun("매출이 크게 늘어나 주목을 받았다.", "늘어나")
    assert not noun("그 조치는 적절하다고 말했다.", "적절")  # a root (XR), not a noun
    assert noun("KT와 LG유플러스가 5G 경쟁을 벌였다.", "KT") and noun("KT와 LG유플러스가 5G 경쟁을 벌였다.", "LG유플러스")
    assert not noun("KT와 LG유플러스가 5G 경쟁을 벌였다.", "벌")
    text, s, e = sg.window("가나 다라 마바사아자차카타파하 거너 더러", 6, 9)
    assert text[s:e] == "마바사" and text.split()[0] == "가나"


def test_contexts_take_the_first_occurrence():
    m = Match({"title": "카카오 헬스케어", "body": "서론. 카카오는 병원과 손잡았다. 카카오 다시."},
              body_spans=[(4, 7, "카카오"), (21, 24, "카카오")], title_spans=[(0, 3, "카카오"), (4, 8, "헬스케어")])
    got = sg.contexts(m, ["카카오", "헬스케어"])
    assert got["카카오"][0][got["카카오"][1]:got["카카오"][2]] == "카카오" and "서론" in got["카카오"][0]
    assert got["헬스케어"] == ("카카오 헬스케어", 4, 8)


def test_merge_keeps_the_whole_word():
    w = lambda word, docs: sg.RelatedWord(word, 1.0, docs, docs)  # noqa: E731
    out: list = []
    for x in (w("케어", 3), w("클라우드", 3), w("헬스", 3), w("헬스케어", 3), w("카카오", 9), w("카카오톡", 4)):
        sg.merge(out, x)
    assert [x.word for x in out] == ["헬스케어", "클라우드", "카카오", "카카오톡"]  # 카카오 stands alone too


# -- the shared archive ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(shared_dir, tmp_path_factory, kiwi):
    """A Whoosh index of the shared archive (wikinews_ko and bigkinds_leads, about 2,500 articles)."""
    from newsearch.backends import update

    ix = tmp_path_factory.mktemp("related-archive") / "index"
    corpus = shared_dir / "corpus"
    stats = update(ix, [corpus / "wikinews_ko.jsonl", corpus / "bigkinds_leads.jsonl"], name="whoosh")
    assert stats.failed == 0
    with open_searcher(ix, "whoosh") as s:
        yield s


@pytest.mark.parametrize("query,expected", [
    ("코로나", {"감염", "확진자", "방역", "바이러스", "감염증"}),
    ("대통령", {"박근혜", "문재인", "대선", "선거", "청와대"}),
    ("지진", {"리히터", "진앙", "진원", "대지진"}),
    ("카카오", {"카카오톡", "네이버", "카카오페이", "카카오뱅크"}),
])
def test_shared_archive(archive, query, expected):
    got = archive.related_words(query)
    words = {w.word for w in got.words}
    assert len(words & expected) >= 3, [w.word for w in got.words]
    assert got.sample <= sg.DEPTH and got.total > 2000
    assert archive.related_words(query).took_ms < 500  # warm: tens of milliseconds on this machine
