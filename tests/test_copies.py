"""Wire copies (copies/, issue 18): signatures and the groups they form, on a labelled set of syndicated variants.

The labelled set is a recipe (tests/fixtures/copies/recipe.json): originals named by path in this repository
(seeds/, tests/fixtures/heldout/) or by id in ../shared/corpus, and the variants bench/copies_set.py makes of
each (new dateline and byline, headline rewritten, ending cut, promo appended, words changed, paragraphs
rejoined); hard negatives (tests/fixtures/copies/negatives.json) are real pairs mined from ../shared and read
by hand. The part built from this repository's texts always runs; the ../shared part skips without the data.
The goal: pairwise precision >= 0.99 and recall >= 0.95.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsearch.analysis.terms import Term
from newsearch.copies import Member, Signature, body_signature, find_groups
from newsearch.copies.signature import MIN_SHINGLES, NUM_PERM

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "copies"
PRECISION, RECALL = 0.99, 0.95


def _copies_set():
    """bench/copies_set.py as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("copies_set", REPO / "bench" / "copies_set.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("copies_set", module)
    spec.loader.exec_module(module)
    return module


cs = _copies_set()
RECIPE = json.loads((FIXTURES / "recipe.json").read_text(encoding="utf-8"))

# A short body (about 25 shingles): one shingle more or less changes its signature almost surely.
SHORT_BODY = ("정부는 20일 오전 서울 종로구 정부서울청사에서 국무회의를 열고 내년도 예산안을 의결했다. "
              "예산안은 총 650조원 규모로 올해보다 3% 늘었다. 기획재정부는 복지와 국방 분야 지출을 확대했다고 설명했다.")
# Who sent the copy, not what it says: dateline forms opening the body, and lines closing it.
DATELINES = ["(서울=연합뉴스) 홍길동 기자 = ", "(서울=연합뉴스) 홍길동 김철수 기자 = ", "[세종=뉴시스]홍길동 기자 = ",
             "【서울=뉴시스】홍길동 기자 = ", "(서울=뉴스1) 홍길동 기자 = ", "(워싱턴=연합뉴스) 홍길동 특파원 = ",
             "[서울=뉴시스] 홍길동 인턴 기자 = ", "[아이뉴스24 홍길동 기자] ", "[디지털데일리 홍길동기자] ",
             "[헤럴드경제=홍길동 기자] ", "홍길동 기자 = ", "(서울=연합뉴스) ", "홍길동 기자\n\n"]
CLOSINGS = ["홍길동 기자 hong@yna.co.kr", "/홍길동 기자 hong@newsis.com", "hong@yna.co.kr", "홍길동 기자(hong@mt.co.kr)",
            "<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>", "ⓒ 뉴시스 무단전재 및 재배포 금지",
            "Copyright ⓒ 뉴스1. All rights reserved.", "▶ 네이버에서 연합뉴스 구독하기",
            "☞ 공감언론 뉴시스가 독자 여러분의 소중한 제보를 기다립니다.", "저작권자 © 뉴스웨이 무단전재 및 재배포 금지",
            "[ⓒ 매일경제 & mk.co.kr, 무단 전재, 재배포 및 AI학습 이용 금지]", "홍길동 선임기자"]


def _sig(analyzer, body: str):
    return body_signature(body, analyzer.terms(body))


@pytest.fixture(scope="module")
def analyzer(kiwi):
    from newsearch.analysis import Analyzer

    return Analyzer.for_words()


@pytest.fixture(scope="module")
def local_set(analyzer):
    """The recipe's part made of this repository's texts: documents and their signatures."""
    local = {d.id: d for d in cs.local_originals(REPO)}
    docs = cs.build_recipe(RECIPE["local"], None, local)
    return docs, cs.signatures(docs, analyzer)


def _labels(docs) -> dict[str, str]:
    return {d.id: d.key for d in docs}


def _misses(groups, docs) -> list[str]:
    return [d.id for d in docs if d.source and groups.lead_of(d.id) != groups.lead_of(d.source)]


# -- signatures ---------------------------------------------------------------------------------------


def _handmade_terms(n: int) -> tuple[str, list[Term]]:
    words = [f"낱말{i}" for i in range(n)]
    body = " ".join(words)
    terms, at = [], 0
    for k, w in enumerate(words):
        terms.append(Term(w, k, at, at + len(w)))
        at += len(w) + 1
    return body, terms


# The signature of _handmade_terms(40): pinned, because signatures are stored in indexes. A change of the
# hashing (seed, permutations, shingle joining, hash function) must come with a re-index of every store.
PINNED_SIZE, PINNED_HEAD = 38, [467356603, 31661727, 179339047, 159714076]


def test_signature_is_the_same_in_every_process():
    body, terms = _handmade_terms(40)
    here = body_signature(body, terms).to_bytes()
    payload = pickle.dumps((body, [(t.text, t.pos, t.start, t.end) for t in terms]))
    code = ("import pickle, sys\n"
            "from newsearch.analysis.terms import Term\n"
            "from newsearch.copies import body_signature\n"
            "body, ts = pickle.loads(sys.stdin.buffer.read())\n"
            "sys.stdout.write(body_signature(body, [Term(*t) for t in ts]).to_bytes().hex())\n")
    for seed in ("0", "1", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], input=payload, capture_output=True, env=env, check=True)
        assert bytes.fromhex(out.stdout.decode()) == here, f"PYTHONHASHSEED={seed} gave another signature"


