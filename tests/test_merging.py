"""Segment merging (backends/whoosh/merging.py): the number of segments stays bounded over many updates,
merges never exceed what one in-memory table holds, and merged indexes answer as one built at once."""

from __future__ import annotations

import json

from newsearch.backends import open_searcher, update
from newsearch.backends.whoosh import merging, store

MB = 2**20


def test_plan_merges_a_full_tier_smallest_first_and_leaves_full_segments():
    full = [200 * MB] * 5  # segments a bulk load rolled
    small = [10 * MB + k * MB for k in range(12)]  # twelve updates of one tier (10-21 MB)
    chosen = merging.plan(full + small, max_bytes=192 * MB)
    assert chosen and all(k >= 5 for k in chosen)  # never a full segment
    sizes = [(full + small)[k] for k in chosen]
    assert sum(sizes) <= 192 * MB and len(chosen) >= 2
    assert sizes == sorted(sizes) and sizes[0] == 10 * MB  # the smallest first


def test_plan_waits_for_a_full_tier():
    waiting = merging.PER_TIER - 1
    assert merging.plan([200 * MB] * 30 + [5 * MB] * waiting, max_bytes=192 * MB) == []  # 30 full ones
    assert merging.plan([0.2 * MB] * waiting, max_bytes=192 * MB) == []
    assert merging.plan([0.5 * MB, 5 * MB, 50 * MB] * waiting, max_bytes=192 * MB) == []  # three tiers, none full
    assert sorted(merging.plan([0.2 * MB] * merging.PER_TIER, max_bytes=192 * MB)) == list(range(merging.PER_TIER))


def test_plan_takes_the_lowest_full_tier_and_a_mostly_deleted_full_segment_counts_as_small():
    n = merging.PER_TIER
    sizes = [50 * MB] * n + [0.5 * MB] * n
    assert sorted(merging.plan(sizes, max_bytes=192 * MB)) == list(range(n, 2 * n))
    # full segments, each with 60% of its documents deleted by updates: 80 MB live each, merged two at a time
    assert len(merging.plan([80 * MB] * n, max_bytes=192 * MB)) == 2


def _rows(start: int, n: int) -> list[dict]:
    topics = ["반도체 수출이 늘었다", "서울 아파트 값이 올랐다", "코로나19 백신 접종이 시작됐다", "국회가 예산안을 통과시켰다"]
    return [{"id": f"d{k}", "title": f"기사 {k}", "body": f"{topics[k % 4]}. 기사 번호 {k}번의 본문입니다.",
             "date": f"2024-01-{k % 28 + 1:02d}"} for k in range(start, start + n)]


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _segments(ix_dir) -> int:
    ix = store.open_index(ix_dir)
    try:
        return len(ix._segments())
    finally:
        ix.close()


def test_many_updates_keep_segments_bounded_and_answer_as_one_build(tmp_path):
    src = tmp_path / "feed.jsonl"
    rows: list[dict] = []
    counts = []
    for day in range(14):  # fourteen updates of 15 new articles, the last few also changing older ones
        rows += _rows(15 * day, 15)
        if day >= 11:
            rows[day] = dict(rows[day], body=rows[day]["body"] + " 수정된 기사입니다.")
        stats = update(tmp_path / "ix", [_write(src, rows)], user_dict=None)
        assert stats.failed == 0
        counts.append(_segments(tmp_path / "ix"))
    # a commit merges the segments it finds: the PER_TIER-th update's makes PER_TIER, the next one's merges them
    # with its own
    per_tier = merging.PER_TIER
    assert max(counts) <= per_tier
    assert counts[per_tier - 1] == per_tier and counts[per_tier] == 1
    update(tmp_path / "once", [src], user_dict=None)
    with open_searcher(tmp_path / "ix") as a, open_searcher(tmp_path / "once") as b:
        for q in ("반도체", "아파트", "수정", "백신"):  # 3 to 53 matches: all on one page
            ra, rb = a.search(q, limit=100, group=False), b.search(q, limit=100, group=False)
            assert 0 < ra.total == rb.total <= 100
            assert sorted(h.id for h in ra.hits) == sorted(h.id for h in rb.hits)
        assert a.search("기사", group=False).total == b.search("기사", group=False).total == len(rows) == 210
