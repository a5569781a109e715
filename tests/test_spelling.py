"""Did-you-mean and auto-correction (issue 16): bounded work whatever is typed, corrections that are
better queries, the auto-search fields, the web's display, the dictionary note.

The archive tests run on both stores: one analysis of Wikinews + BigKinds leads (about 2,500 articles,
some 30 s) per module written to a Whoosh index and to a Sphinx namespace of the session's cluster at
once, and skip without ../shared; the rest run on the seeds or on a stand-in store.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from newsearch.analysis import Analyzer
from newsearch import backends
from newsearch.backends import open_searcher, open_writer
from newsearch.backends.sphinx import words
from newsearch.backends.whoosh import spelling as whoosh_spelling
from newsearch.errors import Unsupported
from newsearch.ingest import update
from newsearch.search import spelling
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


class BothStores:
    """The ingest pipeline's writer for two stores at once: each document analysed once, written to both."""

    def __init__(self, *writers):
        self.writers = writers

    def existing(self, shard=None):
        found = [w.existing(shard) for w in self.writers]
        assert all(f == found[0] for f in found), "the stores must start alike"
        return found[0]

    def dictionary(self):
        return self.writers[0].dictionary()

    def add(self, item, replace):
        for w in self.writers:
            w.add(item, replace)

    def delete(self, doc_id):
        for w in self.writers:
            w.delete(doc_id)

    def commit(self, words, changed):
        for w in self.writers:
            w.commit(words, changed)

    def cancel(self):
        for w in self.writers:
            w.cancel()

    def marks_path(self):
        return None  # each store's own folder would do; the pair keeps none


@pytest.fixture(scope="module")
def archives(request, shared_dir, tmp_path_factory, kiwi):
    """Searchers over Wikinews + BigKinds leads (the archive of issue 16) on both stores, by store name (Whoosh
    alone where searchd is missing: the Sphinx cases then skip)."""
    base = tmp_path_factory.mktemp("spelling-archive")
    corpus = shared_dir / "corpus"
    try:
        cluster = request.getfixturevalue("sphinx_cluster")
    except pytest.skip.Exception:
        cluster = None
    names = ("whoosh", "sphinx") if cluster is not None else ("whoosh",)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in (cluster.env.items() if cluster is not None else ()):
            mp.setenv(key, value)
        both = BothStores(*(open_writer(base / name, name) for name in names))
        stats = update(both, [corpus / "wikinews_ko.jsonl", corpus / "bigkinds_leads.jsonl"])
        for w in both.writers:
            getattr(w, "close", lambda: None)()  # the backends' update() does the same
    assert stats.added > 2000 and stats.failed == 0
    out = {name: open_searcher(base / name, name) for name in names}
    for s in out.values():
        s.search("헬스캐어")  # builds the vocabulary of this index state once
    yield out
    for s in out.values():
        s.close()


def _sphinx(archives) -> None:
    if "sphinx" not in archives:
        pytest.skip("searchd is not available")


@pytest.fixture(params=["whoosh", "sphinx"])
def archive(request, archives):
    """The archive's searcher on each store in turn."""
    if request.param == "sphinx":
        _sphinx(archives)
    return archives[request.param]


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


def test_vocabulary_is_built_once_per_index_state(archives):
    store = archives["whoosh"].store
    s = store._current()
    first = whoosh_spelling.vocabulary(s, store.index_dir)
    assert whoosh_spelling.vocabulary(s, store.index_dir) is first
    assert 1000 < len(first) <= spelling.MAX_WORDS and int(first.df.min()) >= spelling.MIN_DF
    if "sphinx" in archives:
        sphinx_dir = archives["sphinx"].store.index_dir
        assert words.kept(sphinx_dir) is words.kept(sphinx_dir)  # read once per version of the file


def _three_runs(tmp_path, runs=3) -> Path:
    """An index of `runs` updates (a segment each) over five words, some in several documents."""
    words = ["해상풍력", "수소경제", "탄소중립", "반도체", "배터리"]
    ix = tmp_path / "ix"
    for k in range(runs):
        src = tmp_path / f"run{k}.jsonl"
        src.write_text("".join(json.dumps({"id": f"{k}-{i}", "title": w, "body": f"{w} 관련 {words[(i + k) % 5]} 소식"},
                                          ensure_ascii=False) + "\n" for i, w in enumerate(words * 2)), encoding="utf-8")
        assert backends.update(ix, [src]).added == 10
    return ix


def _kept_files(ix: Path) -> list[str]:
    return sorted(p.name for p in ix.iterdir() if p.name.startswith(whoosh_spelling.FILE_PREFIX))


def _vocab_of(ix: Path):
    """The vocabulary a new process would get (nothing kept in memory)."""
    spelling.KEPT._states.clear()
    s = open_searcher(ix)
    try:
        return whoosh_spelling.vocabulary(s.store._current(), ix)
    finally:
        s.close()


