"""bench/news_eval.py's sets: known items with their exact copies, and the held-out short-query judgements."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from newsearch.search.evaluate import load_qrels

REPO = Path(__file__).resolve().parents[1]
SHORT = REPO / "tests" / "fixtures" / "news_queries"


def _news_eval():
    """bench/news_eval.py as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("news_eval", REPO / "bench" / "news_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("news_eval", module)
    spec.loader.exec_module(module)
    return module


ne = _news_eval()


@pytest.fixture(scope="module")
def plain_kiwi():
    """A plain Kiwi, as news_eval.py uses (the query rule must not move with newsearch's dictionary)."""
    from kiwipiepy import Kiwi

    return Kiwi()


def test_copies_are_same_body_after_whitespace_or_same_title():
    rows = [
        {"id": "a", "title": "쿠팡 물류센터 화재", "body": "경기 이천  쿠팡\n물류센터에서 불이 났다."},
        {"id": "b", "title": "이천 화재 속보", "body": "경기 이천 쿠팡 물류센터에서 불이 났다. "},  # same body
        {"id": "c", "title": " 이천 화재  속보", "body": "전혀 다른 본문이다."},               # same title as b
        {"id": "d", "title": "다른 기사", "body": "경기 이천 쿠팡 물류센터에서 불이 났다고 한다."},
    ]
    groups = ne.copy_groups(rows)
    assert groups["a"] == groups["b"] == groups["c"] == {"a", "b", "c"}
    assert groups["d"] == {"d"}


def test_body_without_headline():
    assert ne.body_without_headline("2014년 8월 18일 심층진단", "2014년 8월 18일 심층진단입니다. 오늘은") == \
        "입니다. 오늘은"
    assert ne.body_without_headline("다른 제목", "본문 그대로.") == "본문 그대로."


def test_headline_words_rule(plain_kiwi):
    assert ne.headline_words(plain_kiwi, "1세대 인권변호사 강신옥 전 의원 별세 ‘인혁당 김재규 변호’") == \
        ["1세대", "인권변호사", "강신옥"]
    assert ne.headline_words(plain_kiwi, "[횡설수설/이은우]한국 1위 부자") == ["한국", "부자"]


def test_known_item_sets_on_a_slice(shared_dir, plain_kiwi):
    rows = ne.load_news(shared_dir, limit=100)
    assert len(rows) == 200 and len({r["id"] for r in rows}) == 200
    # A copy of one article under another id and headline: both are relevant to each one's query.
    first = rows[0]
    rows.append({**first, "id": "copy-of-" + first["id"], "title": "다른 매체의 제목",
                 "body": " " + first["body"].replace(" ", "  ") + "\n"})
    corpus, sets = ne.known_item_sets(rows, plain_kiwi)
    assert len(corpus) == len(rows)
    assert all(doc["title"] == "" and doc["body"].strip() for doc in corpus)
    assert set(sets) == {f"{c} headline{v}" for c in ne.NEWS_CORPORA for v in ("", " words")}
    heads, qrels = sets[f"{first['source']} headline"]
    assert {q["id"] for q in heads} == set(qrels)
    assert qrels[f"h:{first['id']}"] == {first["id"]: 1, "copy-of-" + first["id"]: 1}
    for q in heads:                               # every query finds at least its own article
        assert q["id"][2:] in qrels[q["id"]]
    words, wrels = sets[f"{first['source']} headline words"]
    titles = {r["id"]: r["title"] for r in rows}
    assert words and all(" ".join(ne.headline_words(plain_kiwi, titles[q["id"][2:]])) == q["text"] for q in words)
    assert all(2 <= len(ne.headline_words(plain_kiwi, titles[q["id"][2:]])) <= 3 for q in words)
    assert all(wrels[q["id"]] == qrels["h:" + q["id"][2:]] for q in words)


def test_short_query_files_parse():
    queries = [json.loads(line) for line in (SHORT / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = [q["id"] for q in queries]
    assert len(queries) >= 40 and len(set(ids)) == len(ids)
    assert all(2 <= len(q["text"].split()) <= 3 for q in queries)
    qrels = load_qrels(SHORT / "qrels.tsv")
    assert set(qrels) == set(ids)
    for qid, rel in qrels.items():
        assert set(rel.values()) <= {0, 1, 2}
        assert any(g > 0 for g in rel.values()), qid


def test_every_judged_id_exists_in_the_corpora(shared_dir):
    known = {r["id"] for r in ne.load_news(shared_dir)}
    judged = {d for rel in load_qrels(SHORT / "qrels.tsv").values() for d in rel}
    assert judged and judged <= known, sorted(judged - known)[:5]
