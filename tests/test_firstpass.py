"""The term-at-a-time first pass (snapshot.py: scorer, proximity) against Whoosh's own matchers, on real indexes."""

from __future__ import annotations


import numpy as np
import pytest
from whoosh import query as Q

from newsearch.backends import open_searcher, update
from newsearch.backends.whoosh.snapshot import Snapshot
from newsearch.backends.whoosh.queries import BestOf, Near, ScoredPhrase, compile_tree
from newsearch.search.querylang import parse
from newsearch.search.settings import Ranking

from .conftest import write_jsonl

QUERIES = ["카카오헬스케어가 새 서비스를 내놓았다", "KT 5G 황창규 회장", "감염병 확산 방지 대책",
           "디지털 헬스케어 사업", "날씨 기자 뉴스"]


def _whoosh_scores(s, q) -> dict[int, float]:
    """Every matching document's score from Whoosh's matcher for query node `q`."""
    m = q.matcher(s)
    out = {}
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def _nodes(q):
    yield q
    for sub in getattr(q, "subqueries", None) or ():
        yield from _nodes(sub)


def _compiled(searcher, text: str):
    """The Whoosh query (and re-rank clauses) the searcher's store runs for `text`."""
    store = searcher.store
    return compile_tree(parse(text, store.analyzer()), store.ranking)


def _fp_scores(res) -> dict[int, float]:
    return {int(d): float(res.score[d]) for d in np.flatnonzero(res.hit)}


def _assert_same(a: dict[int, float], b: dict[int, float]) -> None:
    assert set(a) == set(b)
    for d in a:
        assert a[d] == pytest.approx(b[d], rel=1e-6), d


def test_term_best_of_and_phrase_scores_match_whoosh(searcher):
    s = searcher.store._current()
    fp = Snapshot(s)
    checked = {"term": 0, "best": 0, "phrase": 0}
    for text in QUERIES:
        for node in _nodes(_compiled(searcher, text).query.normalize()):
            if isinstance(node, Q.Term):
                _assert_same(_fp_scores(fp.scorer.evaluate(node)), _whoosh_scores(s, node))
                checked["term"] += 1
            elif isinstance(node, BestOf):
                _assert_same(_fp_scores(fp.scorer.evaluate(node)), _whoosh_scores(s, node))
                checked["best"] += 1
            elif isinstance(node, ScoredPhrase):
                _assert_same(_fp_scores(fp.scorer.evaluate(node)), _whoosh_scores(s, node))
                checked["phrase"] += 1
    assert all(checked.values()), checked


def test_proximity_matches_whoosh_span_scores(searcher):
    s = searcher.store._current()
    fp = Snapshot(s)
    pairs = 0
    for text in QUERIES:
        for q in _compiled(searcher, text).rerank:
            if isinstance(q, Near):
                expected = _whoosh_scores(s, q)
                got = fp.proximity.near(q, list(range(s.doc_count_all())))
                _assert_same(got, expected)
                pairs += bool(expected)
    assert pairs >= 2


def test_several_segments_and_deletions(tmp_path, kiwi):
    ix = tmp_path / "index"
    first = tmp_path / "a.jsonl"
    second = tmp_path / "b.jsonl"
    write_jsonl(first, [{"id": f"a{i}", "title": f"서울 지하철 {i}호선 연장", "body": f"서울시는 지하철 {i}호선을 연장한다고 밝혔다. 시민 불편이 줄어든다."}
                   for i in range(1, 7)])
    write_jsonl(second, [{"id": f"b{i}", "title": "부산 지하철 파업", "body": f"부산 지하철 노조가 {i}일 파업에 들어갔다. 시민 불편이 커졌다."}
                    for i in range(1, 5)])
    update(ix, [first], user_dict=None)
    update(ix, [second], user_dict=None)
    write_jsonl(first, [{"id": f"a{i}", "title": f"서울 지하철 {i}호선 연장", "body": f"서울시는 지하철 {i}호선을 연장한다고 밝혔다. 시민 불편이 줄어든다."}
                   for i in range(1, 6)])  # a6 removed
    update(ix, [first], user_dict=None)
    with open_searcher(ix) as searcher:
        s = searcher.store._current()
        assert len(s.leaf_searchers()) >= 2  # the case under test: postings spread over segments
        fp = Snapshot(s)
        q = _compiled(searcher, "지하철 시민 불편").query
        res = fp.scorer.matches(q)
        assert int(res.hit.sum()) == len(set(s.docs_for_query(q))) == 9
        ids = {s.stored_fields(int(d))["id"] for d in res.docnums(res.hit)}
        assert "a6" not in ids and {"a1", "b4"} <= ids
        results = searcher.search("지하철 시민 불편", limit=20)
        assert results.total == 9 and len(results.hits) == 9
        assert "a6" not in {h.id for h in results.hits}
        busan = searcher.search("부산 지하철 파업", limit=3)
        assert busan.hits[0].id.startswith("b") and busan.total == 9


