"""Whole posting lists and positions of one Whoosh searcher, as numpy arrays.

A posting list holds the segment's deleted documents too; `live()` masks them wherever it matters.

Each term's posting list is read once (whole blocks: their ids and weights decoded by the compiled
`read_postings`, or by pickle and numpy without it) and cached once per process, since segments
never change once written. Positions are read for the documents asked for only, block by block.
`Postings` also holds the per-index arrays the scorer and collectors use: live documents, BM25 field
lengths and sortable column codes.
"""

from __future__ import annotations

import threading
import weakref
import zlib
from bisect import bisect_right
from collections import OrderedDict
from pickle import loads

import numpy as np
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from ...compiled import speedups
from . import sortable

# Decoded posting lists kept for the whole process, shared by every thread's searcher (segments never
# change once written): least recently used first out past this many postings (8 bytes each).
CACHE_POSTINGS = 8_000_000
# Blocks of encoded positions kept the same way (a block holds up to 128 documents' values).
CACHE_BLOCKS = 8_000
# Per searcher: posting lists joined over segments (a view, not a copy, for a one-segment index).
CACHE_JOINED = 512
_B2L = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class _SegmentCache:
    """Posting lists and position blocks of immutable segments, shared by all threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._postings: OrderedDict = OrderedDict()
        self._count = 0
        self._blocks: OrderedDict = OrderedDict()

    def postings(self, key, load):
        """The decoded postings under `key`, loaded by `load()` on a miss (LRU by posting count)."""
        with self._lock:
            got = self._postings.get(key)
            if got is not None:
                self._postings.move_to_end(key)
                return got
        got = load()  # outside the lock: other threads go on meanwhile
        with self._lock:
            if key not in self._postings:
                self._postings[key] = got
                self._count += _cost(got)
                while self._count > CACHE_POSTINGS and len(self._postings) > 1:
                    _, old = self._postings.popitem(last=False)
                    self._count -= _cost(old)
        return got

    def block(self, key, load):
        """The encoded values of one position block, loaded by `load()` on a miss (first in, first out)."""
        with self._lock:
            got = self._blocks.get(key)
            if got is not None:
                return got
        got = load()
        with self._lock:
            self._blocks[key] = got
            while len(self._blocks) > CACHE_BLOCKS:
                self._blocks.popitem(last=False)
        return got


_SHARED = _SegmentCache()
# What a segment's cache entry is when the term is not in it: asking the segment's term table again would
# cost a hash and a read or two (a tenth of a warm query's time at a million documents in nine segments).
_ABSENT = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), (), ())


# The Postings of each searcher, for `doc_frequency`.
_OF_SEARCHER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def doc_frequency(searcher, fieldname: str, text: str) -> int:
    """Documents holding a term (deleted ones too, as the term table counts them): the length of its joined
    posting list, which the scorer reads anyway, instead of a lookup in each segment's term table (Whoosh's
    `doc_frequency`: a hash and two or three reads per segment, 0.25 ms a term at a million documents)."""
    got = _OF_SEARCHER.get(searcher)
    if got is None:
        return searcher.doc_frequency(fieldname, text)
    return len(got.postings(fieldname, text)[0])


def _cost(entry) -> int:
    """What an entry counts for against CACHE_POSTINGS: its postings, and never less than a small list's (an
    absent term's entry holds none, but takes room all the same)."""
    return max(len(entry[0]), 16)


