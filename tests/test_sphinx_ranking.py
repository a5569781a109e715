"""The Sphinx store ranks as the Whoosh store does, with statistics over every shard (issue 22).

Two real searchd nodes (the session's `sphinx_cluster`): a document's score does not depend on the node that
holds it, scores equal the Whoosh store's on the same articles, and pages beyond the re-scored candidates
still show every match once, in `scan`'s order.
"""

from __future__ import annotations

import json

import pytest

from newsearch.backends import open_searcher, update
from newsearch.backends.sphinx.candidate import quantized
from newsearch.backends.sphinx.cluster import Cluster
from newsearch.backends.sphinx.nodes import namespace
from newsearch.ingest.shards import shard_of
from newsearch.search.model import SearchRequest
from newsearch.search.querylang import parse

from .conftest import SEEDS

TOPICS = ["반도체 수출이 크게 늘었다", "카카오헬스케어가 대형 병원과 의료 데이터 협약을 맺었다",
          "KT가 새 5G 요금제를 내놨다", "해상풍력 단지가 서해에 들어선다", "반도체 공장 증설에 정부가 세금을 깎아 준다",
          "병원 의료 데이터 개방을 두고 논란이 이어졌다"]
MOVED = "d-3"
QUERIES = ["반도체 수출", "병원 의료 데이터", "카카오헬스케어 협약", "5G 요금제", "해상풍력 단지 서해 반도체"]


def _corpus(path, rename: dict[str, str]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(18):
            topic = TOPICS[k % len(TOPICS)]
            doc_id = f"d-{k}"
            fh.write(json.dumps({"id": rename.get(doc_id, doc_id), "title": f"{topic} ({k})",
                                 "body": f"{topic}. " + "관련 업계는 " * (k % 5) + f"{TOPICS[(k + 1) % len(TOPICS)]}.",
                                 "date": f"2020-01-{1 + k:02d}", "publisher": f"신문{k % 3}"},
                                ensure_ascii=False) + "\n")


def _other_shard_id(doc_id: str) -> str:
    """An id for the same article that the writer puts on the other of two shards."""
    return next(f"{doc_id}-{n}" for n in range(100) if shard_of(f"{doc_id}-{n}", 2) != shard_of(doc_id, 2))


@pytest.fixture(scope="module")
def two_layouts(sphinx_cluster, tmp_path_factory, kiwi):
    """The same 18 articles indexed twice: in the second namespace article MOVED sits on the other shard."""
    base = tmp_path_factory.mktemp("layouts")
    moved = _other_shard_id(MOVED)
    with pytest.MonkeyPatch.context() as mp:
        for k, v in sphinx_cluster.env.items():
            mp.setenv(k, v)
        for name, rename in (("a", {}), ("b", {MOVED: moved})):
            _corpus(base / f"{name}.jsonl", rename)
            assert update(base / name, [base / f"{name}.jsonl"], name="sphinx").added == 18
        yield base / "a", base / "b", moved


def _scores(ix, text: str, rename: dict[str, str]) -> dict[str, float]:
    with open_searcher(ix, "sphinx") as s:
        res = s.search(SearchRequest(text, limit=50, snippets=False, suggest=False, group=False))
    return {rename.get(h.id, h.id): h.score for h in res.hits}


def test_moving_a_document_between_shards_leaves_every_score_unchanged(two_layouts, sphinx_cluster):
    a, b, moved = two_layouts
    cluster = Cluster()
    held_a, held_b = ([{r[0] for r in cluster.run(i, f"SELECT s_id FROM {cluster.prefix}{i} WHERE ns=%s LIMIT 100",
                                                  (namespace(ix),))} for i in range(2)] for ix in (a, b))
    node = 0 if MOVED in held_a[0] else 1  # the node that holds it in the first layout
    assert MOVED in held_a[node] and moved in held_b[1 - node] and moved not in held_b[node]
    assert held_a[1 - node] == held_b[1 - node] - {moved}  # the other articles stay where they were
    back = {moved: MOVED}
    for text in QUERIES:
        first, second = _scores(a, text, {}), _scores(b, text, back)
        assert first and first.keys() == second.keys(), text
        assert all(first[d] == pytest.approx(second[d], rel=1e-12) for d in first), text
    # searchd's own weights (each shard's statistics) do depend on the layout: what the re-scoring fixes.
    weights = [[], []]
    for text in ("해상풍력 단지", "반도체 수출", "병원 의료 데이터"):
        for k, ix in enumerate((a, b)):
            rows = cluster.any_node(f"SELECT s_id, WEIGHT() FROM {cluster.prefix} WHERE MATCH(%s) AND ns=%s LIMIT 50 "
                                    "OPTION ranker=bm25, idf='plain,tfidf_unnormalized'", (text, namespace(ix)))
            weights[k].append({back.get(r[0], r[0]): r[1] for r in rows})
    assert weights[0] != weights[1]
    cluster.close()


def test_pages_past_the_candidates_show_each_match_once_in_scan_order(two_layouts, sphinx_cluster):
    a, _b, _moved = two_layouts
    with pytest.MonkeyPatch.context() as mp:
        for k, v in sphinx_cluster.env.items():
            mp.setenv(k, v)
        with open_searcher(a, "sphinx") as s:
            s.store.candidate_depth = 4  # most matches lie beyond the re-scored candidates
            text = "반도체 병원 데이터 요금제"
            whole = s.search(SearchRequest(text, limit=100, snippets=False, suggest=False, group=False))
            pages = [h.id for p in range(1, 8)
                     for h in s.search(SearchRequest(text, limit=3, page=p, snippets=False, suggest=False,
                                                     group=False)).hits]
            tree = parse(text, s.store.analyzer())
            scanned = [m.fields["id"] for m in s.store.scan(SearchRequest(text, group=False), tree)]
            grouped = [h.id for p in range(1, 8)
                       for h in s.search(SearchRequest(text, limit=3, page=p, snippets=False, suggest=False)).hits]
    ids = [h.id for h in whole.hits]
    assert whole.total == len(ids) > 12
    assert pages == ids == scanned and len(set(ids)) == len(ids)
    assert len(set(grouped)) == len(grouped) and set(grouped) <= set(ids)
    head = [h.score for h in whole.hits[:4]]
    assert head == sorted(head, reverse=True)


def test_scores_are_the_whoosh_stores(sphinx_cluster, seed_index, tmp_path, kiwi):
    """The seeds on two nodes score as the Whoosh index of the seeds, query for query."""
    with pytest.MonkeyPatch.context() as mp:
        for k, v in sphinx_cluster.env.items():
            mp.setenv(k, v)
        assert update(tmp_path / "s", [SEEDS], name="sphinx").added == 5
        with open_searcher(seed_index, "whoosh") as w, open_searcher(tmp_path / "s", "sphinx") as s:
            for text in ["카카오헬스케어가 병원과 손잡았다", "KT 5G 요금", "헬스케어", '"디지털 헬스케어"',
                         "헬스케어 -카카오", "+황창규 헬스케어", "제목:카카오", "정신건강 OR 국립 병원"]:
                req = SearchRequest(text, limit=10, snippets=False, suggest=False, group=False)
                want = {h.id: h.score for h in w.search(req).hits}
                got = {h.id: h.score for h in s.search(req).hits}
                assert want and got.keys() == want.keys(), text
                assert all(got[d] == pytest.approx(want[d], rel=1e-9) for d in want), text


def test_field_lengths_read_as_whoosh_reads_them():
    assert [quantized(n) for n in (0, 1, 10, 11, 12, 300)] == [1.0, 1.0, 10.0, 12.0, 12.0, 302.0]