def test_signature_of_fixed_terms_is_pinned():
    body, terms = _handmade_terms(40)
    sig = body_signature(body, terms)
    assert sig.size == PINNED_SIZE
    assert sig.length == len(body)
    assert sig.values.dtype == np.uint32 and sig.values.shape == (NUM_PERM,)
    assert sig.values[:4].tolist() == PINNED_HEAD, sig.values[:4].tolist()


def test_bytes_round_trip():
    body, terms = _handmade_terms(30)
    sig = body_signature(body, terms)
    back = Signature.from_bytes(sig.to_bytes())
    assert back is not None
    assert np.array_equal(back.values, sig.values) and back.size == sig.size and back.length == sig.length
    assert back.jaccard(sig) == 1.0
    assert Signature.from_bytes(b"") is None
    assert Signature.from_bytes(sig.to_bytes()[:-1]) is None
    assert Signature.from_bytes(sig.to_bytes() + b"\0") is None


def test_short_bodies_have_no_signature(analyzer):
    assert _sig(analyzer, "") is None
    assert body_signature("", []) is None
    assert _sig(analyzer, "정부가 예산안을 의결했다.") is None
    body, terms = _handmade_terms(MIN_SHINGLES + 1)  # MIN_SHINGLES - 1 shingles
    assert body_signature(body, terms) is None
    body, terms = _handmade_terms(MIN_SHINGLES + 2)  # MIN_SHINGLES shingles
    assert body_signature(body, terms) is not None
    assert _sig(analyzer, SHORT_BODY) is not None


def _same_shingles(a, b) -> bool:
    """Equal MinHash values and shingle counts (the stored body length differs by the furniture's length)."""
    return a.size == b.size and np.array_equal(a.values, b.values)


@pytest.mark.parametrize("dateline", DATELINES, ids=[f"dateline{i}" for i in range(len(DATELINES))])
def test_dateline_does_not_change_the_signature(analyzer, dateline):
    assert _same_shingles(_sig(analyzer, dateline + SHORT_BODY), _sig(analyzer, SHORT_BODY))


@pytest.mark.parametrize("closing", CLOSINGS, ids=[f"closing{i}" for i in range(len(CLOSINGS))])
def test_byline_and_copyright_lines_do_not_change_the_signature(analyzer, closing):
    assert _same_shingles(_sig(analyzer, SHORT_BODY + "\n\n" + closing), _sig(analyzer, SHORT_BODY))


def test_changed_words_do_change_the_signature(analyzer):
    """The furniture tests above can fail: a change of the text itself does change a short body's signature."""
    base = _sig(analyzer, SHORT_BODY)
    other = _sig(analyzer, SHORT_BODY.replace("국방 분야", "교육 분야"))
    assert not _same_shingles(other, base)
    assert 0.5 <= other.jaccard(base) < 1.0
    prose = _sig(analyzer, SHORT_BODY + "\n\n추경호 부총리는 재정 건전성을 지키면서 민생을 챙기겠다고 강조했다.")
    assert prose.jaccard(base) < 0.9  # a closing line of prose is text, not furniture


def test_wire_furniture_on_real_articles(analyzer, local_set):
    """Dateline, byline and promo variants of the repository's articles keep nearly all of their signature."""
    docs, sigs = local_set
    for d in docs:
        if d.kind in ("headline", "dateline", "byline", "promo") and sigs[d.source] is not None:
            assert sigs[d.id].jaccard(sigs[d.source]) >= 0.9, (d.id, sigs[d.id].jaccard(sigs[d.source]))


# -- groups -------------------------------------------------------------------------------------------


def test_labelled_set_from_repository_texts(local_set):
    docs, sigs = local_set
    assert len(docs) >= 150 and len({d.key for d in docs}) >= 15
    groups = find_groups(cs.members(docs, sigs))
    sc = cs.pair_scores(groups, _labels(docs))
    assert sc.precision >= PRECISION and sc.recall >= RECALL, (sc, _misses(groups, docs))
    # The originals are different stories (several on the same topic: digital health care, KT): none grouped.
    originals = [d.id for d in docs if d.source is None]
    assert len({groups.lead_of(i) for i in originals}) == len(originals)


