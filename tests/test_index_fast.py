"""The fast segment writer (newsearch.backends.whoosh.segment_writer) writes what Whoosh's own writer writes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from newsearch.analysis import terms as analysis_terms
from newsearch.backends import update
from newsearch.backends.whoosh import segment_writer as whoosh_fast
from newsearch.backends.whoosh import store
from newsearch.compiled import speedups
from whoosh.writing import SegmentWriter

from .conftest import write_jsonl

REVIEWS = ["정말 재미있는 영화였다", "배우들의 연기가 좋았다 5G 시대", "스토리가 지루해서 졸았다",
           "헬스케어사업 비급여 항목 美中 정상회담", "COVID-19 35.47% 증가, KT&G 실적"]


def _rows(n: int, salt: str = "") -> list[dict]:
    rows = []
    for i in range(n):
        rows.append({"id": f"d{i}", "title": f"제목 {i % 7} 영화" if i % 3 else "",
                     "body": f"{REVIEWS[i % len(REVIEWS)]} {REVIEWS[(i * 3) % len(REVIEWS)]} {salt}{i % 11}번",
                     "date": "2024-01-02" if i % 2 else "", "publisher": f"pub{i % 4}", "url": f"http://x/{i}"})
    return rows


def _dump(ix_dir: Path, term_stats: bool = True) -> dict:
    """Everything a reader sees, keyed by document id (not number): postings, term stats, stored, columns.

    Term statistics count deleted documents until their segment is merged, so they depend on the
    segment layout: `term_stats=False` leaves them out.
    """
    ix = store.open_index(ix_dir)
    out: dict = {}
    with ix.reader() as r:
        ids = {d: r.stored_fields(d)["id"] for d in r.all_doc_ids()}
        for fn, tb in r.all_terms():
            m = r.postings(fn, tb)
            posts = []
            while m.is_active():
                posts.append((ids[m.id()], m.weight(), m.value()))
                m.next()
            ti = r.term_info(fn, tb)
            if posts:
                out[(fn, tb)] = (sorted(posts), ti.weight(), ti.doc_frequency(), ti.max_weight()) if term_stats \
                    else sorted(posts)
        for d, doc_id in ids.items():
            out[("doc", doc_id)] = (r.stored_fields(d), r.doc_field_length(d, "title"), r.doc_field_length(d, "body"),
                                    tuple(r.column_reader(c)[d] for c in ("id", "source", "digest", "date", "publisher")))
        out["count"] = r.doc_count()
        if term_stats:
            out["lengths"] = (r.field_length("title"), r.field_length("body"))
    ix.close()
    return out


def _segment_files(ix_dir: Path) -> dict[str, str]:
    ix = store.open_index(ix_dir)
    files = {}
    for seg in ix._segments():
        cs = seg.open_compound_file(ix.storage) if seg.is_compound() else ix.storage
        for name in cs.list():
            if seg.segid not in name:
                continue
            f = cs.open_file(name)
            files[name.split(".", 1)[1]] = hashlib.sha256(f.read()).hexdigest()
            f.close()
    ix.close()
    return files


@pytest.fixture
def stock(monkeypatch):
    def use_stock():
        monkeypatch.setattr(store, "FastSegmentWriter", lambda ix, limitmb=256, **kw: SegmentWriter(ix, limitmb=limitmb, **kw))
    return use_stock


@pytest.fixture(params=["compiled", "python"])
def kernels(request, monkeypatch):
    """The writer's and analysis's hot loops: the compiled ones (newsearch._speedups), or their Python twins."""
    if request.param == "compiled":
        if speedups is None:
            pytest.skip("newsearch._speedups was not built")
        return request.param
    monkeypatch.setattr(whoosh_fast, "_add_characters", whoosh_fast._add_characters_py)
    monkeypatch.setattr(whoosh_fast, "_encode_term", whoosh_fast._encode_term_py)
    monkeypatch.setattr(analysis_terms, "terms_from_tokens", analysis_terms.terms_from_tokens_py)
    return request.param


def test_fast_writer_is_used_and_writes_the_same_bytes(tmp_path, monkeypatch, stock, kernels):
    src = write_jsonl(tmp_path / "docs.jsonl", _rows(300))  # `pub*` and common words exceed a 128-posting block
    monkeypatch.setattr(whoosh_fast, "MIN_COMPRESS", 0)  # compress every block, as Whoosh does
    monkeypatch.setattr(whoosh_fast, "STORE_UNDER", 0)  # and every document's stored fields
    monkeypatch.setattr(whoosh_fast, "_COLUMN_BUFFER", 300)  # buffered columns written out many times
    used = []
    orig_flush = whoosh_fast._write_table
    monkeypatch.setattr(whoosh_fast, "_write_table", lambda *a: used.append(1) or orig_flush(*a))
    update(tmp_path / "fast", [src], user_dict=None)
    assert used, "FastSegmentWriter did not write the postings"
    stock()
    update(tmp_path / "stock", [src], user_dict=None)
    fast_files, stock_files = _segment_files(tmp_path / "fast"), _segment_files(tmp_path / "stock")
    assert {"trm", "pst", "_stored.col", "id.col", "_body_len.col"} <= set(fast_files)
    assert fast_files == stock_files
    assert _dump(tmp_path / "fast") == _dump(tmp_path / "stock")


def test_small_blocks_stored_uncompressed_read_the_same(tmp_path, stock):
    src = write_jsonl(tmp_path / "docs.jsonl", _rows(300))
    update(tmp_path / "fast", [src], user_dict=None)
    stock()
    update(tmp_path / "stock", [src], user_dict=None)
    fast = _dump(tmp_path / "fast")
    assert fast == _dump(tmp_path / "stock")
    assert fast["count"] == 300
    assert fast[("title", "영화".encode())][2] >= 200  # in more than one 128-posting block


def test_updates_and_merges_match_stock_writer(tmp_path, stock):
    def run(d: Path):
        src = tmp_path / "docs.jsonl"  # the same source path for both builds
        update(d, [write_jsonl(src, _rows(150))], user_dict=None)
        rows = _rows(150, salt="새 ")[:40] + _rows(150)[40:140]  # 40 changed, 10 deleted
        update(d, [write_jsonl(src, rows)], user_dict=None)  # merges the first segment
        update(d, [write_jsonl(src, rows + _rows(170)[150:])], user_dict=None)
        return _dump(d)

    fast = run(tmp_path / "fast")
    stock()
    assert fast == run(tmp_path / "stock")
    assert fast["count"] == 160


def test_roll_over_to_new_segments_when_the_table_is_full(tmp_path, monkeypatch, stock):
    src = write_jsonl(tmp_path / "docs.jsonl", _rows(120))
    # limitmb=384 (store.WRITER_LIMIT_MB) -> about 60 postings per segment
    monkeypatch.setattr(whoosh_fast, "_POSTING_BYTES", 384 * 2**20 // 60)
    stats = update(tmp_path / "fast", [src], user_dict=None)
    assert stats.added == 120
    ix = store.open_index(tmp_path / "fast")
    assert len(ix._segments()) > 5
    ix.close()
    stock()
    update(tmp_path / "stock", [src], user_dict=None)
    fast, ref = _dump(tmp_path / "fast"), _dump(tmp_path / "stock")
    assert fast == ref
    # and a later update on the many segments still matches
    rows = _rows(120, salt="또 ")[:30] + _rows(120)[30:]
    write_jsonl(src, rows)
    monkeypatch.setattr(whoosh_fast, "_POSTING_BYTES", 150)
    update(tmp_path / "fast", [src], user_dict=None)
    update(tmp_path / "stock", [src], user_dict=None)
    assert _dump(tmp_path / "fast", term_stats=False) == _dump(tmp_path / "stock", term_stats=False)


def test_search_reads_fast_index(tmp_path):
    from newsearch.backends import open_searcher

    src = write_jsonl(tmp_path / "docs.jsonl", _rows(60))
    update(tmp_path / "ix", [src], user_dict=None)
    res = open_searcher(tmp_path / "ix").search("헬스케어 사업")
    assert res.total == sum(1 for i in range(60) if 3 in (i % 5, i * 3 % 5))  # rows holding REVIEWS[3]
    assert res.hits and "헬스케어" in (res.hits[0].to_json().get("snippet") or json.dumps(res.hits[0].to_json(), ensure_ascii=False))


def test_analyze_many_ahead_keeps_order_and_raises(monkeypatch):
    from newsearch.analysis import Analyzer, feed

    analyzer = Analyzer.for_words()
    texts = [f"{REVIEWS[i % len(REVIEWS)]} {i}번째 문장" if i % 4 else "" for i in range(50)]
    expected = [analyzer.terms(t) for t in texts]
    monkeypatch.setattr(feed, "FEED_AHEAD", 4)  # the helper fills the queue and waits, often
    monkeypatch.setattr(feed, "FEED_PROBE", 3)  # looks at fewer texts than the helper queues
    used = []
    real = feed.analyze_ahead
    monkeypatch.setattr(feed, "analyze_ahead", lambda *a: used.append(1) or real(*a))
    assert list(analyzer.terms_many(iter(texts))) == expected
    assert used == [1]
    monkeypatch.setattr(feed, "FEED_AHEAD", 0)
    assert list(analyzer.terms_many(iter(texts))) == expected
    monkeypatch.setattr(feed, "FEED_AHEAD", 4)
    monkeypatch.setattr(feed, "FEED_SHORT_CHARS", 5)  # these texts count as long: no helper
    assert list(analyzer.terms_many(iter(texts))) == expected
    assert used == [1]
    monkeypatch.setattr(feed, "FEED_SHORT_CHARS", 200)

    def broken():
        yield from texts[:10]
        raise OSError("disk gone")

    for ahead in (4, 0):  # Kiwi reads its input ahead: the error may come before the first results
        monkeypatch.setattr(feed, "FEED_AHEAD", ahead)
        got = []
        with pytest.raises(OSError, match="disk gone"):
            for terms in analyzer.terms_many(broken()):
                got.append(terms)
        assert got == expected[:len(got)]

    stream = analyzer.terms_many(iter(texts * 20))
    next(stream)
    stream.close()  # stops the helper thread
    import threading, time
    for _ in range(50):
        if not any(t.name == "newsearch-analysis" for t in threading.enumerate()):
            break
        time.sleep(0.1)
    assert not any(t.name == "newsearch-analysis" for t in threading.enumerate())


@pytest.mark.parametrize("size", [0, 1, 200, 511, 65535])
def test_stored_zlib_stream_reads_back(size):
    import zlib

    data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    assert zlib.decompress(whoosh_fast._zlib_stored(data)) == data
