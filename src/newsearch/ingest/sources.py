"""Sources: what `newsearch index SOURCE...` names (folders, text and HTML files, JSONL files),
turned into documents with an id, a content digest and a way to load their article.

Nothing is read twice and nothing is skipped without a word: every file or row that cannot be
used becomes a `Problem` naming the file (and line) and the reason. A file that is not read on
purpose (another type, a link out of the folder, a folder reached twice) is a `Problem` too, marked
`skipped`: reported and counted, but not a failure.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import stat
import unicodedata
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol

from .. import extract
from ..extract import Article, ExtractError, article_from_record, decode_bytes
from .idset import IdSet

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
# A .txt/.html source file larger than this is reported ("file too large") and not indexed: news
# pages are well under 1 MiB, and Kiwi needs minutes for tens of megabytes.
MAX_FILE_BYTES = 16 * 2**20
# A JSONL row longer than this is reported ("row too large") and read past in 1 MiB pieces, never
# whole: one bound for whatever one document's raw bytes are, file or row. A row anywhere near it is
# refused by MAX_TEXT_CHARS anyway; the bound is what keeps a 46 MiB line out of memory.
MAX_ROW_BYTES = MAX_FILE_BYTES
# An article whose text sent to Kiwi (body, and a title of its own) is longer than this is reported
# ("text too long") and not analysed. Measured with Analyzer.terms on this machine (2 cores, Kiwi
# 0.21): news prose takes 2.3 s per 100,000 characters and grows faster than linearly (300,000: 17 s;
# 1,000,000: 230 s); the worst text found, one syllable or one Latin letter repeated, takes about
# 130 us a character (100,000: 13 s; the reported 5 MB of one syllable: 177 s). The longest article
# of the shared corpora has 13,123 characters, so the limit refuses no real article, keeps a prose
# document within 2-3 s and any document under 15 s.
MAX_TEXT_CHARS = 100_000
# A row of a JSONL file found inside a folder source has the id `RELATIVE/PATH.jsonl#ROW-ID`. `#` is
# no path separator on any system, and reads as "this part of that file" (a URL fragment): the id
# cannot be mistaken for a file `ROW-ID` inside a folder `PATH.jsonl` (which `/` would suggest).
# Every text file's id ends in .txt/.html, so it meets a row's id only when the file's own name
# holds `.jsonl#`; Scan then reports the second one as a duplicate id.
ROW_SEPARATOR = "#"
NOT_READ_TYPE = "not a .txt/.html/.jsonl file"


def printable(text: str) -> str:
    """`text` fit for one line of output: control characters, line and paragraph separators, format
    characters and lone surrogates (undecodable bytes of a file name) written as Python escapes
    (`\\n`, `\\x1b`, `\\u2028`, `\\udcff`); everything else, Korean and spaces included, as is."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or unicodedata.category(ch) == "Zs" else repr(ch)[1:-1]
                   for ch in text)


@dataclass
class SourceDoc:
    """One document a source offers: its id, digest and how to load its article."""

    id: str
    source: str
    digest: str
    where: str  # path (and line) for messages
    load: Callable[[], Article]
    text: Callable[[], str] | None = None  # raw text, to find user-dictionary words in it


@dataclass
class Problem:
    """A document or file that could not be read or parsed, or that was not read on purpose."""

    where: str  # as found (a program may open it); str() escapes it
    reason: str
    # The whole source could not be read (missing, truncated): its indexed documents are kept.
    source_failed: bool = False
    # Not read on purpose (a file of another type, a link out of the folder, a folder reached a
    # second time): reported and counted, but not a failure.
    skipped: bool = False
    # Indexed, but a part of its analysis failed (its entities): reported, not a failure.
    warning: bool = False

    @property
    def kind(self) -> str:
        return "skipped" if self.skipped else "warning" if self.warning else "error"

    def __str__(self) -> str:
        """`PATH[:LINE]: reason` on one line, whatever the file name holds (see `printable`)."""
        return f"{printable(self.where)}: {printable(self.reason)}"

    def line(self) -> str:
        """The output line: `error: PATH[:LINE]: reason`, `warning: …` or `skipped: PATH: reason`."""
        return f"{self.kind}: {self}"


def _digest(data: bytes, salt: str) -> str:
    return hashlib.blake2b(data, digest_size=16, key=salt.encode()[:64]).hexdigest()


def source_key(path: Path) -> str:
    """How a source is remembered in the index: its absolute path."""
    return str(path.resolve())


def _refuse(reason: str) -> Callable[[], Article]:
    def load() -> Article:
        raise ExtractError(reason)
    return load


