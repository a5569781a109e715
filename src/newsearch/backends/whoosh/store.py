"""The Whoosh index folder: opening and creating it, its write lock, and the atomic rebuild swap.

Whoosh's table of contents is replaced atomically on commit, so a crash leaves the previous state
readable; a rebuild is built beside the live index and swapped in with two renames.
"""

from __future__ import annotations

import glob
import os
import shutil
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.util.filelock import try_for

from ...errors import StoreError
from .schema import build_schema
from .segment_writer import FastSegmentWriter

INDEX_NAME = "MAIN"
WRITE_LOCK_TIMEOUT = 60.0
# Memory for postings a writer buffers before it writes a segment.
WRITER_LIMIT_MB = 384


def recover_swap(index_dir: Path) -> None:
    """Finish or undo a rebuild swap that a crash interrupted."""
    old = index_dir.with_name(index_dir.name + ".old")
    if not index_dir.exists() and old.exists():
        old.rename(index_dir)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)


def remove_dead_rebuilds(index_dir: Path) -> None:
    """Delete `<index>.rebuild-PID` folders left by killed rebuilds (their process is gone)."""
    for d in index_dir.parent.glob(glob.escape(index_dir.name) + ".rebuild-*"):
        pid = d.name.rsplit("-", 1)[1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:  # alive, owned by someone else
            pass


def index_exists(index_dir: Path) -> bool:
    recover_swap(index_dir)
    return index_dir.is_dir() and windex.exists_in(str(index_dir), indexname=INDEX_NAME)


class _FreshReaderIndex(windex.FileIndex):
    """Whoosh's FileIndex without reader reuse.

    `Searcher.refresh()` asks for `reader(reuse=old_reader)`, which keeps the old reader's segments even
    when the new commit merged them away (documents show up twice, deletions come back) and closes files
    that other threads are still reading. A fresh reader costs a few milliseconds, once per commit.
    """

    def reader(self, reuse=None):
        return super().reader()


def open_index(index_dir: Path):
    """Open an existing index, or raise StoreError with a reason."""
    index_dir = Path(index_dir)
    if not index_exists(index_dir):
        raise StoreError(f"no index at {index_dir}: run `newsearch index` first")
    try:
        # Our schema, not the pickled copy in the table of contents: classes may move between versions.
        return FileStorage(str(index_dir)).open_index(INDEX_NAME, schema=build_schema(),
                                                      indexclass=_FreshReaderIndex)
    except Exception as e:  # whoosh raises many kinds on a damaged index
        raise StoreError(f"cannot open index at {index_dir}: {e}") from e


def create_index(index_dir: Path, generation: int = 0):
    """Create an empty index in `index_dir` (made if needed), its first commit numbered `generation`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(index_dir))
    ix = storage.create_index(build_schema(), indexname=INDEX_NAME)
    if generation > 0:
        windex.TOC(ix.schema, [], generation).write(storage, INDEX_NAME)
        ix = storage.open_index(INDEX_NAME, schema=build_schema())
    return ix


def latest_generation(index_dir: Path) -> int:
    """The live index's latest commit number (-1 if there is none)."""
    if not index_dir.is_dir():
        return -1
    return windex.TOC._latest_generation(FileStorage(str(index_dir)), INDEX_NAME)


def segment_writer(ix, timeout: float):
    """The fast segment writer of `ix`, waiting up to `timeout` seconds for the write lock."""
    try:
        return FastSegmentWriter(ix, timeout=timeout, delay=0.25, limitmb=WRITER_LIMIT_MB)
    except LockError:
        raise StoreError(f"the index is locked by another `newsearch index` (waited {timeout:.0f}s); try again later")


def live_lock(index_dir: Path, timeout: float):
    """Acquire the live index's write lock (None when there is no index yet), or raise StoreError."""
    if not index_exists(index_dir):
        return None
    lock = FileStorage(str(index_dir)).lock(INDEX_NAME + "_WRITELOCK")
    if not try_for(lock.acquire, timeout=timeout, delay=0.25):
        raise StoreError(f"the index is locked by another `newsearch index` (waited {timeout:.0f}s); try again later")
    return lock


def existing(ix) -> dict[str, tuple[str, str]]:
    """id -> (source, digest) for every live document, read from columns (no stored-field unpickling)."""
    out: dict[str, tuple[str, str]] = {}
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return out
        ids = reader.column_reader("id")
        sources = reader.column_reader("source")
        digests = reader.column_reader("digest")
        for docnum in reader.all_doc_ids():
            out[ids[docnum]] = (sources[docnum], digests[docnum])
    return out


def swap(new: Path, live: Path) -> None:
    """Replace `live` by `new` with two renames; `recover_swap` repairs a crash in between."""
    old = live.with_name(live.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if live.exists():
        live.rename(old)
    new.rename(live)
    shutil.rmtree(old, ignore_errors=True)
