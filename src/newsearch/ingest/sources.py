"""Sources: what `newsearch index SOURCE...` names (folders, text and HTML files, JSONL files),
turned into documents with an id, a content digest and a way to load their article.

Nothing is read twice and nothing is skipped without a word: every file or row that cannot be
used becomes a `Problem` naming the file (and line) and the reason.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..extract import Article, ExtractError, article_from_record, decode_bytes, extract_bytes

TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
# A .txt/.html source file larger than this is reported ("file too large") and not indexed: news
# pages are well under 1 MiB, and Kiwi needs minutes for tens of megabytes.
MAX_FILE_BYTES = 16 * 2**20


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
    """A document or file that could not be read or parsed."""

    where: str
    reason: str
    # The whole source could not be read (missing, truncated): its indexed documents are kept.
    source_failed: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


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
                     lambda: extract_bytes(data, kind, name=str(path)), lambda: decode_bytes(data))


def _walk(folder: Path, problems: list[Problem]) -> Iterator[Path]:
    """Files with known suffixes under `folder`, sorted, following symlinks but not loops."""
    seen_dirs: set[tuple[int, int]] = set()

    def onerror(err: OSError) -> None:
        problems.append(Problem(err.filename or str(folder), f"cannot read folder: {err.strerror or err}"))

    for root, dirs, files in os.walk(folder, followlinks=True, onerror=onerror):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:
            problems.append(Problem(root, "symlink loop, skipped"))
            dirs[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            p = Path(root) / name
            if p.suffix.lower() in TEXT_SUFFIXES:
                yield p


def _open_jsonl(path: Path):
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _jsonl_docs(path: Path, source: str, salt: str, problems: list[Problem]) -> Iterator[SourceDoc]:
    first_line: dict[str, int] = {}
    try:
        yield from _jsonl_rows(path, source, salt, problems, first_line)
    except (OSError, EOFError, zlib.error) as e:  # missing, unreadable, or a truncated .gz
        reason = e.strerror if isinstance(e, OSError) and e.strerror else (str(e) or type(e).__name__)
        problems.append(Problem(str(path), f"cannot read file: {reason}", source_failed=True))


def _jsonl_rows(path: Path, source: str, salt: str, problems: list[Problem],
                first_line: dict[str, int]) -> Iterator[SourceDoc]:
    with _open_jsonl(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                problems.append(Problem(where, f"invalid JSON ({e.msg if hasattr(e, 'msg') else e})"))
                continue
            except RecursionError:  # json recurses per nesting level: a hostile row must not end the run
                problems.append(Problem(where, "invalid JSON (nested too deeply)"))
                continue
            if not isinstance(rec, dict):
                problems.append(Problem(where, "row is not a JSON object"))
                continue
            doc_id = rec.get("id")
            if isinstance(doc_id, int) and not isinstance(doc_id, bool):
                doc_id = str(doc_id)
            if not isinstance(doc_id, str) or not doc_id.strip():
                problems.append(Problem(where, "missing or non-string 'id'"))
                continue
            if doc_id in first_line:
                problems.append(Problem(where, f"duplicate id {doc_id!r} (first at line {first_line[doc_id]}), skipped"))
                continue
            first_line[doc_id] = lineno
            yield SourceDoc(doc_id, source, _digest(raw, salt), where, lambda rec=rec: article_from_record(rec),
                            lambda rec=rec: f"{rec.get('title')}\n{rec.get('body')}")


def iter_source(path: Path, problems: list[Problem], salt: str) -> Iterator[SourceDoc]:
    """Documents offered by one source (folder, text/HTML file, or JSONL file)."""
    key = source_key(path)
    if path.is_dir():
        for p in _walk(path, problems):
            doc_id = p.relative_to(path).as_posix()
            try:
                yield _file_doc(p, doc_id, key, salt)
            except OSError as e:
                problems.append(Problem(str(p), f"cannot read file: {e.strerror or e}"))
                # Not vanished: keep whatever the index already holds for it.
                yield SourceDoc(doc_id, key, "", str(p), _unreadable)
    elif path.name.lower().endswith(JSONL_SUFFIXES):
        yield from _jsonl_docs(path, key, salt, problems)
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