def test_best_passage_counts_concepts_found_together(searcher, kiwi):
    s = searcher.store._current()
    fp = Snapshot(s)
    doc = next(d for d in range(s.doc_count_all()) if s.stored_fields(d)["id"].startswith("002_"))
    body_terms = [t for t in ("카카오", "헬스케어", "서비스") if ("body", t) in s.reader()]
    assert len(body_terms) >= 2
    units = [((t,), 1.0) for t in body_terms]
    wide = fp.proximity.window_scores(units, [doc], 10_000)
    narrow = fp.proximity.window_scores(units, [doc], 0)
    # A window as long as the article holds every concept the article has; a window of one
    # position holds one concept at a time.
    assert wide[doc] == pytest.approx(sum(1.0 for t in body_terms if fp.postings.positions("body", t, [doc])))
    assert narrow[doc] == pytest.approx(1.0)


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_window_bonus_puts_the_answer_sentence_first(tmp_path, kiwi, weight):
    """The query's concepts in one sentence beat the same concepts repeated far apart (BM25 alone
    prefers the repeats: the first case shows the test is about the bonus)."""
    ix = tmp_path / "index"
    src = tmp_path / "docs.jsonl"
    pad = "그날 오후 시장 상인들은 평소처럼 가게 문을 열고 손님을 기다렸다."
    long_pad, short_pad = " ".join([pad] * 3), " ".join([pad] * 2)
    gap = "사람들이 천천히 걸어가며 이야기를 나누었다."
    scattered = " ".join(f"{w} 소식. {short_pad}" for w in ("섬", "주민", "축제", "등대", "공연")) + " " + \
        " ".join(f"{w} 이야기. {short_pad}" for w in ("섬", "주민", "축제", "등대", "공연"))
    together = f"{long_pad} 섬에서 {gap} 주민들이 {gap} 축제 기간에 {gap} 등대 앞 {gap} 공연을 열었다. {long_pad} {long_pad}"
    write_jsonl(src, [{"id": "scattered", "title": "지역 소식", "body": scattered},
                 {"id": "together", "title": "지역 소식", "body": together}]
           + [{"id": f"other{i}", "title": "다른 소식", "body": f"{pad} 오늘 {i}번째 이야기."} for i in range(20)])
    update(ix, [src], user_dict=None)
    with open_searcher(ix, ranking=Ranking(window_weight=weight)) as searcher:
        hits = [h.id for h in searcher.search("섬 주민 축제 등대 공연", limit=2).hits]
    assert hits == (["together", "scattered"] if weight else ["scattered", "together"])


@pytest.mark.parametrize("seed", range(6))
def test_union_of_posting_lists_either_way(seed):
    """The evaluation space (scorer._union) is the sorted distinct docnums whether the lists are merged or marked:
    random sorted lists, one to nine of them, short and long, some sharing documents."""
    from newsearch.backends.whoosh.scorer import _union

    rng = np.random.default_rng(seed)
    n = 200_000
    for _ in range(20):
        k = int(rng.integers(1, 10))
        lists = [np.sort(rng.choice(n, int(rng.choice([0, 1, 50, 3000, 60000])), replace=False)).astype(np.int32)
                 for _ in range(k)]
        want = np.flatnonzero(np.isin(np.arange(n), np.concatenate(lists))) if lists else np.zeros(0)
        got = _union(lists, n)
        assert got.dtype == np.int64 and np.array_equal(got, want)
