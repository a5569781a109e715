"""Sortable columns (`id`, `date`, `publisher`) as a code per document and the value of each code.

Facets, date filters and sorting need every document's value. Reading a Whoosh column document by
document costs tens of microseconds each (a minute at a million documents, again after every commit).
Here a segment's variable-length column is read in one piece (its lengths and offsets arrays and the
values' bytes) and coded once; segments never change once written, so each segment's codes are kept for
the process (bounded, least recently used out), and a new index state only codes its new segments. The
same one-piece reading gives a segment's values as they are (`column_values`, `repeated_values`: the
writer's `existing()`, regrouping) and finds the documents holding given values (`find_values`: the
members of groups of copies).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from whoosh.columns import VarBytesColumn
from whoosh.fields import FieldType

from .schema import TextColumn

# Coded segment columns kept for the process (a code is 4 bytes a document, plus the distinct values).
CACHE_SEGMENTS = 64

_lock = threading.Lock()
_kept: OrderedDict = OrderedDict()


def segment_codes(key, reader, fieldname: str) -> tuple[np.ndarray, list[str]]:
    """(code per document, value per code) of one segment's column; `key` names the segment (None: not kept)."""
    if key is not None:
        with _lock:
            got = _kept.get((key, fieldname))
            if got is not None:
                _kept.move_to_end((key, fieldname))
                return got
    got = _read(reader, fieldname)
    if key is not None:
        with _lock:
            _kept[(key, fieldname)] = got
            while len(_kept) > CACHE_SEGMENTS:
                _kept.popitem(last=False)
    return got


def _read(reader, fieldname: str) -> tuple[np.ndarray, list[str]]:
    raw, translate = _raw_values(reader, fieldname)
    names: dict = dict.fromkeys(raw)
    if len(names) == len(raw):  # every value distinct (the `id` column): the codes are the positions
        codes = np.arange(len(raw), dtype=np.int32)
    else:  # values repeat (a publisher, a date): coded by a lookup mapped in C, not a Python loop
        names = dict(zip(names, range(len(names))))
        codes = np.fromiter(map(names.__getitem__, raw), dtype=np.int32, count=len(raw))
    if translate is _UTF8:
        return codes, _decoded(list(names))
    return codes, [translate(v) for v in names]


def _UTF8(value: bytes) -> str:  # a text column's values: UTF-8 bytes
    return value.decode("utf-8")


def _decoded(values: list[bytes]) -> list[str]:
    """UTF-8 values decoded: all in one call when they are ASCII (ids, dates: a million calls saved)."""
    joined = b"\n".join(values)
    if joined.isascii() and joined.count(b"\n") == len(values) - 1:
        return joined.decode("ascii").split("\n") if values else []
    return [v.decode("utf-8") for v in values]


def column_values(reader, fieldname: str) -> list:
    """Every document's value of one segment's column (deleted ones too), read in one piece (a text
    column's ASCII values decoded in one call)."""
    raw, translate = _raw_values(reader, fieldname)
    if translate is _UTF8:
        return _decoded(raw)
    return [translate(v) for v in raw]


def repeated_values(reader, fieldname: str) -> list:
    """`column_values` of a column whose values repeat (a document's source file): each distinct value
    decoded once, and every document holding it given the same string."""
    codes, names = _read(reader, fieldname)
    return list(map(names.__getitem__, codes.tolist()))


def find_values(reader, fieldname: str, wanted: set[str]) -> list[tuple[int, str]]:
    """(document, value) of one segment's documents whose text column value is one of `wanted`, found by
    comparing the stored bytes (nothing decoded or coded but the matches)."""
    if not wanted:
        return []
    found = _find_by_keys(reader, fieldname, wanted)
    if found is not None:
        return found
    raw, translate = _raw_values(reader, fieldname)
    if translate is _UTF8:
        keys = {w.encode("utf-8") for w in wanted}
        hit = np.flatnonzero(np.fromiter(map(keys.__contains__, raw), dtype=bool, count=len(raw)))
    else:
        hit = np.flatnonzero(np.fromiter((translate(v) in wanted for v in raw), dtype=bool, count=len(raw)))
    return [(d, translate(raw[d])) for d in hit.tolist()]


def _find_by_keys(reader, fieldname: str, wanted: set[str]) -> list[tuple[int, str]] | None:
    """`find_values` on a text column of variable bytes without a Python object a document: each value's
    length and its first and last eight bytes make a key, the keys of all documents are computed at once, and
    only the documents whose key is a wanted value's are compared byte for byte (at a million ids, 0.21 ->
    0.13 s of each process's first query with copies). None for another kind of column."""
    col, stored = _column_bytes(reader, fieldname)
    if stored is None or not _is_text(col):
        return None
    lengths, offsets, data = stored
    keys = {w.encode("utf-8") for w in wanted}
    want = np.unique(_keys_of(list(keys)))  # few against the documents: each document's key looked up in them
    got = _keys(data, offsets, lengths)
    hit = np.flatnonzero(want[np.minimum(np.searchsorted(want, got), len(want) - 1)] == got)
    out = []
    for d, at, n in zip(hit.tolist(), offsets[hit].tolist(), lengths[hit].tolist()):
        value = data[at:at + n]
        if value in keys:
            out.append((d, value.decode("utf-8")))
    return out


