"""Compound segment files are read from the shared mapping (segment_files.ViewFile)."""

from __future__ import annotations

import io
import os

from hypothesis import given, settings, strategies as st
from whoosh.filedb import compound

from newsearch.backends import open_searcher
from newsearch.backends.whoosh import segment_files


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300),
       ops=st.lists(st.tuples(st.sampled_from(["read", "readline", "seek", "seek_cur", "seek_end", "tell"]),
                              st.integers(-5, 320)), max_size=25))
def test_view_reader_behaves_like_bytesio(data, ops):
    view = segment_files._ViewReader(memoryview(data))
    ref = io.BytesIO(data)
    for op, n in ops:
        if op == "read":
            assert view.read(n) == ref.read(n)
        elif op == "readline":
            assert view.readline(n) == ref.readline(n)
        elif op == "seek":
            assert view.seek(abs(n)) == ref.seek(abs(n))
        elif op == "seek_cur":
            assert view.seek(abs(n), os.SEEK_CUR) == ref.seek(abs(n), os.SEEK_CUR)
        elif op == "seek_end":
            assert view.seek(-min(abs(n), len(data)), os.SEEK_END) == ref.seek(-min(abs(n), len(data)), os.SEEK_END)
        assert view.tell() == ref.tell()


def test_searcher_reads_compound_segments_without_copies(seed_index):
    segment_files.install()
    assert compound.BufferFile is segment_files.ViewFile
    assert any(p.suffix == ".seg" for p in seed_index.iterdir())  # the index under test is compound
    with open_searcher(seed_index) as s:
        reader = s.store._current().reader()
        postfile = reader._terms._postfile
        assert isinstance(postfile, segment_files.ViewFile)
        assert isinstance(postfile.file, segment_files._ViewReader)
        assert s.search("카카오헬스케어").hits
