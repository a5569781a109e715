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
