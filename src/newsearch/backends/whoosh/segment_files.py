"""Reading Whoosh's compound segment files without copying them into every reader.

Whoosh maps a compound segment (`*.seg`) into memory and opens each file inside it as a
`BufferFile`, which wraps the mapped bytes in `io.BytesIO`: that copies the whole postings,
terms and stored-fields files into private memory, once per reader. A server keeps one reader
per worker thread, so a 130 MB index cost about 150 MB of private memory per thread. The
`ViewFile` here reads from the shared mapping and copies only the bytes asked for.

`install()` makes Whoosh's compound storage use it; the search side calls it once on import.
"""

from __future__ import annotations

import os

from whoosh.filedb import compound, structfile


class _ViewReader:
    """The read-only file interface StructFile needs, over a memoryview (no copy of the view)."""

    __slots__ = ("_view", "_pos", "closed")

    def __init__(self, view):
        self._view = view
        self._pos = 0
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        start = self._pos
        end = len(self._view) if n is None or n < 0 else min(start + n, len(self._view))
        self._pos = max(start, end)
        return bytes(self._view[start:end])

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
    """Whoosh's BufferFile, reading straight from the mapped bytes."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = _ViewReader(buf)

    def subset(self, position, length, name=None):
        return ViewFile(self._buf[position:position + length], name=name or self._name)


def install() -> None:
    """Open files inside compound segments as ViewFiles (idempotent)."""
    compound.BufferFile = ViewFile