def test_labelled_set_with_shared_corpora(shared_dir, analyzer, local_set):
    corpus = cs.load_corpus(shared_dir)
    pairs = cs.load_negatives(FIXTURES / "negatives.json")
    goal_pairs = [p for p in pairs if p["kind"] != "lead_only"]
    docs = cs.build_recipe(RECIPE["shared"], corpus, None)
    negs = [d for d in cs.negative_docs(corpus, goal_pairs) if d.id not in {x.id for x in docs}]
    sigs = dict(local_set[1])
    sigs.update(cs.signatures(docs + negs, analyzer))
    every = local_set[0] + docs + negs
    assert len(docs) >= 150 and len(negs) >= 100
    groups = find_groups(cs.members(every, sigs))
    labels = _labels(every)
    keys = cs.negative_keys(FIXTURES / "negatives.json")
    labels.update({d.id: keys[d.id] for d in negs})
    sc = cs.pair_scores(groups, labels)
    grouped_negatives = [(p["a"], p["b"]) for p in goal_pairs if groups.lead_of(p["a"]) == groups.lead_of(p["b"])]
    assert sc.precision >= PRECISION and sc.recall >= RECALL, (sc, _misses(groups, every), grouped_negatives)
    assert not grouped_negatives


def test_lead_is_earliest_then_longest_then_smallest_id():
    values = np.arange(NUM_PERM, dtype=np.uint32)

    def m(i: str, date: str, length: int) -> Member:
        return Member(i, Signature(values.copy(), 40, length), date)

    got = find_groups([m("c", "2024-05-02", 900), m("b", "2024-05-01", 300), m("a", "2024-05-01", 500),
                       m("d", "", 2000)])
    assert got.groups == [("a", "b", "c", "d")]  # earliest, then longest; the undated last
    got = find_groups([m("y", "2024-05-01", 500), m("x", "2024-05-01", 500)])
    assert got.groups == [("x", "y")]
    got = find_groups([m("late", "2024-05-03", 5000), m("undated", "", 9000)])
    assert got.groups == [("late", "undated")]
    assert got.lead_of("undated") == "late" and got.members("late") == ("late", "undated")


def test_groups_do_not_depend_on_member_order(local_set):
    docs, sigs = local_set
    ms = cs.members(docs, sigs)
    first = find_groups(ms).groups
    assert first
    for seed in range(3):
        shuffled = ms[:]
        random.Random(seed).shuffle(shuffled)
        assert find_groups(shuffled).groups == first


def test_members_without_signature_are_never_grouped(local_set):
    docs, sigs = local_set
    ms = cs.members(docs, sigs) + [Member("none-1", None, "2024-01-01"), Member("none-2", None, "2024-01-01")]
    g = find_groups(ms)
    assert g.lead_of("none-1") == "none-1" and g.lead_of("none-2") == "none-2"
    assert find_groups([Member("x", None), Member("y", None)]).groups == []


def test_variants_are_deterministic(local_set):
    docs, _ = local_set
    orig = next(d for d in docs if d.source is None)
    for kind in cs.ALL_KINDS:
        a, b = cs.make_variant(orig, kind, 7), cs.make_variant(orig, kind, 7)
        assert a == b and a.source == orig.id and a.kind == kind
    assert cs.make_variant(orig, "combo", 1).body != cs.make_variant(orig, "combo", 2).body


def test_candidate_pairs_made_unique_in_pieces_are_the_pairs(local_set, monkeypatch):
    """Identical texts pair again in every band; the pairs are made unique as they come (memory follows the
    distinct pairs): with the smallest piece the groups and the pairs are those of one piece."""
    from newsearch.copies import groups as copy_groups

    docs, sigs = local_set
    ms = cs.members(docs, sigs)
    ms += [Member(f"{m.id}~twin", m.signature, m.date) for m in ms[:40]]  # equal in all bands
    values = np.stack([m.signature.values for m in ms if m.signature is not None])
    whole = copy_groups._candidates(values)
    expected = find_groups(ms).groups
    monkeypatch.setattr(copy_groups, "_PAIR_CHUNK", 1)
    left, right = copy_groups._candidates(values)
    assert np.array_equal(left, whole[0]) and np.array_equal(right, whole[1])
    assert (left < right).all() and len(set(zip(left.tolist(), right.tolist()))) == len(left)
    got = find_groups(ms)
    assert got.groups == expected
    twins = [m.id for m in ms[:40] if m.signature is not None]
    assert len(twins) >= 20 and all(got.lead_of(f"{i}~twin") == got.lead_of(i) for i in twins)
