"""What a store says it holds (`existing()`: id -> (source, digest)), read in bulk from columns, is what its
documents' stored fields say: over several segments, with deletions, with non-ASCII ids and file names."""

from __future__ import annotations

import json

from whoosh import index as whoosh_index

from newsearch import backends
from newsearch.backends import open_writer


def _rows(path, ids):
    path.write_text("".join(json.dumps({"id": i, "title": f"제목 {i}", "body": f"{i} 본문입니다"}, ensure_ascii=False) + "\n"
                            for i in ids), encoding="utf-8")


def test_existing_matches_the_stored_documents(tmp_path, kiwi):
    ix = tmp_path / "ix"
    first, second = tmp_path / "기사 묶음.jsonl", tmp_path / "b.jsonl"
    _rows(first, ["가-1", "가-2", "a-3", "a-4"])
    _rows(second, ["b-1", "b-2"])
    assert backends.update(ix, [first, second]).added == 6
    _rows(first, ["가-1", "a-4", "가-5"])  # two rows gone, one new: deletions in the first segment
    stats = backends.update(ix, [first, second])
    assert (stats.added, stats.deleted, stats.unchanged) == (1, 2, 4)
    w = open_writer(ix)
    try:
        got = w.existing()
    finally:
        w.cancel()
    with whoosh_index.open_dir(str(ix)).searcher() as s:  # Whoosh's own reading, document by document
        reader = s.reader()
        assert len(list(reader.leaf_readers())) >= 2 and reader.has_deletions()
        cols = {c: reader.column_reader(c) for c in ("id", "source", "digest")}
        want = {cols["id"][d]: (cols["source"][d], cols["digest"][d]) for d in reader.all_doc_ids()}
    assert got == want
    assert set(got) == {"가-1", "a-4", "가-5", "b-1", "b-2"}
    assert got["가-1"][0] == str(first.resolve()) and got["b-2"][0] == str(second.resolve())
    assert len({d for _, d in got.values()}) == 5 and all(len(d) == 32 for _, d in got.values())


def test_find_values_finds_exactly_the_wanted_ids(tmp_path, kiwi):
    """The members of groups of copies are found in the `id` column by a key a document (length, first and last
    eight bytes) and then compared byte for byte: ids that share their key, short and non-ASCII ids, ids wanted
    but absent, over several segments, give what Whoosh's own reading of the column gives."""
    from newsearch.backends.whoosh import sortable

    ix = tmp_path / "ix"
    twins = ["nsmc-0000000001-copy-A-nsmc-0000000001", "nsmc-0000000001-copy-B-nsmc-0000000001"]  # one key
    ids = ["a", "ab", "가", "기사-1", "12345678", "123456789", *twins, "뉴스-2024-01-01-연합뉴스-00123"]
    _rows(tmp_path / "one.jsonl", ids[:5])
    _rows(tmp_path / "two.jsonl", ids[5:])
    assert backends.update(ix, [tmp_path / "one.jsonl"]).added == 5  # two runs, two segments
    assert backends.update(ix, [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]).added == len(ids) - 5
    wanted = [{"a"}, {"가", "123456789"}, {twins[1]}, {twins[0], "없는-아이디", "ab"}, {"뉴스-2024-01-01-연합뉴스-00123"},
              {"없음"}]
    with whoosh_index.open_dir(str(ix)).searcher() as s:
        leaves = [sub.reader() for sub, _ in s.leaf_searchers()]
        assert len(leaves) >= 2
        for want in wanted:
            for reader in leaves:
                col = reader.column_reader("id")
                expected = [(d, col[d]) for d in range(reader.doc_count_all()) if col[d] in want]
                assert sortable.find_values(reader, "id", want) == expected, want
