"""The Whoosh index folder: opening and creating it, its write lock, checksums, and the atomic rebuild swap.

Whoosh's table of contents (`_MAIN_N.toc`) is replaced atomically on commit, so a crash leaves the
previous state readable; a rebuild is built beside the live index and swapped in.

Every commit also writes a checksum manifest, `_MAIN_N.sums`: the size and CRC32 of the TOC and of
every segment file it references, the live document count and the segment list (enough to write a
damaged TOC again). It is written and synced before the TOC is renamed in, so a commit stays atomic.
Opening an index checks every file's size against it (a stat each), and the CRC32 of the TOC and
of segment files up to VERIFY_ON_OPEN_BYTES (once per file per process); `newsearch check` reads
everything. An index without a manifest (written by an older newsearch) opens unverified.
"""

from __future__ import annotations

import base64
import ctypes
import errno
import glob
import json
import os
import pickle
import shutil
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.util.filelock import try_for

from ...errors import StoreError
from . import merging, segment_files
from .postings import segment_live
from .sortable import column_values, repeated_values
from .schema import build_schema
from .segment_files import IndexDamaged
from .segment_writer import FastSegmentWriter

segment_files.install()  # segments are read with pread: a truncated file raises, never SIGBUS

INDEX_NAME = "MAIN"
LOCK_NAME = INDEX_NAME + "_WRITELOCK"
WRITE_LOCK_TIMEOUT = 60.0
# Memory for postings a writer buffers before it writes a segment.
WRITER_LIMIT_MB = 384
# Opening an index checks the CRC32 of segment files (smallest first) up to this many bytes, once per
# file per process; bigger files get a size check only (`newsearch check` and merges read them all).
# Measured (2 busy cores, warm page cache): sizes only cost under 1 ms at any size; full CRC32 adds
# ~15 ms at 10k documents (20 MB, checked on open) and ~75 ms at 100k (101 MB, 0.43 s from a cold
# cache: past this budget, so sizes only). zlib's CRC32 runs at about 0.5 GB/s here.
VERIFY_ON_OPEN_BYTES = 64 << 20
_CHUNK = 1 << 20

__all__ = ["IndexDamaged", "INDEX_NAME", "open_index", "create_index", "index_exists"]


# -- checksums ---------------------------------------------------------------------------------------


def toc_name(gen: int) -> str:
    return windex.TOC._filename(INDEX_NAME, gen)


def sums_name(gen: int) -> str:
    return f"_{INDEX_NAME}_{gen}.sums"


def file_crc(path: Path) -> tuple[int, int]:
    """(size, CRC32) of a file, read in 1 MB pieces."""
    crc = size = 0
    with open(path, "rb", buffering=0) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                return size, crc
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)


@dataclass
class Manifest:
    """What `_MAIN_N.sums` holds: name -> (size, crc32) of every file of generation N, and more."""

    generation: int
    files: dict[str, tuple[int, int]]
    docs: int
    segments: bytes  # the TOC's pickled segment list

    def dumps(self) -> bytes:
        body = json.dumps({"format": 1, "generation": self.generation, "docs": self.docs,
                           "files": {k: list(v) for k, v in sorted(self.files.items())},
                           "segments": base64.b64encode(self.segments).decode("ascii")}, sort_keys=True)
        data = body.encode("utf-8")
        return data + b"\ncrc32 %08x\n" % zlib.crc32(data)

    @classmethod
    def loads(cls, data: bytes) -> "Manifest":
        body, _, tail = data.rstrip(b"\n").rpartition(b"\n")
        if tail != b"crc32 %08x" % zlib.crc32(body):
            raise ValueError("checksum mismatch")
        d = json.loads(body)
        return cls(int(d["generation"]), {k: (int(v[0]), int(v[1])) for k, v in d["files"].items()},
                   int(d["docs"]), base64.b64decode(d["segments"]))

    def segment_list(self) -> list:
        return pickle.loads(self.segments)


def read_manifest(folder: Path, gen: int) -> Manifest | None:
    """Generation `gen`'s manifest; None when it has none (an index written before manifests)."""
    try:
        data = (folder / sums_name(gen)).read_bytes()
    except FileNotFoundError:
        return None
    try:
        return Manifest.loads(data)
    except Exception as e:  # any damage: bad JSON, bad base64, a flipped byte
        raise IndexDamaged(folder, sums_name(gen), f"unreadable checksum manifest ({e})") from None