def _is_text(col) -> bool:
    """A text field's column, or a column of text only: its values are plain UTF-8."""
    translate = getattr(col, "_translate", None)
    func = getattr(translate, "__func__", None)
    field = getattr(translate, "__self__", None)
    return ((func is FieldType.from_column_value
             and getattr(getattr(field, "from_bytes", None), "__func__", None) is FieldType.from_bytes)
            or func is TextColumn.from_column_value)


_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def _keys(data: bytes, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each value's key: its length mixed with its first and its last eight bytes read as numbers (a value
    under eight bytes: its bytes, the rest zero, both times). The eight-byte words are read in place through
    eight views of the data, one per alignment."""
    padded = data + bytes(16)
    words = [np.frombuffer(padded, dtype="<u8", offset=k, count=(len(padded) - k) // 8) for k in range(8)]
    first = _words_at(words, offsets)
    short = lengths < 8
    with np.errstate(over="ignore"):
        keep = np.where(short, (np.uint64(1) << (lengths.astype(np.uint64) * np.uint64(8))) - np.uint64(1),
                        np.uint64(0xFFFFFFFFFFFFFFFF))
        first &= keep
        last = np.where(short, first, _words_at(words, np.maximum(offsets + lengths - 8, 0)))
        return (first * _MIX[0]) ^ (last * _MIX[1]) ^ lengths.astype(np.uint64)


def _words_at(words: list[np.ndarray], at: np.ndarray) -> np.ndarray:
    """The eight-byte little-endian words starting at byte offsets `at`."""
    out = np.empty(len(at), dtype=np.uint64)
    align = at & 7
    for k in range(8):
        pick = np.flatnonzero(align == k)
        if len(pick):
            out[pick] = words[k][(at[pick] - k) >> 3]
    return out


def _keys_of(values: list[bytes]) -> np.ndarray:
    """The keys `_keys` gives `values`, all at once."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64) if len(values) else lengths
    return _keys(b"".join(values), offsets, lengths)


def _column_bytes(reader, fieldname: str) -> tuple:
    """(the column reader of one segment, and for a column of variable bytes (lengths, offsets) per document with
    the values' bytes in one piece, else None)."""
    size = reader.doc_count_all()
    col = reader.column_reader(fieldname)
    raw = getattr(col, "_reader", col)
    if not size or not isinstance(raw, VarBytesColumn.Reader):
        return col, None
    lengths = np.asarray(raw._lengths, dtype=np.int64)[:size]
    offsets = np.asarray(raw._offsets, dtype=np.int64)[:size]
    end = int((offsets + lengths).max())
    return col, (lengths, offsets, bytes(raw._dbfile.get(raw._basepos, end)) if end else b"")


def _raw_values(reader, fieldname: str):
    """(the column's stored bytes per document, the function giving each its value) of one segment."""
    col, stored = _column_bytes(reader, fieldname)
    if stored is None:  # another column type (or no documents): translated already
        return [col[d] for d in range(reader.doc_count_all())], (lambda v: v)
    lengths, offsets, data = stored
    translate = _UTF8 if _is_text(col) else (getattr(col, "_translate", None) or (lambda v: v))
    return [data[o:o + n] for o, n in zip(offsets.tolist(), lengths.tolist())], translate


def fixed_rows(reader, fieldname: str, width: int) -> tuple[np.ndarray, np.ndarray]:
    """One segment's column values that are `width` bytes long: (the documents that have one, their values as
    the rows of a (those documents, width) uint8 array), read from the column's bytes in one piece."""
    size = reader.doc_count_all()
    col = reader.column_reader(fieldname)
    raw = getattr(col, "_reader", col)
    if isinstance(raw, VarBytesColumn.Reader) and size:
        lengths = np.asarray(raw._lengths, dtype=np.int64)[:size]
        offsets = np.asarray(raw._offsets, dtype=np.int64)[:size]
        docs = np.flatnonzero(lengths == width)
        out = np.empty((len(docs), width), dtype=np.uint8)
        if len(docs):
            end = int((offsets[docs] + width).max())
            data = np.frombuffer(bytes(raw._dbfile.get(raw._basepos, end)), dtype=np.uint8)
            step = np.arange(width)
            for s in range(0, len(docs), 8192):  # gather in pieces: the index array is 8 bytes a byte
                out[s:s + 8192] = data[offsets[docs[s:s + 8192]][:, None] + step]
        return docs, out
    values = [col[d] for d in range(size)]
    docs = np.array([d for d, v in enumerate(values) if isinstance(v, bytes) and len(v) == width], dtype=np.int64)
    out = np.empty((len(docs), width), dtype=np.uint8)
    for k, d in enumerate(docs.tolist()):
        out[k] = np.frombuffer(values[d], dtype=np.uint8)
    return docs, out


def index_codes(parts: list[tuple[int, int, tuple[np.ndarray, list[str]]]], n: int) -> tuple[np.ndarray, list[str]]:
    """The segments' codes `(offset, size, (codes, names))` as one code per document of the index (`n`):
    (codes, value per code)."""
    names: dict[str, int] = {}
    codes = np.zeros(n, dtype=np.int32)
    for offset, size, (seg_codes, seg_names) in parts:
        if not size:
            continue
        to_index = np.fromiter((names.setdefault(v, len(names)) for v in seg_names), dtype=np.int32,
                               count=len(seg_names))
        codes[offset:offset + size] = to_index[seg_codes]
    return codes, list(names)