def _file_doc(path: Path, doc_id: str, source: str, salt: str) -> SourceDoc:
    st = path.stat()
    # A FIFO or device named *.txt would block or never end; a huge file would stall Kiwi for
    # minutes. Neither is read: the placeholder digest never matches, so every run reports it again.
    if not stat.S_ISREG(st.st_mode):
        return SourceDoc(doc_id, source, f"refused:{st.st_mtime_ns}", str(path), _refuse("not a regular file"))
    if st.st_size > MAX_FILE_BYTES:
        return SourceDoc(doc_id, source, f"refused:{st.st_size}:{st.st_mtime_ns}", str(path),
                         _refuse(f"file too large ({st.st_size / 2**20:.1f} MiB; limit "
                                 f"{MAX_FILE_BYTES // 2**20} MiB)"))
    data = path.read_bytes()
    kind = TEXT_SUFFIXES.get(path.suffix.lower(), "txt")
    return SourceDoc(doc_id, source, _digest(data, salt), str(path),
                     lambda: extract.extract_bytes(data, kind, name=str(path)), lambda: decode_bytes(data))


def _inside(path: str, folder: str) -> bool:
    """Whether the resolved `path` is `folder` or lies under it (both resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _is_dir(path: Path) -> bool:
    """A folder, or a link to one (a broken or looping link is not)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _is_source_file(name: str) -> bool:
    low = name.lower()
    return low.endswith(JSONL_SUFFIXES) or Path(low).suffix in TEXT_SUFFIXES


class _Walk:
    """The files of a folder source (`walk`), each folder once; everything not read is reported.

    Hidden files and folders (names starting with ".") are left out without a word: editors' swap
    and backup files, .DS_Store and a .git folder's thousands of objects are not news, and hiding a
    file is how one says so; reporting them would bury the lines that matter. Any other file that is
    not .txt/.html/.jsonl is reported as skipped.

    Symbolic links are followed while they resolve to a place inside the folder (a link that leaves
    it is skipped, not followed, unless `follow_links`). A link to a folder at or above its own place
    is a loop (an error: the folder tree is broken). A folder reached a second time (a second link to
    it, or a link to a folder walked already) is skipped, "already indexed via" its first path.
    Linked folders are walked after the real tree, so a folder is indexed under its own path first.
    """

    def __init__(self, folder: Path, problems: list["Problem"], follow_links: bool):
        self.folder = folder
        self.root = os.path.realpath(folder)
        self.problems = problems
        self.follow_links = follow_links
        self.seen: dict[tuple[int, int], str] = {}  # (device, inode) of a walked folder -> its path
        self.links: deque[tuple[Path, str]] = deque()  # linked folders still to walk, with their targets

    def walk(self) -> Iterator[Path]:
        yield from self._tree(self.folder, self.root)
        while self.links:
            yield from self._tree(*self.links.popleft())

    def _report(self, path: Path, reason: str, **kw) -> None:
        self.problems.append(Problem(str(path), reason, **kw))

    def _tree(self, folder: Path, real: str) -> Iterator[Path]:
        """Files under `folder` (whose resolved path is `real`) in name order; links put aside."""
        try:
            st = os.stat(folder)
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:  # its documents are not taken for deleted ones
            self._report(folder, f"cannot read folder: {e.strerror or e}", source_failed=True)
            return
        first = self.seen.setdefault((st.st_dev, st.st_ino), str(folder))
        if first != str(folder):
            self._report(folder, f"already indexed via {first}", skipped=True)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden: see the class docstring
            path = Path(entry.path)
            if entry.is_symlink() and not self._link(path, real):
                continue
            if not entry.is_symlink() and entry.is_dir(follow_symlinks=False):
                yield from self._tree(path, os.path.join(real, entry.name))
            elif _is_source_file(entry.name):
                yield path  # a broken link or a FIFO too: reading it reports why not
            else:
                self._report(path, NOT_READ_TYPE, skipped=True)

    def _link(self, path: Path, real_parent: str) -> bool:
        """Whether a link is to be read as a file; a linked folder is put aside (or reported)."""
        target = os.path.realpath(path)
        if not self.follow_links and not _inside(target, self.root):
            self._report(path, f"symlink leads outside the source folder (to {target}), not followed", skipped=True)
            return False
        if not _is_dir(path):
            return True
        if _inside(real_parent, target):
            self._report(path, f"symlink loop: leads to {target}, its own folder or one above it; not followed")
        else:
            self.links.append((path, target))
        return False