def segment_file_names(names: list[str], segments) -> list[str]:
    """The files of `segments` among `names` (a compound segment is one `.seg` file)."""
    out = []
    for seg in segments:
        sid = seg.segment_id()
        if seg.is_compound():
            out.append(sid + ".seg")
        else:
            out.extend(sorted(n for n in names if n.startswith(sid + ".")))
    return out


_VERIFIED: dict[tuple, int] = {}  # (path, inode, size, mtime) -> crc of files checked in this process


def verify_file(folder: Path, name: str, want: tuple[int, int], crc: bool, fresh: bool = False) -> None:
    """Raise IndexDamaged unless `name` exists with the manifest's size (and CRC32 when `crc`; `fresh`
    reads it even when this process checked the same file before)."""
    path = folder / name
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise IndexDamaged(folder, name, "missing") from None
    if st.st_size != want[0]:
        kind = "truncated" if st.st_size < want[0] else "grown"
        raise IndexDamaged(folder, name, f"{kind} ({st.st_size:,} bytes, expected {want[0]:,})")
    if not crc:
        return
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    got = None if fresh else _VERIFIED.get(key)
    if got is None:
        got = file_crc(path)[1]
        if got == want[1]:
            _VERIFIED[key] = got
    if got != want[1]:
        raise IndexDamaged(folder, name, "checksum mismatch")


def verify_generation(folder: Path, manifest: Manifest | None, segments, budget: int | None) -> None:
    """Check the files of a generation against its manifest: sizes always, CRC32 within `budget` bytes
    (None: every file). Nothing to check without a manifest."""
    if manifest is None:
        return
    names = segment_file_names(os.listdir(folder), segments)
    for name in names:
        if name not in manifest.files:
            raise IndexDamaged(folder, name, "not in the checksum manifest")
    left = budget
    for name, want in sorted(manifest.files.items(), key=lambda kv: (kv[1][0], kv[0])):
        crc = left is None or want[0] <= left
        verify_file(folder, name, want, crc)
        if crc and left is not None:
            left -= want[0]


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write `_MAIN_N.sums` durably (temp file, fsync, rename)."""
    final = folder / sums_name(manifest.generation)
    tmp = final.with_name(final.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(manifest.dumps())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _SumsBeforeRename:
    """The storage TOC.write sees: the TOC's temp file is synced and the manifest written before the rename."""

    def __init__(self, storage, toc):
        self.storage = storage
        self.toc = toc

    def create_file(self, name, **kwargs):
        return self.storage.create_file(name, **kwargs)

    def rename_file(self, tmp, final, safe=False):
        folder = Path(self.storage.folder)
        toc = self.toc
        known = _latest_manifest_files(folder)
        files = {}
        for name in segment_file_names(os.listdir(folder), toc.segments):
            size = os.path.getsize(folder / name)
            if known.get(name, (None,))[0] == size:
                files[name] = known[name]  # segments never change once written: keep the CRC of record
            else:
                _fsync(folder / name)
                files[name] = file_crc(folder / name)
        _fsync(folder / tmp)
        files[final] = file_crc(folder / tmp)
        docs = sum(s.doc_count() for s in toc.segments)
        write_manifest(folder, Manifest(toc.generation, files, docs, pickle.dumps(toc.segments, 2)))
        self.storage.rename_file(tmp, final, safe=safe)


def _latest_manifest_files(folder: Path) -> dict[str, tuple[int, int]]:
    """The file sums of the latest readable manifest in `folder` (empty when there is none)."""
    gens = sorted((int(n.split("_")[2].split(".")[0]) for n in os.listdir(folder)
                   if n.startswith(f"_{INDEX_NAME}_") and n.endswith(".sums")), reverse=True)
    for gen in gens:
        try:
            manifest = read_manifest(folder, gen)
        except IndexDamaged:
            continue
        if manifest is not None:
            return manifest.files
    return {}


