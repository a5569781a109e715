"""Did-you-mean's vocabulary of a Whoosh index: the words of its body field (search/spelling.py corrects).

The vocabulary is built once per index state (the set of segments a searcher reads) from the term
dictionary, and shared by every thread's store in the process (`search.spelling.KEPT`).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from ...search import spelling
from ...search.spelling import MIN_DF, Vocabulary
from .postings import segment_name

FILE_PREFIX = "spelling-"  # kept vocabularies in the index folder: spelling-<state>.npz

# A term record (W3TermInfo, "!BfIBBfII"...): its flags byte and total weight, then the document frequency
# (where W3TermInfo.read_doc_freq reads it).
_DOC_FREQ = struct.Struct("!I").unpack_from
_DOC_FREQ_AT = struct.calcsize("!Bf")


def build(reader, fields: tuple[str, ...] = ("body",)) -> Vocabulary:
    """The vocabulary of a Whoosh reader: correctable words of `fields` in at least MIN_DF documents
    (the body field holds the title's words too: ingest.documents).

    Each segment's term table is read in order and the document frequencies summed here: a reader over
    several segments would look every term up in every segment (13 s at a million documents)."""
    leaves = [sub for sub, _offset in reader.leaf_readers()]
    df: dict[str, int] = {}
    for fieldname in fields:
        counts: dict[bytes, int] = {}
        for leaf in leaves:
            if fieldname not in leaf.indexed_field_names():
                continue
            for raw, freq in _doc_frequencies(leaf, fieldname):
                counts[raw] = counts.get(raw, 0) + freq
        for raw in sorted(counts):  # the term dictionary's order, as one reader would give it
            n = counts[raw]
            if n < MIN_DF:
                continue
            word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if spelling.correctable(word) and n > df.get(word, 0):
                df[word] = n
    return spelling.from_counts(df)


def _doc_frequencies(leaf, fieldname: str):
    """(term bytes, document frequency) of a segment's field in term order, the frequency read from each term
    record's bytes: `iter_field`'s W3TermInfo.from_bytes also unpickles the postings a record holds inline, those of
    every one-document term (most of a large index's terms; at a million documents the reading took 4.0 s that way,
    3.0 s this way)."""
    terms = getattr(leaf, "_terms", None)
    keycoder, tindex = getattr(terms, "_keycoder", None), getattr(terms, "_tindex", None)
    if keycoder is None or not hasattr(tindex, "items_from"):
        for raw, info in leaf.iter_field(fieldname):
            yield raw, info.doc_frequency()
        return
    prefix = keycoder(fieldname, b"")
    n = len(prefix)
    for key, value in tindex.items_from(prefix):
        if key[:n] != prefix:
            return
        yield bytes(key[n:]), _DOC_FREQ(value, _DOC_FREQ_AT)[0]


def vocabulary(searcher, index_dir: str | Path) -> Vocabulary | None:
    """The vocabulary of the index state `searcher` reads: kept in memory per state for the process, and
    in a file beside the segments for the next processes (`kept_or_built`)."""
    key, on_disk = _state(searcher)
    reader = searcher.reader()
    return spelling.KEPT.get((str(index_dir), key),
                             lambda: kept_or_built(reader, Path(index_dir), key) if on_disk else build(reader))


def keep(searcher, index_dir: Path) -> None:
    """Build the file of the state `searcher` reads, if it is not there (a writer, after its commit: the first
    query of the new state then reads it in milliseconds), without keeping the vocabulary in this process."""
    key, on_disk = _state(searcher)
    if on_disk:
        kept_or_built(searcher.reader(), index_dir, key)


def _state(searcher) -> tuple[tuple[str, ...], bool]:
    """The ids of the segments `searcher` reads, and whether all of them are files."""
    ids, on_disk = [], True
    for sub, _offset in searcher.leaf_searchers():
        name = segment_name(sub.reader())
        on_disk = on_disk and name is not None
        ids.append(name or str(id(sub.reader())))
    return tuple(ids), on_disk


def kept_or_built(reader, index_dir: Path, segments: tuple[str, ...]) -> Vocabulary:
    """The vocabulary of the segments `segments` from its file in `index_dir`, or built from `reader` and
    kept there (the files of other states removed). Building takes seconds at a million documents (3.0 s
    on 2026-12-03: the term tables 1.3 s, the jamo bigram index 1.5 s); reading the file, milliseconds."""
    name = hashlib.sha1(repr((spelling.FILE_FORMAT, MIN_DF, spelling.MAX_WORDS, segments)).encode()).hexdigest()
    path = index_dir / f"{FILE_PREFIX}{name[:20]}.npz"
    got = spelling.load(path)
    if got is None:
        got = build(reader)
        if spelling.save(got, path):
            for other in index_dir.glob(f"{FILE_PREFIX}*"):  # other states' files, a crashed writer's .tmp
                if other.name != path.name:
                    other.unlink(missing_ok=True)
    return got