def _open_jsonl(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


# Whether the index holds this (id, digest): such a row is unchanged, and its JSON is parsed only if asked.
Known = Callable[[str, str], bool]


class FileLedger(Protocol):
    """Which JSONL files need not be read (`filemarks.FileMarks`): `skip` tells (and reports the file's
    problems again when it says yes); `read` passes a read file's documents on, noting what it was."""

    def skip(self, path: Path, source: str, prefix: str, problems: list["Problem"]) -> bool: ...

    def read(self, path: Path, source: str, prefix: str,
             open_docs: Callable[[list["Problem"]], Iterator[SourceDoc]],
             problems: list["Problem"]) -> Iterator[SourceDoc]: ...


def _jsonl_file(path: Path, source: str, salt: str, problems: list["Problem"], prefix: str,
                known: Known | None, files: FileLedger | None) -> Iterator[SourceDoc]:
    """The rows of one JSONL file, unless `files` says it is unchanged (then none)."""
    if files is None:
        yield from _jsonl_docs(path, source, salt, problems, prefix, known)
    elif not files.skip(path, source, prefix, problems):
        yield from files.read(path, source, prefix,
                              lambda mine: _jsonl_docs(path, source, salt, mine, prefix, known), problems)


def _jsonl_docs(path: Path, source: str, salt: str, problems: list[Problem],
                prefix: str = "", known: Known | None = None) -> Iterator[SourceDoc]:
    """The rows of a JSONL file; `prefix` goes before each row's id (a file inside a folder source)."""
    try:
        for doc in _jsonl_rows(path, source, salt, problems, IdSet(), prefix, known):
            doc.id = prefix + doc.id
            yield doc
    except (OSError, EOFError, zlib.error) as e:  # missing, unreadable, or a truncated .gz
        reason = e.strerror if isinstance(e, OSError) and e.strerror else (str(e) or type(e).__name__)
        problems.append(Problem(str(path), f"cannot read file: {reason}", source_failed=True))


def _lines(fh) -> Iterator[tuple[int, bytes, int]]:
    """(line number, line, size in bytes) of a binary file. A line over MAX_ROW_BYTES is never held
    whole: it comes as its first 4 KiB (where its id may stand) and its full size, read past in 1 MiB pieces."""
    lineno = 0
    while True:
        limit = MAX_ROW_BYTES
        line = fh.readline(limit + 1)
        if not line:
            return
        lineno += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield lineno, line, len(line)
            continue
        head, size = line[:4096], len(line)
        del line
        while True:
            piece = fh.readline(2**20)
            size += len(piece)
            if not piece or piece.endswith(b"\n"):
                break
        yield lineno, head, size


# A row that opens with its id (`{"id": "x", ...`, as most feeds write them), read from its first bytes.
_LEADING_ID = re.compile(rb'\s*\{\s*"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9]+)\s*[,}]')


def _too_large(where: str, head: bytes, size: int, source: str, problems: list[Problem]) -> SourceDoc | None:
    """A row over MAX_ROW_BYTES: a refused document when its id can be read from its first bytes (so
    that its indexed version is kept, as for a file too large), else a problem."""
    reason = f"row too large ({size / 2**20:.1f} MiB; limit {MAX_ROW_BYTES // 2**20} MiB)"
    doc_id = _leading_id(head)
    if doc_id is None or not doc_id.strip():
        problems.append(Problem(where, reason))
        return None
    # The placeholder digest never matches: every run reports it again.
    return SourceDoc(doc_id, source, f"refused:{size}", where, _refuse(reason))


def _jsonl_rows(path: Path, source: str, salt: str, problems: list[Problem],
                first_line: IdSet, prefix: str, known: Known | None) -> Iterator[SourceDoc]:
    with _open_jsonl(path) as fh:
        for lineno, raw, size in _lines(fh):
            where = f"{path}:{lineno}"
            if size > len(raw):
                doc = _too_large(where, raw, size, source, problems)
            elif raw.strip():
                digest = _digest(raw, salt)
                doc = (known and _known_row(raw, digest, where, source, prefix, known)) \
                    or _row_doc(raw, digest, where, source, problems)
            else:
                continue
            if doc is None:
                continue
            if not first_line.add_new(doc.id, lineno):
                problems.append(Problem(where, f"duplicate id {doc.id!r} (first at line {first_line.first(doc.id)}), skipped"))
                continue
            yield doc


def _known_row(raw: bytes, digest: str, where: str, source: str, prefix: str, known: Known) -> SourceDoc | None:
    """The document of a row the index holds unchanged, read from its leading id and its digest alone;
    None when the row does not open with its id or is not known so (then it is parsed as any row).

    The same bytes parse the same way, and they parsed when the row was indexed: a no-op run over a
    million rows skips a million `json.loads` (about 5 s)."""
    doc_id = _leading_id(raw)
    if doc_id is None or not doc_id.strip() or not known(prefix + doc_id, digest):
        return None
    rec = _Parsed(raw)
    return SourceDoc(doc_id, source, digest, where, lambda: article_from_record(rec()),
                     lambda: f"{rec().get('title')}\n{rec().get('body')}")


_PLAIN_ID_START = b'{"id": "'


def _leading_id(raw: bytes) -> str | None:
    """The id a row opens with, as json would read it; None when it does not open with one that is
    read so without doubt (an escape, a number with a leading zero: such rows are parsed whole)."""
    if raw.startswith(_PLAIN_ID_START):  # the common shape, without the regex and the json call
        end = raw.find(b'"', len(_PLAIN_ID_START))
        if end > 0 and raw[end + 1:end + 2] in (b",", b"}") and b"\\" not in raw[:end]:
            try:
                return raw[len(_PLAIN_ID_START):end].decode("utf-8")
            except UnicodeDecodeError:
                return None
    m = _LEADING_ID.match(raw)
    if not m:
        return None
    text = m.group(1)
    if not text.startswith(b'"') and re.match(rb"-?0[0-9]", text):
        return None  # not JSON: the whole row's parse reports it
    try:
        doc_id = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return str(doc_id) if isinstance(doc_id, int) else doc_id


class _Parsed:
    """A row's JSON object, parsed on first use."""

    __slots__ = ("raw", "rec")

    def __init__(self, raw: bytes):
        self.raw, self.rec = raw, None

    def __call__(self) -> dict:
        if self.rec is None:
            self.rec = json.loads(self.raw)
        return self.rec


def _row_doc(raw: bytes, digest: str, where: str, source: str, problems: list[Problem]) -> SourceDoc | None:
    """The document of one JSONL row, or None with the problem reported."""
    try:
        rec = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        problems.append(Problem(where, f"invalid JSON ({e.msg if hasattr(e, 'msg') else e})"))
        return None
    except RecursionError:  # json recurses per nesting level: a hostile row must not end the run
        problems.append(Problem(where, "invalid JSON (nested too deeply)"))
        return None
    if not isinstance(rec, dict):
        problems.append(Problem(where, "row is not a JSON object"))
        return None
    doc_id = rec.get("id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str) or not doc_id.strip():
        problems.append(Problem(where, "missing or non-string 'id'"))
        return None
    return SourceDoc(doc_id, source, digest, where, lambda: article_from_record(rec),
                     lambda: f"{rec.get('title')}\n{rec.get('body')}")


def _folder_jsonl(path: Path, rel: str, source: str, salt: str, problems: list[Problem],
                  known: Known | None, files: FileLedger | None) -> Iterator[SourceDoc]:
    """The rows of a JSONL file inside a folder source, their ids scoped by the file's relative path."""
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError as e:
        regular, reason = False, f"cannot read file: {e.strerror or e}"
    else:
        reason = "not a regular file"  # a FIFO would block the run for ever
    if not regular:  # its rows cannot be told: keep what the index holds of the folder
        problems.append(Problem(str(path), reason, source_failed=True))
        return
    yield from _jsonl_file(path, source, salt, problems, rel + ROW_SEPARATOR, known, files)


def iter_source(path: Path, problems: list[Problem], salt: str, follow_links: bool = False,
                known: Known | None = None, files: FileLedger | None = None) -> Iterator[SourceDoc]:
    """Documents offered by one source (folder, text/HTML file, or JSONL file).

    In a folder, symbolic links leading outside it are reported and not followed unless `follow_links`.
    `known(id, digest)`: whether the index holds that document unchanged (its JSONL row is then not
    parsed unless its article or text is asked for). `files`: which JSONL files need not be read at all.
    """
    key = source_key(path)
    if path.is_dir():
        for p in _Walk(path, problems, follow_links).walk():
            doc_id = p.relative_to(path).as_posix()
            if p.name.lower().endswith(JSONL_SUFFIXES):
                yield from _folder_jsonl(p, doc_id, key, salt, problems, known, files)
                continue
            try:
                yield _file_doc(p, doc_id, key, salt)
            except OSError as e:
                problems.append(Problem(str(p), f"cannot read file: {e.strerror or e}"))
                # Not vanished: keep whatever the index already holds for it.
                yield SourceDoc(doc_id, key, "", str(p), _unreadable)
    elif path.name.lower().endswith(JSONL_SUFFIXES):
        yield from _jsonl_file(path, key, salt, problems, "", known, files)
    elif path.is_file():
        try:
            yield _file_doc(path, path.name, key, salt)
        except OSError as e:
            problems.append(Problem(str(path), f"cannot read file: {e.strerror or e}"))
    elif not path.exists():
        problems.append(Problem(str(path), "no such file or folder", source_failed=True))
    else:
        problems.append(Problem(str(path), "not a regular file or folder"))


def is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unreadable() -> Article:
    raise ExtractError("unreadable")