def write_toc(storage, toc) -> None:
    """Write `toc` with its manifest (what a commit does), then sync the folder."""
    toc.write(_SumsBeforeRename(storage, toc), INDEX_NAME)
    _fsync(Path(storage.folder))


def remove_stale(folder: Path, gen: int) -> None:
    """Delete manifests of other generations and temp files of interrupted commits (under the write lock)."""
    for name in os.listdir(folder):
        stale = (name.startswith(f"_{INDEX_NAME}_") and name.endswith(".sums") and name != sums_name(gen)) \
            or name.endswith(".sums.tmp") or (name.startswith(f"_{INDEX_NAME}_") and ".toc." in name)
        if stale:
            try:
                os.remove(folder / name)
            except OSError:
                pass


def commit_toc(writer, segments) -> None:
    """SegmentWriter._commit_toc with a manifest: the TOC, its sums, then the old files go."""
    toc = windex.TOC(writer.schema, segments, writer.generation)
    write_toc(writer.storage, toc)
    windex.clean_files(writer.storage, writer.indexname, writer.generation, segments)
    remove_stale(Path(writer.storage.folder), writer.generation)


# -- reading the TOC ---------------------------------------------------------------------------------


def read_toc(folder: Path, schema=None, budget: int | None = 0):
    """The latest TOC, checked against its manifest; raises IndexDamaged, or StoreError without an index.

    `budget`: bytes of segment files whose CRC32 is checked (None: all; sizes are always checked).
    A commit that replaces the generation being read (its files deleted meanwhile) is retried."""
    for attempt in range(20):
        gen = latest_generation(folder)
        if gen < 0:
            raise StoreError(f"no index at {folder}: run `newsearch index` first")
        try:
            return _read_generation(folder, gen, schema, budget)
        except IndexDamaged:
            if latest_generation(folder) == gen or attempt == 19:
                raise
        time.sleep(0.01)
    raise AssertionError("unreachable")


def _read_generation(folder: Path, gen: int, schema, budget: int | None):
    manifest = read_manifest(folder, gen)
    name = toc_name(gen)
    if manifest is not None:
        if name not in manifest.files:
            raise IndexDamaged(folder, name, "not in the checksum manifest")
        verify_file(folder, name, manifest.files[name], crc=True)
    try:
        toc = windex.TOC.read(FileStorage(str(folder)), INDEX_NAME, gen, schema=schema)
    except FileNotFoundError:
        raise IndexDamaged(folder, name, "missing") from None
    except Exception as e:  # Whoosh raises TypeError, UnpicklingError, UnicodeDecodeError... on damage
        raise IndexDamaged(folder, name, f"unreadable ({type(e).__name__}: {e})") from None
    verify_generation(folder, manifest, toc.segments, budget)
    return toc


class _Index(windex.FileIndex):
    """Whoosh's FileIndex, with a verified TOC and without reader reuse.

    Every TOC read is checked against the generation's manifest (IndexDamaged names the file).
    `Searcher.refresh()` asks for `reader(reuse=old_reader)`, which keeps the old reader's segments even
    when the new commit merged them away (documents show up twice, deletions come back) and closes files
    that other threads are still reading. A fresh reader costs a few milliseconds, once per commit.
    """

    def __init__(self, storage, schema=None, indexname=INDEX_NAME):
        self.storage = storage
        self._schema = schema
        self.indexname = indexname
        self._read_toc()

    def _read_toc(self):
        return read_toc(Path(self.storage.folder), self._schema, VERIFY_ON_OPEN_BYTES)

    def reader(self, reuse=None):
        folder = Path(self.storage.folder)
        for attempt in range(20):
            gen = latest_generation(folder)
            info = self._read_toc()
            try:
                return self._reader(self.storage, info.schema, info.segments, info.generation)
            except Exception as e:
                if latest_generation(folder) != gen and attempt < 19:
                    continue  # a commit deleted files of the generation being opened
                if isinstance(e, StoreError):
                    raise
                raise IndexDamaged(folder, toc_name(gen), f"a segment is unreadable ({type(e).__name__}: {e})") \
                    from None
        raise AssertionError("unreachable")


# -- the folder ---------------------------------------------------------------------------------------