class Postings:
    """Posting lists, positions and per-index arrays of one Whoosh searcher (new one after a refresh)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.n = searcher.doc_count_all()
        self.leaves = searcher.leaf_searchers()
        self._joined: OrderedDict = OrderedDict()
        folder = getattr(getattr(getattr(searcher, "_ix", None), "storage", None), "folder", None)
        self._segment_keys = [(folder, _segment_id(sub.reader())) for sub, _off in self.leaves]
        self._postfiles = [getattr(getattr(sub.reader(), "_terms", None), "_postfile", None) for sub, _off in self.leaves]
        self._live: np.ndarray | None = None
        self._columns: dict[str, tuple[np.ndarray, list[str]]] = {}
        _OF_SEARCHER[searcher] = self

    # -- per-index data ---------------------------------------------------------------------

    def live(self) -> np.ndarray:
        """True for documents not deleted."""
        if self._live is None:
            live = np.zeros(self.n, dtype=bool)
            for sub, offset in self.leaves:
                reader = sub.reader()
                live[offset:offset + reader.doc_count_all()] = segment_live(reader)
            self._live = live
        return self._live

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's field length as BM25 sees it (Whoosh's one-byte approximation), read each time: the
        scorer keeps the length part of BM25 it makes of them (8 bytes a document and field either way)."""
        out = np.ones(self.n, dtype=np.float64)
        for sub, offset in self.leaves:
            reader = sub.reader()
            size = reader.doc_count_all()
            codes = _length_bytes(reader, fieldname, size)
            if codes is None:
                vals = np.fromiter((reader.doc_field_length(d, fieldname, 1) or 1 for d in range(size)),
                                   dtype=np.float64, count=size)
            else:
                vals = _B2L[codes]
                vals[vals == 0] = 1
            out[offset:offset + size] = vals
        return out

    def column_codes(self, fieldname: str) -> tuple[np.ndarray, list[str]]:
        """A sortable column as (code per document, value per code), each segment read in one piece and kept
        (sortable.py)."""
        got = self._columns.get(fieldname)
        if got is None:
            parts = []
            for (sub, offset), key in zip(self.leaves, self._segment_keys):
                reader = sub.reader()
                # Kept per segment only when the segment is named on disk (not a reader's address).
                kept = key if key[0] is not None and getattr(reader, "_segment", None) is not None else None
                parts.append((offset, reader.doc_count_all(), sortable.segment_codes(kept, reader, fieldname)))
            got = self._columns[fieldname] = sortable.index_codes(parts, self.n)
        return got

    # -- postings and positions -----------------------------------------------------------------

    def postings(self, fieldname: str, text: str):
        """(global docnums, weights, parts) of a term; empty arrays when it is not in the index.

        `parts` says where each segment's postings start in the joined arrays, for positions().
        """
        key = (fieldname, text)
        got = self._joined.get(key)
        if got is not None:
            self._joined.move_to_end(key)
            return got
        got = self._join(fieldname, text)
        self._joined[key] = got
        if len(self._joined) > CACHE_JOINED:
            self._joined.popitem(last=False)
        return got

    def _join(self, fieldname: str, text: str):
        """A term's postings from every segment, read through the shared cache and joined."""
        ids_parts, w_parts, parts = [], [], []
        start = 0
        for k, (sub, offset) in enumerate(self.leaves):
            seg_key = (self._segment_keys[k], fieldname, text)
            ids, ws, starts, wheres = _SHARED.postings(seg_key, lambda: _segment_postings(sub.reader(), fieldname, text))
            if not len(ids):
                continue
            ids_parts.append(ids + offset if offset else ids)
            w_parts.append(ws)
            parts.append((start, seg_key, self._postfiles[k], starts, wheres))
            start += len(ids)
        if len(ids_parts) == 1:
            return (ids_parts[0], w_parts[0], tuple(parts))
        if ids_parts:
            return (np.concatenate(ids_parts), np.concatenate(w_parts), tuple(parts))
        return (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32), ())

    def positions(self, fieldname: str, text: str, docnums) -> dict[int, list[tuple[int, int, int]]]:
        """(position, start char, end char) of a term in each of `docnums` that holds it."""
        ids, _ws, parts = self.postings(fieldname, text)
        docnums = np.asarray(docnums, dtype=np.int64)
        out: dict[int, list] = {}
        if not len(ids) or not len(docnums):
            return out
        idx = np.searchsorted(ids, docnums)
        inside = idx < len(ids)
        found = np.zeros(len(docnums), dtype=bool)
        found[inside] = ids[idx[inside]] == docnums[inside]
        if not found.any():
            return out
        decode = _characters_decoder(self.searcher.schema[fieldname].format)
        part_starts = [p[0] for p in parts]
        for d, i in zip(docnums[found].tolist(), idx[found].tolist()):
            start, seg_key, postfile, starts, wheres = parts[bisect_right(part_starts, i) - 1]
            local = i - start
            bi = bisect_right(starts, local) - 1
            values = _SHARED.block(seg_key + (bi,), lambda: _block_values(postfile, wheres[bi]))
            out[d] = decode(values[local - starts[bi]])
        return out


# -- reading segments -----------------------------------------------------------------------------


def segment_live(reader) -> np.ndarray:
    """True for each of a segment's documents that is not deleted (from the deleted few, not a test of each)."""
    live = np.ones(reader.doc_count_all(), dtype=bool)
    if reader.has_deletions():
        deleted = getattr(reader, "deleted_docs_set", None)
        if deleted is None:
            live[:] = False
            live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        elif deleted:
            live[np.fromiter(deleted, dtype=np.int64, count=len(deleted))] = False
    return live


def _length_bytes(reader, fieldname: str, size: int) -> np.ndarray | None:
    """The one-byte field lengths of a segment, read whole (None when the codec hides them)."""
    perdoc = getattr(reader, "_perdoc", None)
    get = getattr(perdoc, "_cached_reader", None)
    if get is None:
        return None
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        col = get(_lenfield(fieldname), LENGTHS_COLUMN)
    except Exception:
        return None
    if col is None:
        return np.zeros(size, dtype=np.uint8)
    try:
        out = np.zeros(size, dtype=np.uint8)
        count = min(col._count, size)
        if count and col._fixedlen == 1:
            out[:count] = np.frombuffer(bytes(col._dbfile.get(col._basepos, count)), dtype=np.uint8)
        elif count:
            out[:count] = [col[d] for d in range(count)]
        return out
    except Exception:
        return np.fromiter((col[d] for d in range(size)), dtype=np.uint8, count=size)


