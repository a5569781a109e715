"""Search quality on the seeds: one-word recall, spacing and particles, query syntax, judged-set nDCG."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsearch.cli import main
from newsearch.search.evaluate import load_qrels, ndcg_at, score_run

SEED_EVAL = Path(__file__).parent / "fixtures" / "seed_eval"
KT = "000_7982a9e012f08afc.txt"
BIGTECH = "001_2bc103dad1454d7c.txt"
KAKAO_A = "002_5199239f47117fff.txt"
GU = "003_aba8f5db32093a90.txt"
KAKAO_B = "004_24bd54923c893d98.txt"
ALL_SEEDS = {KT, BIGTECH, KAKAO_A, GU, KAKAO_B}


def ids(searcher, q, **kw) -> list[str]:
    return [h.id for h in searcher.search(q, limit=10, **kw).hits]


def test_one_word_finds_every_document_containing_it(searcher):
    # Kiwi splits a bare 헬스케어 into 헬스+케어 but keeps it whole inside sentences.
    assert set(ids(searcher, "헬스케어")) == {KT, BIGTECH, KAKAO_A, KAKAO_B}
    # 카카오헬스케어 is one proper noun in one seed and two nouns in the other.
    assert set(ids(searcher, "카카오헬스케어")[:2]) == {KAKAO_A, KAKAO_B}


@pytest.mark.parametrize("query, expected", [
    ("디지털헬스케어", KT),       # written '디지털 헬스케어' in the article
    ("카카오헬스케어의", KAKAO_A),  # particle attached
    ("황창규회장", KT),           # '황창규 회장'
    ("감염병확산방지", KT),        # '감염병 확산 방지' / '감염병 확산방지'
    ("KT가 5G를", KT),
])
def test_spacing_and_particles_do_not_block_a_match(searcher, query, expected):
    assert expected in ids(searcher, query)[:2]


def test_exact_phrase(searcher):
    found = set(ids(searcher, '"디지털 헬스케어"'))
    assert KT in found and GU not in found
    assert ids(searcher, '"헬스케어 황창규"') == []


def test_exclusion(searcher):
    assert ids(searcher, "헬스케어 -카카오") == [KT]


def test_or_groups(searcher):
    assert set(ids(searcher, "구현모 OR 황창규")) == {KT, GU}


def test_title_field(searcher):
    assert ids(searcher, "title:네이버") == [KAKAO_B]
    assert KAKAO_B in ids(searcher, "네이버")


def test_required_word(searcher):
    assert set(ids(searcher, "+카카오 헬스케어")) == {BIGTECH, KAKAO_A, KAKAO_B}


def test_only_particles_or_punctuation_is_empty_with_a_reason(searcher):
    for q in ("을를", "은는이가", "?!", "에서"):
        res = searcher.search(q)
        assert res.total == 0 and res.reason, q


def test_suggestion_in_cli_json(seed_index):
    r = CliRunner().invoke(main, ["query", "헬스캐어", "--json", "--index", str(seed_index)])
    assert json.loads(r.output)["suggestion"] == "헬스케어"
    # Nothing matched as typed and the correction is confident: it is searched at once, and said so.
    r = CliRunner().invoke(main, ["query", "헬스캐어", "--index", str(seed_index)], env={"NO_COLOR": "1"})
    assert "showing results for: 헬스케어 (nothing matched 헬스캐어" in r.output
    r = CliRunner().invoke(main, ["query", "헬스캐어", "--no-correct", "--index", str(seed_index)],
                           env={"NO_COLOR": "1"})
    assert "did you mean: 헬스케어" in r.output


def test_judged_seed_queries_ndcg(searcher):
    """Regression guard on a small judged set over the seeds (written for this project)."""
    qrels = load_qrels(SEED_EVAL / "qrels.tsv")
    run = {}
    for line in (SEED_EVAL / "queries.jsonl").open(encoding="utf-8"):
        q = json.loads(line)
        run[q["id"]] = ids(searcher, q["text"])
    metrics = score_run(run, qrels)
    assert metrics["queries"] == 15
    assert metrics["ndcg@10"] >= 0.95, metrics
    assert metrics["mrr@10"] >= 0.95, metrics
    # No query may lose its best article from the first page.
    for qid, rels in qrels.items():
        assert ndcg_at(run[qid], rels) > 0.6, (qid, run[qid])


def test_eval_command_prints_metrics_and_writes_run(tmp_path, kiwi):
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": "d1", "title": "카카오 헬스케어", "body": "카카오헬스케어가 병원과 협약을 맺었다."},
            {"id": "d2", "title": "KT 5G", "body": "KT가 5G 상용화를 앞두고 있다."},
            {"id": "d3", "title": "날씨", "body": "내일은 비가 오겠다."}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "text": "카카오 헬스케어"}\n{"id": "b", "text": "5G 상용화"}\n', encoding="utf-8")
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\na\td1\t1\nb\td2\t1\n", encoding="utf-8")
    run = tmp_path / "run.tsv"
    r = CliRunner().invoke(main, ["eval", str(corpus), str(queries), str(qrels), "--index", str(tmp_path / "ix"),
                                  "--run", str(run)])
    assert r.exit_code == 0, r.output
    assert "nDCG@10 1.0000" in r.output and "MRR@10 1.0000" in r.output and "Recall@100 1.0000" in r.output
    lines = run.read_text().splitlines()
    assert lines[0].split()[:4] == ["a", "Q0", "d1", "1"]


def test_korquad_quality_beats_nori_reference(shared_dir, tmp_path_factory, kiwi):
    """On a fixed sample of KorQuAD questions our nDCG@10 stays above Lucene/Nori's full-set 0.963."""
    d = shared_dir / "eval" / "korquad1_dev"
    from newsearch.backends import open_searcher, update

    ix = tmp_path_factory.mktemp("korquad") / "index"
    update(ix, [d / "corpus.jsonl"])
    qrels = load_qrels(d / "qrels.tsv")
    queries = [json.loads(line) for line in (d / "queries.jsonl").open(encoding="utf-8")][::10]
    with open_searcher(ix) as s:
        run = {q["id"]: [h.id for h in s.search(q["text"], limit=10, snippets=False, suggest=False).hits]
               for q in queries}
    metrics = score_run(run, {q["id"]: qrels[q["id"]] for q in queries})
    assert metrics["ndcg@10"] > 0.963, metrics