def latest_generation(index_dir: Path) -> int:
    """The index's latest commit number (-1 if there is none)."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return -1
    pattern = windex.TOC._pattern(INDEX_NAME)
    return max((int(m.group(1)) for m in map(pattern.match, names) if m), default=-1)


def _swapping(index_dir: Path) -> bool:
    """True while a rebuild is being swapped in by two renames (the live folder is briefly absent)."""
    return index_dir.with_name(index_dir.name + ".old").exists()


def index_exists(index_dir: Path) -> bool:
    """True when the folder holds a table of contents (damaged or not: opening it tells)."""
    index_dir = Path(index_dir)
    for attempt in range(3):
        recover_swap(index_dir)
        if latest_generation(index_dir) >= 0:
            return True
        if not _swapping(index_dir) and attempt:
            return False
        time.sleep(0.02)  # a transient miss: a commit or a swap in flight
    return False


def open_index(index_dir: Path):
    """Open an existing index (checked against its manifest), or raise StoreError with a reason."""
    index_dir = Path(index_dir)
    if not index_exists(index_dir):
        raise StoreError(f"no index at {index_dir}: run `newsearch index` first")
    # Our schema, not the pickled copy in the table of contents: classes may move between versions.
    return _Index(FileStorage(str(index_dir)), schema=build_schema(), indexname=INDEX_NAME)


def create_index(index_dir: Path, generation: int = 0):
    """Create an empty index in `index_dir` (made if needed), its first commit numbered `generation`."""
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(index_dir))
    for name in os.listdir(index_dir):
        if name.startswith(f"_{INDEX_NAME}_"):
            os.remove(index_dir / name)
    write_toc(storage, windex.TOC(build_schema(), [], generation))
    return _Index(storage, schema=build_schema(), indexname=INDEX_NAME)


def existing(ix) -> dict[str, tuple[str, str]]:
    """id -> (source, digest) for every live document, read from columns (no stored-field unpickling), each
    segment's column in one piece (a multi-segment column reader's call per document took 20 s at 1M)."""
    out: dict[str, tuple[str, str]] = {}
    with ix.reader() as reader:
        if reader.doc_count() == 0:
            return out
        for sub, _offset in reader.leaf_readers():
            ids, digests = (column_values(sub, c) for c in ("id", "digest"))
            sources = repeated_values(sub, "source")
            if sub.has_deletions():  # the live ones picked with maps in C, not a Python loop per document
                live = np.flatnonzero(segment_live(sub)).tolist()
                ids, sources, digests = (list(map(v.__getitem__, live)) for v in (ids, sources, digests))
            out.update(zip(ids, zip(sources, digests)))
    return out


# -- writing: the lock, the writer, cleaning up ----------------------------------------------------------


def _locked(timeout: float) -> StoreError:
    return StoreError(f"the index is locked by another `newsearch index` (waited {timeout:.0f}s); try again later")


def live_lock(index_dir: Path, timeout: float):
    """Acquire the index's write lock, making the folder if needed (a folder without a TOC is no index).

    A lock taken after waiting may belong to a folder a rebuild swapped away meanwhile: it is
    dropped and the live folder's lock taken instead."""
    index_dir = Path(index_dir)
    deadline = time.monotonic() + timeout
    while True:
        index_dir.mkdir(parents=True, exist_ok=True)
        lock = FileStorage(str(index_dir)).lock(LOCK_NAME)
        if not try_for(lock.acquire, timeout=max(0.0, deadline - time.monotonic()), delay=0.1):
            raise _locked(timeout)
        if _holds(lock, index_dir / LOCK_NAME):
            return lock
        lock.release()