def test_vocabulary_sums_the_segments(tmp_path, kiwi):
    """Read segment by segment, the vocabulary is what one reader over every segment gives."""
    ix = _three_runs(tmp_path)  # three runs, three segments; every word in every run, some in several documents
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(ix)).searcher() as s:
        reader = s.reader()
        assert len(list(reader.leaf_readers())) >= 2
        df = {}
        for raw, info in reader.iter_field("body"):
            word = raw.decode("utf-8")
            if info.doc_frequency() >= spelling.MIN_DF and spelling.correctable(word):
                df[word] = info.doc_frequency()
        expected = spelling.from_counts(df)
        got = whoosh_spelling.build(reader)
    assert got.words == expected.words and got.df.tolist() == expected.df.tolist()
    assert dict(zip(got.words, got.df.tolist()))["해상풍력"] == 10  # 2 + 4 + 4 documents over the three runs


def test_vocabulary_is_kept_beside_the_segments(tmp_path, kiwi, monkeypatch):
    """The first process to need the vocabulary of an index state keeps it in a file; the next ones read the
    file instead of building it again, and get the same words, frequencies and bigram index. A new state
    (another commit) has its own file, and the old one is removed."""
    ix = _three_runs(tmp_path)
    built = _vocab_of(ix)
    assert len(_kept_files(ix)) == 1
    monkeypatch.setattr(whoosh_spelling, "build", lambda reader: pytest.fail("built again, not read"))
    read = _vocab_of(ix)
    assert read.words == built.words and "해상풍력" in read.words
    for name in ("df", "lengths", "grams", "starts", "postings"):
        assert getattr(read, name).tolist() == getattr(built, name).tolist(), name
    assert spelling.correct_word(read, "해상풍녁").word == "해상풍력"
    monkeypatch.undo()
    first = _kept_files(ix)
    src = tmp_path / "more.jsonl"
    src.write_text(json.dumps({"id": "more", "title": "해상풍력 해상풍력", "body": "해상풍력 단지"}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    assert backends.update(ix, [src]).added == 1
    assert len(_kept_files(ix)) == 1 and _kept_files(ix) != first  # the writer kept the new state's file
    monkeypatch.setattr(whoosh_spelling, "build", lambda reader: pytest.fail("a query built it, not the writer"))
    again = _vocab_of(ix)
    assert dict(zip(again.words, again.df.tolist()))["해상풍력"] == 11
    monkeypatch.undo()
    second = _kept_files(ix)
    assert backends.update(ix, [src]).unchanged == 1  # a no-op update keeps the file as it is
    assert _kept_files(ix) == second


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "arrays disagree"])
def test_a_damaged_vocabulary_file_is_built_again(tmp_path, kiwi, damage):
    """A kept file that cannot be read whole is not trusted: the vocabulary is built again and the file
    replaced."""
    ix = _three_runs(tmp_path, runs=2)
    want = _vocab_of(ix)
    (path,) = [ix / n for n in _kept_files(ix)]
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(bytes(range(256)) * 4)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        import numpy as np

        with open(path, "wb") as f:
            np.savez(f, words=np.frombuffer("가나\n다라".encode(), dtype=np.uint8), df=want.df, lengths=want.lengths,
                     grams=want.grams, starts=want.starts, postings=want.postings)
    assert spelling.load(path) is None
    got = _vocab_of(ix)
    assert got.words == want.words and got.df.tolist() == want.df.tolist()
    assert spelling.load(path) is not None


def test_a_vocabulary_that_cannot_be_kept_is_still_given(tmp_path, kiwi):
    """Where the file cannot be written (here a folder stands in its place; a read-only index folder is the
    usual case, but CI runs as root), every process builds its own vocabulary and nothing is left behind."""
    ix = _three_runs(tmp_path, runs=1)
    want = _vocab_of(ix)
    (name,) = _kept_files(ix)
    (ix / name).unlink()
    (ix / name).mkdir()
    got = _vocab_of(ix)
    assert got.words == want.words
    assert _kept_files(ix) == [name] and (ix / name).is_dir()


def test_an_unwritable_vocabulary_file_is_reported_as_not_kept(tmp_path):
    """save() says False (and leaves nothing behind) where it cannot write: the folder is gone."""
    vocab = spelling.from_counts({"해상풍력": 3, "반도체": 2})
    assert spelling.save(vocab, tmp_path / "missing" / "spelling-x.npz") is False
    assert spelling.save(vocab, tmp_path / "spelling-x.npz") is True
    assert spelling.load(tmp_path / "spelling-x.npz").words == vocab.words
    assert [p.name for p in tmp_path.iterdir()] == ["spelling-x.npz"]


def test_both_stores_keep_the_same_vocabulary(archives):
    """The words a Sphinx writer counts are the Whoosh index's body words, with the same frequencies."""
    _sphinx(archives)
    store = archives["whoosh"].store
    ours = whoosh_spelling.vocabulary(store._current(), store.index_dir)
    theirs = words.kept(archives["sphinx"].store.index_dir).vocab
    assert dict(zip(ours.words, ours.df.tolist())) == dict(zip(theirs.words, theirs.df.tolist()))


def test_both_stores_suggest_the_same(archives):
    _sphinx(archives)
    for typo, _want in typos():
        got = {name: s.search(typo, correct=False) for name, s in archives.items()}
        assert got["whoosh"].suggestion == got["sphinx"].suggestion, typo


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
    """A store that keeps no vocabulary (a Sphinx index written before its words were kept): the request
    says so and nothing is auto-corrected."""
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
