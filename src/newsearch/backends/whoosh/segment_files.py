"""Reading Whoosh's compound segment files without copying them into every reader, and without mmap.

Whoosh maps a compound segment (`*.seg`) into memory and opens each file inside it as a
`BufferFile`, which wraps the mapped bytes in `io.BytesIO`: that copies the whole postings,
terms and stored-fields files into private memory, once per reader. A server keeps one reader
per worker thread, so a 130 MB index cost about 150 MB of private memory per thread. The
`ViewFile` here copies only the bytes asked for.

It reads them with `pread` from one file descriptor per segment (`FileWindow`), not from a memory
map: a segment file truncated under a running server made the next read through the map kill the
process with SIGBUS. A read past the end of a truncated file now raises `IndexDamaged` (a
StoreError) for that request. The page cache is shared as with the map; a read costs a system call.

`install()` makes Whoosh's compound storage use them; the store calls it once on import.
"""

from __future__ import annotations

import os
from pathlib import Path

from whoosh.codec import base as codec_base
from whoosh.filedb import compound, structfile
from whoosh.filedb.filestore import StorageError

from ...errors import Unavailable


class IndexDamaged(Unavailable):
    """A file of the index is missing, truncated or fails its checksum (one line naming both)."""

    def __init__(self, index_dir, file: str, problem: str):
        super().__init__(f"index at {index_dir} is damaged: {file}: {problem}; "
                         "run `newsearch check --repair` or `newsearch index --rebuild`")
        self.index_dir = Path(index_dir)
        self.file = file
        self.problem = problem


class _Fd:
    """One open segment file, read with pread; closed when the last window onto it is gone."""

    __slots__ = ("fd", "path", "size")

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        self.path = path
        self.size = os.fstat(self.fd).st_size

    def read(self, offset: int, n: int) -> bytes:
        data = os.pread(self.fd, n, offset) if n > 0 else b""
        if len(data) < n:
            raise IndexDamaged(os.path.dirname(self.path), os.path.basename(self.path),
                               f"truncated while open (read at {offset + len(data)}, was {self.size} bytes)")
        return data

    def __del__(self):
        try:
            os.close(self.fd)
        except (OSError, AttributeError):
            pass


class FileWindow:
    """A byte range of a segment file that slices like a memoryview: slices are windows, bytes() reads."""

    __slots__ = ("_fd", "_start", "_len")

    def __init__(self, fd: _Fd, start: int, length: int):
        self._fd = fd
        self._start = start
        self._len = length

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self._len)
            if step != 1:
                raise ValueError("FileWindow slices have no step")
            return FileWindow(self._fd, self._start + start, max(0, stop - start))
        if key < 0:
            key += self._len
        if not 0 <= key < self._len:
            raise IndexError("FileWindow index out of range")
        return self._fd.read(self._start + key, 1)[0]

    def __bytes__(self) -> bytes:
        return self._fd.read(self._start, self._len)

    def read_at(self, position: int, length: int) -> bytes:
        """bytes(self[position:position + length]) for a non-negative position."""
        end = min(position + length, self._len)
        return self._fd.read(self._start + position, end - position) if end > position else b""

    def tobytes(self) -> bytes:
        return bytes(self)


# Bytes a sequential read fetches at once: pickle.load() reads a block's header byte by byte otherwise.
READ_AHEAD = 4096


class _ViewReader:
    """The read-only file interface StructFile needs, over a FileWindow or a memoryview (no copy of it).

    Short reads are served from a small read-ahead buffer, and `peek()` lets pickle.load() take a
    whole pickle in one read instead of one per opcode (each a system call on a FileWindow)."""

    __slots__ = ("_view", "_pos", "closed", "_ahead", "_ahead_at")

    def __init__(self, view):
        self._view = view
        self._pos = 0
        self.closed = False
        self._ahead = b""
        self._ahead_at = 0

    def read(self, n: int = -1) -> bytes:
        start = self._pos
        size = len(self._view)
        end = size if n is None or n < 0 else min(start + n, size)
        if end <= start:
            return b""
        self._pos = end
        at = self._ahead_at
        if at <= start and end <= at + len(self._ahead):
            return self._ahead[start - at:end - at]
        if end - start >= READ_AHEAD:
            return bytes(self._view[start:end])
        self._ahead = bytes(self._view[start:min(size, start + READ_AHEAD)])
        self._ahead_at = start
        return self._ahead[:end - start]

    def peek(self, n: int = 0) -> bytes:
        start = self._pos
        at = self._ahead_at
        if at <= start < at + len(self._ahead):
            return self._ahead[start - at:]
        stop = min(len(self._view), start + READ_AHEAD)
        if stop <= start:
            return b""
        self._ahead = bytes(self._view[start:stop])
        self._ahead_at = start
        return self._ahead

    def readline(self, limit: int = -1) -> bytes:
        view, start = self._view, self._pos
        end = len(view) if limit is None or limit < 0 else min(start + limit, len(view))
        if start >= end:
            return b""
        i = start
        while i < end and view[i] != 10:
            i += 1
        self._pos = min(i + 1, end)
        return bytes(view[start:self._pos])

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            pos += self._pos
        elif whence == os.SEEK_END:
            pos += len(self._view)
        self._pos = max(0, pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


class ViewFile(structfile.BufferFile):
    """Whoosh's BufferFile, reading straight from a FileWindow (or any memoryview) without a copy."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(buf)

    def get(self, position, length):
        buf = self._buf
        if type(buf) is FileWindow:  # one pread, no window object in between
            return buf.read_at(position, length)
        return bytes(buf[position:position + length])

    def subset(self, position, length, name=None):
        return ViewFile(self._buf[position:position + length], name=name or self._name)


class WindowCompoundStorage(compound.CompoundStorage):
    """Whoosh's CompoundStorage over pread windows instead of a memory map."""

    def __init__(self, dbfile, use_mmap=True, basepos=0):
        # The directory is read through the file; then one descriptor serves every file inside.
        super().__init__(dbfile, use_mmap=False, basepos=basepos)
        path = getattr(getattr(dbfile, "file", None), "name", None)
        if not isinstance(path, str):  # not a file on disk (RamStorage): Whoosh's sub-files
            self._path = None
            return
        fd = _Fd(path)
        self._path = fd.path
        self._source = FileWindow(fd, 0, fd.size)
        self._file.close()
        self._file = None

    def open_file(self, name, *args, **kwargs):
        if self.is_closed:
            raise StorageError("Storage was closed")
        if self._path is None:
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        if offset + length > len(self._source):
            raise IndexDamaged(os.path.dirname(self._path), os.path.basename(self._path),
                               f"too short for {name} ({len(self._source)} bytes)")
        return ViewFile(self._source[offset:offset + length], name=name)

    def close(self):
        if self._path is None:
            return super().close()
        if self.is_closed:
            raise Exception("Already closed")
        self.is_closed = True
        self._source = None  # the descriptor closes once no file opened from it is in use


def install() -> None:
    """Open compound segments through pread windows and their files as ViewFiles (idempotent)."""
    compound.BufferFile = ViewFile
    codec_base.CompoundStorage = WindowCompoundStorage