def _holds(lock, path: Path) -> bool:
    try:
        a, b = os.fstat(lock.fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def segment_writer(ix, timeout: float, lock=None):
    """The fast segment writer of `ix`, committing with a manifest.

    With `lock` (the live lock, already held) the writer releases it when it finishes; else it waits
    up to `timeout` seconds for the index's own write lock."""
    try:
        if lock is not None:
            w = FastSegmentWriter(ix, _lk=False, limitmb=WRITER_LIMIT_MB)
            w.writelock = lock
        else:
            w = FastSegmentWriter(ix, timeout=timeout, delay=0.25, limitmb=WRITER_LIMIT_MB)
    except LockError:
        raise _locked(timeout) from None
    w.mergetype = merging.tiered(WRITER_LIMIT_MB * 2**20 / 2)  # a full table writes a segment about this size
    w._commit_toc = lambda segments: commit_toc(w, segments)
    w.add_reader = _verifying_add_reader(w, w.add_reader)
    return w


def _verifying_add_reader(writer, add_reader):
    """`writer.add_reader` that first checks the CRC32 of a segment of the index being merged (open
    checks only sizes past VERIFY_ON_OPEN_BYTES): a merge must not copy damage into a segment
    whose checksum would then bless it."""
    folder = Path(writer.storage.folder)
    own = {seg.segment_id() for seg in writer.segments}

    def verified_add_reader(reader):
        seg = reader.segment()
        manifest = read_manifest(folder, writer.generation - 1) if seg is not None else None
        if manifest is not None and seg.segment_id() in own:
            for name in segment_file_names(os.listdir(folder), [seg]):
                if name not in manifest.files:
                    raise IndexDamaged(folder, name, "not in the checksum manifest")
                verify_file(folder, name, manifest.files[name], crc=True)
        return add_reader(reader)

    return verified_add_reader


def discard(writer) -> None:
    """Drop a writer's uncommitted work: close its files, delete what it wrote, unlock. Never raises
    (it runs while another error, a full disk say, is on its way out)."""
    for part in (getattr(writer, "perdocwriter", None), getattr(writer, "fieldwriter", None)):
        try:
            if part is not None and not part.is_closed:
                part.close()
        except Exception:
            pass
    for step in (lambda: writer.pool.cleanup(), lambda: writer._tempstorage.destroy(),
                 lambda: remove_unreferenced(Path(writer.storage.folder))):
        try:
            step()
        except Exception:
            pass
    writer.is_closed = True
    release(writer.writelock)
    writer.writelock = None


def release(lock) -> None:
    try:
        if lock is not None and lock.fd is not None:
            lock.release()
    except Exception:
        pass


def remove_unreferenced(folder: Path) -> None:
    """Delete segment files no TOC references, old TOCs and manifests, and commit temp files (under the lock)."""
    gen = latest_generation(folder)
    if gen < 0:
        return
    toc = windex.TOC.read(FileStorage(str(folder)), INDEX_NAME, gen, schema=build_schema())
    windex.clean_files(FileStorage(str(folder)), INDEX_NAME, gen, toc.segments)
    remove_stale(folder, gen)
    shutil.rmtree(folder / f"{INDEX_NAME}.tmp", ignore_errors=True)


# -- rebuilds: the swap and what crashes leave ----------------------------------------------------------


def recover_swap(index_dir: Path) -> None:
    """Finish or undo a two-rename swap that a crash interrupted (never one still in progress)."""
    old = index_dir.with_name(index_dir.name + ".old")
    if not old.exists():
        return
    if index_dir.exists():
        shutil.rmtree(old, ignore_errors=True)
        return
    lock = FileStorage(str(old)).lock(LOCK_NAME)
    try:
        if not lock.acquire():
            return  # the swapping rebuild holds it: it is between its two renames
    except OSError:
        return
    try:
        old.rename(index_dir)
    except OSError:
        pass
    finally:
        release(lock)


def remove_dead_rebuilds(index_dir: Path) -> None:
    """Delete `<index>.rebuild-PID` folders left by killed rebuilds (their process is gone)."""
    for d in index_dir.parent.glob(glob.escape(index_dir.name) + ".rebuild-*"):
        pid = d.name.rsplit("-", 1)[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:  # alive, owned by someone else
            pass


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap(new: Path, live: Path) -> None:
    """Replace `live` by `new`: one atomic exchange where the system has it (readers always find an
    index), else two renames that `recover_swap` repairs after a crash in between."""
    if live.exists() and _exchange(new, live):
        shutil.rmtree(new, ignore_errors=True)  # the old index, now under the rebuild's name
        _fsync(live.parent)
        return
    old = live.with_name(live.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if live.exists():
        live.rename(old)
    new.rename(live)
    shutil.rmtree(old, ignore_errors=True)