def segment_name(reader) -> str | None:
    """The id of the segment file a reader reads (None: a reader of no file, such as a writer's in memory)."""
    segment = getattr(reader, "_segment", None)
    return segment.segment_id() if segment is not None else None


def _segment_id(reader) -> str:
    return segment_name(reader) or str(id(reader))


def _characters_decoder(fmt):
    """`fmt.decode_characters`, by the compiled `decode_characters` where it follows the value."""
    decode = fmt.decode_characters
    if speedups is None:
        return decode
    compiled = speedups.decode_characters

    def decode_compiled(value):
        got = compiled(value)
        return got if got is not None else decode(value)

    return decode_compiled


def _block_values(postfile, where) -> tuple:
    """The encoded posting values of one block (a tuple already, for inlined postings)."""
    if isinstance(where, tuple) and len(where) == 3 and isinstance(where[0], int):
        offset, length, compression = where
        data = postfile.get(offset, length)
        got = speedups.block_values(data, compression) if speedups is not None else None
        if got is not None:
            return got
        if compression:
            data = zlib.decompress(data)
        return loads(data)[2]
    return where


def _segment_postings(reader, fieldname: str, text: str):
    """What the shared cache keeps of a term in one segment: its decoded postings, or _ABSENT."""
    m = _all_postings(reader, fieldname, text)
    return _ABSENT if m is None else _decode_postings(m)


def _all_postings(reader, fieldname: str, text: str):
    """A segment's posting matcher of a term, deleted documents included (None: the term is not there).

    Whoosh wraps the postings of a segment with deletions in a filter that can only be read posting by posting
    (and whose values would then be kept one object each); deleted documents are left out where it counts, by
    `Postings.live()`. One lookup in the term table, not a test of the term and then a second lookup."""
    terms = getattr(reader, "_terms", None)
    if terms is None or not hasattr(reader, "_text_to_bytes"):
        return reader.postings(fieldname, text) if (fieldname, text) in reader else None
    if fieldname not in reader.schema:
        return None
    field = reader.schema[fieldname]
    try:
        return terms.matcher(fieldname, reader._text_to_bytes(fieldname, text), field.format)
    except TermNotFound:
        return None


def _decode_postings(m) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], tuple]:
    """A segment's (docnums, weights, block starts, block locations) for one term, read whole.

    Kept in the process's cache, so as tuples of numbers and bytes (and arrays), never lists: the garbage
    collector stops looking at such tuples after their first collection, but walks every list at each full
    collection (at a million documents the cache's lists made each one 70-100 ms, inside some query)."""
    got = _read_compiled(m)
    if got is None:
        ids, ws, blocks = _read_postings(m)
        got = (ids.astype(np.int32), ws.astype(np.float32), [b for b, _ in blocks], [w for _, w in blocks])
    ids, ws, starts, places = got
    return ids, ws, tuple(starts), tuple(places)


def _read_compiled(m) -> tuple[np.ndarray, np.ndarray, list[int], list] | None:
    """`_decode_postings` by `_speedups.read_postings`: the term's blocks read in one piece and only their
    ids and weights decoded (Whoosh unpickles every block whole, its positions too: 8x slower on a frequent
    word). None without the compiled module or for blocks it does not follow."""
    if speedups is None or not hasattr(m, "_startoffset") or not hasattr(m, "_postfile"):
        return None
    length = m._length[0] if isinstance(m._length, tuple) else m._length  # W3TermInfo.from_bytes: a 1-tuple
    got = speedups.read_postings(m._postfile.get(m._startoffset, length), m._startoffset)
    if got is None:
        return None
    ids, ws, starts, places = got
    return np.frombuffer(ids, dtype=np.int32), np.frombuffer(ws, dtype=np.float32), starts, places


def _read_postings(m) -> tuple[np.ndarray, np.ndarray, list]:
    """All (docnums, weights, blocks) of a segment's posting matcher; blocks say where values are."""
    if hasattr(m, "_read_data") and hasattr(m, "_next_block"):
        return _read_blocks(m)
    ids, ws, vals = [], [], []
    while m.is_active():
        ids.append(m.id())
        ws.append(m.weight())
        vals.append(m.value())
        m.next()
    return np.array(ids, dtype=np.int64), np.array(ws, dtype=np.float64), [(0, tuple(vals))]


def _read_blocks(m) -> tuple[np.ndarray, np.ndarray, list]:
    """`_read_postings` for Whoosh's block posting matcher: each block's arrays whole, values left encoded."""
    ids_parts, w_parts, blocks = [], [], []
    count = 0
    while m.is_active():
        blocks.append((count, (m._dataoffset, m._nextoffset - m._dataoffset, m._compression)))
        count += m._blocklength
        if m._data is None:
            m._read_data()
        deltas, weights = m._data[0], m._data[1]
        n = m._blocklength
        ids_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        if weights is None:
            w_parts.append(np.ones(n))
        elif isinstance(weights, float):
            w_parts.append(np.full(n, weights))
        else:
            w_parts.append(np.asarray(weights, dtype=np.float64))
        m._next_block()
    return np.concatenate(ids_parts), np.concatenate(w_parts), blocks
