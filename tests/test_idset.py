"""The compact set of ids a run has read (ingest/idset.py) answers as a Python set of the ids would."""

from __future__ import annotations

import random

import pytest

from newsearch.ingest import idset
from newsearch.ingest.idset import IdSet


@pytest.fixture(params=[4, 1 << 16], ids=["settled-often", "default"])
def recent(request, monkeypatch):
    monkeypatch.setattr(idset, "RECENT", request.param)
    return request.param


def test_answers_as_a_set_does(recent):
    rng = random.Random(7)
    ids = [f"{rng.choice(['nsmc', 'wiki', 'a/b.jsonl#'])}-{rng.randrange(10**6)}" for _ in range(30_000)]
    got, ref, first = IdSet(), set(), {}
    for line, doc_id in enumerate(ids[:20_000], 1):
        assert got.add_new(doc_id, line) == (doc_id not in ref)
        ref.add(doc_id)
        first.setdefault(doc_id, line)
    got.update(ids[20_000:])  # many at once (a file not read: its ids claimed)
    ref.update(ids[20_000:])
    assert len(got) == len(ref)
    probe = ids[::3] + [f"never-{i}" for i in range(2_000)] + ["", "가나다", "\ud800"]
    assert [p in got for p in probe] == [p in ref for p in probe]
    assert got.held(probe).tolist() == [p in ref for p in probe]
    assert all(got.first(i) == first[i] for i in ids[:20_000:7])
    assert got.first("never") is None and not got.held([]).size


def test_ids_of_one_first_hash_are_both_kept(monkeypatch):
    """Two ids whose first hashes agree (forced here; about one pair in 2**64 really) are still two."""
    monkeypatch.setattr(idset, "_key", lambda doc_id: (42, hash(doc_id) & idset._MASK))
    monkeypatch.setattr(idset, "_keys", lambda ids: (
        idset.np.full(len(ids), 42, dtype=idset.np.uint64),
        idset.np.array([hash(i) & idset._MASK for i in ids], dtype=idset.np.uint64)))
    got = IdSet()
    assert got.add_new("a", 1) and got.add_new("b", 2) and not got.add_new("a", 3)
    got.update([f"x{i}" for i in range(idset.RECENT)])  # into the sorted arrays
    assert got.add_new("c", 4) and got.first("a") == 1 and got.first("b") == 2 and got.first("c") == 4
    assert "x5" in got and "y" not in got and got.held(["a", "y", "x9"]).tolist() == [True, False, True]
