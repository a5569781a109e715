"""What the process keeps of posting lists stays out of the garbage collector's full collections: tuples of
numbers, bytes and arrays (which the collector stops tracking after their first collection), never lists (which
it walks at every full collection: at a million documents that made some queries 40-100 ms slower)."""

from __future__ import annotations

import gc
import json

from newsearch import backends
from newsearch.backends import open_searcher
from newsearch.backends.whoosh import postings


def _untracked(value) -> bool:
    """True when `value` holds no object the collector keeps tracking (tuples, arrays, numbers, bytes)."""
    if isinstance(value, tuple):
        return all(_untracked(v) for v in value)
    return not gc.is_tracked(value)


def test_cached_postings_hold_no_tracked_objects(tmp_path, kiwi):
    src = tmp_path / "docs.jsonl"
    words = ["해상풍력", "수소경제", "탄소중립", "반도체", "배터리"]
    src.write_text("".join(json.dumps({"id": str(i), "title": words[i % 5], "body": f"{words[i % 5]} {words[(i + 1) % 5]} 소식 "
                                       * 40}, ensure_ascii=False) + "\n" for i in range(400)), encoding="utf-8")
    ix = tmp_path / "ix"
    assert backends.update(ix, [src]).added == 400
    with open_searcher(ix) as s:
        s.search('"해상풍력 수소경제" 반도체')
    cached = list(postings._SHARED._postings.values())
    assert cached, "the search read posting lists through the shared cache"
    gc.collect()  # tuples of untracked items are untracked by a collection
    assert all(_untracked(v) for v in cached)


def test_a_word_absent_from_a_segment_is_looked_up_there_once(tmp_path, kiwi, monkeypatch):
    # Two segments (two updates); `수소경제` is only in the second. Asking a segment's term table costs a hash and
    # a read: the shared cache remembers where a word is not, as it remembers its postings where it is.
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("".join(json.dumps({"id": f"a{i}", "title": "해상풍력", "body": "해상풍력 단지 소식 " * 20},
                                        ensure_ascii=False) + "\n" for i in range(30)), encoding="utf-8")
    second.write_text("".join(json.dumps({"id": f"b{i}", "title": "수소경제", "body": "수소경제 해상풍력 소식 " * 20},
                                         ensure_ascii=False) + "\n" for i in range(30)), encoding="utf-8")
    ix = tmp_path / "ix"
    backends.update(ix, [first])
    backends.update(ix, [second])
    postings._SHARED._postings.clear()
    asked: list[tuple] = []
    real = postings._segment_postings

    def asking(reader, fieldname, text):
        asked.append((postings._segment_id(reader), fieldname, text))
        return real(reader, fieldname, text)

    monkeypatch.setattr(postings, "_segment_postings", asking)
    for _round in range(2):
        with open_searcher(ix) as s:  # a new searcher each time: its own joined lists, the process's shared cache
            assert {h.id for h in s.search("수소경제", limit=100, group=False).hits} == {f"b{i}" for i in range(30)}
    word = [a for a in asked if a[2] == "수소경제"]
    assert len({segment for segment, _f, _t in word}) == 2  # looked up in both segments, found in one
    assert len(asked) == len(set(asked))  # and never again
