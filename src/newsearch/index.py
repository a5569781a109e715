"""The Whoosh index: schema, incremental update by content hash, atomic rebuild.

Every document remembers the source it came from (a folder, a file, or a JSONL file) and a
digest of its raw content plus the analysis fingerprint. An update scans the named sources,
indexes new and changed documents (Kiwi runs only on those, on its worker threads), deletes
documents whose file or row vanished from a source named in this run, and skips the rest.
Whoosh's table of contents is replaced atomically on commit, so a crash leaves the previous
state readable; `--rebuild` builds beside the live index and swaps directories.
"""

from __future__ import annotations

import gc
import glob
import gzip
import hashlib
import json
import logging
import os
import shutil
import stat
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import columns, fields, index as windex
from whoosh.filedb.filestore import FileStorage

from . import analysis, vocabulary
from .analysis import AnalyzedText, KoreanAnalyzer
from .extract import Article, ExtractError, article_from_record, decode_bytes, extract_bytes, fallback_title

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
TEXT_SUFFIXES = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
# Bump when analysis or stored fields change meaning: every document then counts as changed.
SCHEMA_VERSION = "5"
WRITE_LOCK_TIMEOUT = 60.0
# A .txt/.html source file larger than this is reported ("file too large") and not indexed: news
# pages are well under 1 MiB, and Kiwi needs minutes for tens of megabytes.
MAX_FILE_BYTES = 16 * 2**20
# Documents between two collections of the young garbage generations during a bulk load.
GC_EVERY = 2000


class IndexError_(Exception):
    """A problem with the index itself (locked, missing, unreadable), with a one-line reason."""


class TextColumn(fields.COLUMN):
    """A per-document string kept in a column only: neither an index term nor a stored field.

    For what only `_existing` reads back, in bulk: a document's source and content digest.
    Nothing searches by them; as terms, the digests (one per document) were a quarter of a bulk
    load's term dictionary.
    """

    def __init__(self):
        super().__init__(columns.VarBytesColumn())

    def to_column_value(self, value):
        return value.encode("utf-8")

    def from_column_value(self, value):
        return value.decode("utf-8")


def build_schema(ana=None) -> fields.Schema:
    """The one schema every index uses (`ana` replaces the Korean analyzer, for baselines)."""
    ana = ana or KoreanAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        source=TextColumn(),
        digest=TextColumn(),
        title=fields.TEXT(analyzer=ana, stored=True, phrase=True, chars=True),
        body=fields.TEXT(analyzer=ana, stored=True, phrase=True, chars=True),
        date=fields.ID(stored=True, sortable=True),
        publisher=fields.ID(stored=True, sortable=True),
        reporter=fields.STORED(),
        url=fields.STORED(),
    )


def analysis_fingerprint() -> str:
    """Changes whenever indexed terms for the same text could change."""
    return f"{SCHEMA_VERSION}:{analysis.fingerprint()}"


# ---------------------------------------------------------------------------------------------
# Sources: what `newsearch index SOURCE...` names, turned into documents with digests.


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


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _unreadable() -> Article:
    raise ExtractError("unreadable")


# ---------------------------------------------------------------------------------------------
# Opening and creating the index.


def _recover_swap(index_dir: Path) -> None:
    """Finish or undo a rebuild swap that a crash interrupted."""
    old = index_dir.with_name(index_dir.name + ".old")
    if not index_dir.exists() and old.exists():
        old.rename(index_dir)
    elif old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _remove_dead_rebuilds(index_dir: Path) -> None:
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
    _recover_swap(index_dir)
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
    """Open an existing index, or raise IndexError_ with a reason."""
    index_dir = Path(index_dir)
    if not index_exists(index_dir):
        raise IndexError_(f"no index at {index_dir}: run `newsearch index` first")
    try:
        return FileStorage(str(index_dir)).open_index(INDEX_NAME, indexclass=_FreshReaderIndex)
    except Exception as e:  # whoosh raises many kinds on a damaged index
        raise IndexError_(f"cannot open index at {index_dir}: {e}") from e


def create_index(index_dir: Path, generation: int = 0):
    """Create an empty index in `index_dir` (made if needed), its first commit numbered `generation`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(index_dir))
    ix = storage.create_index(build_schema(), indexname=INDEX_NAME)
    if generation > 0:
        windex.TOC(ix.schema, [], generation).write(storage, INDEX_NAME)
        ix = storage.open_index(INDEX_NAME)
    return ix


def _generation(index_dir: Path) -> int:
    """The live index's latest commit number (-1 if there is none)."""
    if not index_dir.is_dir():
        return -1
    return windex.TOC._latest_generation(FileStorage(str(index_dir)), INDEX_NAME)


def _writer(ix, timeout: float):
    from whoosh.index import LockError

    from .whoosh_fast import FastSegmentWriter

    try:
        return FastSegmentWriter(ix, timeout=timeout, delay=0.25, limitmb=384)
    except LockError:
        raise IndexError_(f"the index is locked by another `newsearch index` (waited {timeout:.0f}s); try again later")


def _live_lock(index_dir: Path, timeout: float):
    """Acquire the live index's write lock (None when there is no index yet), or raise IndexError_."""
    from whoosh.util.filelock import try_for

    if not index_exists(index_dir):
        return None
    lock = FileStorage(str(index_dir)).lock(INDEX_NAME + "_WRITELOCK")
    if not try_for(lock.acquire, timeout=timeout, delay=0.25):
        raise IndexError_(f"the index is locked by another `newsearch index` (waited {timeout:.0f}s); try again later")
    return lock


def _existing(ix) -> dict[str, tuple[str, str]]:
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


# ---------------------------------------------------------------------------------------------
# Updating.


@dataclass
class UpdateStats:
    """What one `newsearch index` run did."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scanned: int = 0

    def reporter(self, on_problem: Callable[[Problem], None] | None) -> Callable[[Problem], None]:
        """A function that records a problem and passes it on to `on_problem`."""
        def report(p: Problem) -> None:
            self.problems.append(p)
            if on_problem:
                on_problem(p)
        return report

    def summary(self) -> str:
        return (f"added {self.added}, updated {self.updated}, deleted {self.deleted}, "
                f"unchanged {self.unchanged}, failed {self.failed} in {self.seconds:.1f}s")


def title_in_body(title: str, body: str) -> tuple[int, int] | None:
    """Where a title taken from the body stands in it: (start, end); None for a title of its own.

    Extraction falls back to the body's first sentence when a page or row names no title (every
    review is its own title). Such a title's terms are cut from the body's analysis instead of
    running Kiwi on the same words twice, and the indexed body does not repeat it.
    """
    if not title or title != fallback_title(body):
        return None
    core = title[:-3] if title.endswith("...") else title  # cut short at 100 characters
    start = body.find(core)
    return (start, start + len(core)) if core and start >= 0 else None


def body_offset(title: str, span: tuple[int, int] | None) -> int:
    """Where the body starts in the indexed `body` field: after "title, blank line", unless the
    title is the body's own first sentence (`span`, from title_in_body, is then not None)."""
    if not title or span is not None:
        return 0
    return len(title) + 2


def terms_within(terms: list, start: int, end: int) -> list:
    """The terms inside characters [start, end), as if that span had been analysed alone.

    Character offsets count from `start` and positions from the first term kept. Kiwi read the
    span in its context, which can only help at its edges; a term crossing an edge is left out.
    """
    inside = [t for t in terms if t.start >= start and t.end <= end]
    if len(inside) == len(terms) and start == 0 and (not terms or terms[0].pos == 0):
        return terms  # the whole text: the same list, not a copy
    if not inside:
        return []
    first = min(t.pos for t in inside)
    Term = analysis.Term
    return [Term(t.text, t.pos - first, t.start - start, t.end - start) for t in inside]


def indexed_terms(title: str, body: str, title_terms, body_terms) -> tuple[list, list]:
    """The terms of the indexed title and body fields.

    The body field is the title's terms, then the body's shifted past the title (positions and
    characters): one BM25 field over the whole article ranks better than summing separate title
    and body scores. A title that is the body's own first sentence (see title_in_body) is not
    repeated in the body field; when it is the whole body (a one-sentence review) there is no
    title apart from the text, and it earns no title match (its highlights come from the body).
    """
    span = title_in_body(title, body)
    if span is None:
        return title_terms, _combined_terms(title_terms, body_terms, body_offset(title, span))
    return ([] if span == (0, len(body)) else title_terms), body_terms


def _combined_terms(title_terms, body_terms, char_shift: int) -> list:
    """Title terms, then body terms shifted past the title (positions, and `char_shift` characters)."""
    if not title_terms:
        return body_terms
    pos_shift = title_terms[-1].pos + 2  # a gap, so phrases do not run from title into body
    Term = analysis.Term
    return list(title_terms) + [Term(t.text, t.pos + pos_shift, t.start + char_shift, t.end + char_shift)
                                for t in body_terms]


def _doc_fields(doc: SourceDoc, art: Article, title_terms, body_terms) -> dict:
    title = art.title or ""
    title_field, body_field = indexed_terms(title, art.body, title_terms, body_terms)
    return {
        "id": doc.id,
        "source": doc.source,
        "digest": doc.digest,
        "title": AnalyzedText(title, title_field),
        "_stored_title": title,
        "body": AnalyzedText(art.body, body_field),
        "_stored_body": art.body,
        "date": art.date or "",
        "publisher": art.publisher or "",
        "reporter": art.reporter or "",
        "url": art.url or "",
    }


def _analysed(docs: Iterable[tuple[SourceDoc, Article]]) -> Iterator[tuple[SourceDoc, Article, list, list]]:
    """Run Kiwi's worker threads over titles and bodies as one ordered stream.

    A title taken from the body's first sentence (see `title_in_body`) is not analysed again:
    its terms are cut from the body's.
    """
    pending: deque = deque()

    def texts():
        for doc, art in docs:
            span = title_in_body(art.title or "", art.body)
            pending.append((doc, art, span))
            if span is None and art.title:
                yield art.title
            yield art.body

    stream = analysis.analyze_many(texts())
    for first in stream:
        doc, art, span = pending.popleft()
        if span is not None:
            body_terms = first
            title_terms = terms_within(body_terms, *span)
        elif art.title:
            title_terms, body_terms = first, next(stream)
        else:
            title_terms, body_terms = [], first
        yield doc, art, title_terms, body_terms


def update_index(index_dir: Path, sources: list[Path], *, rebuild: bool = False,
                 on_problem: Callable[[Problem], None] | None = None,
                 on_progress: Callable[[int, int], None] | None = None,
                 lock_timeout: float = WRITE_LOCK_TIMEOUT,
                 user_dict: Path | None | bool = True) -> UpdateStats:
    """Bring the index at `index_dir` up to date with `sources`; see the module docstring.

    `user_dict` is the user dictionary file to analyse with (True: the configured one, see
    vocabulary.user_dict_path; None: none). Documents containing a word added to or removed from
    it since the last run are re-analysed even when their content did not change.
    """
    t0 = time.monotonic()
    index_dir = Path(index_dir)
    stats = UpdateStats()
    problems = stats.problems
    report = stats.reporter(on_problem)

    live_lock = None
    if rebuild:
        # Hold the live index's write lock until the swap: an update committed meanwhile would be lost
        # with the old folder, and two rebuilds would race on the renames.
        live_lock = _live_lock(index_dir, lock_timeout)
        _remove_dead_rebuilds(index_dir)
        target = index_dir.with_name(index_dir.name + f".rebuild-{os.getpid()}")
        shutil.rmtree(target, ignore_errors=True)
        # Readers notice a new index by its generation: the swapped-in one must not repeat the old one's.
        ix = create_index(target, generation=_generation(index_dir) + 1)
    else:
        target = index_dir
        ix = open_index(index_dir) if index_exists(index_dir) else create_index(index_dir)

    words = vocabulary.load_user_dict(vocabulary.user_dict_path() if user_dict is True else user_dict)
    old_words = () if rebuild else vocabulary.load_user_dict(target / vocabulary.USER_DICT_NAME)
    changed_words = sorted({w.word for w in set(words) ^ set(old_words)})
    analysis.use_dictionary(words)
    if changed_words and not rebuild:
        stats.notes.append(f"user dictionary changed ({len(changed_words)} words): re-analysing the "
                           "documents that contain them")
    writer = _writer(ix, lock_timeout)
    committed = False
    try:
        existing = {} if rebuild else _existing(ix)
        salt = analysis_fingerprint()
        sources = [Path(s) for s in sources]
        keys = {source_key(s) for s in sources}
        scan = Scan(existing, salt, report, stats, keys, changed_words)
        articles = scan.articles(sources)

        gc_was_enabled = gc.isenabled()
        # A bulk load allocates millions of small objects that live until the commit; the cyclic
        # collector would scan them again and again (about a tenth of this thread's time) and find
        # next to nothing (a caught exception's traceback, freed once it is back on).
        gc.disable()
        try:
            _index_docs(writer, articles, existing, stats, on_progress)
            for doc_id in scan.vanished():
                writer.delete_by_term("id", doc_id)
                stats.deleted += 1
            if stats.added or stats.updated or stats.deleted or rebuild:
                writer.commit()
            else:
                writer.cancel()
        finally:
            if gc_was_enabled:
                gc.enable()
        committed = True
        _store_user_dict(target, words)
    finally:
        if not committed:
            writer.cancel()
            if rebuild:
                shutil.rmtree(target, ignore_errors=True)
            if live_lock:
                live_lock.release()
    ix.close()
    # Every problem stands for one file, row or document that is not (re)indexed.
    stats.failed = len(problems)
    if rebuild:
        try:
            _swap(target, index_dir)
        finally:
            if live_lock:
                live_lock.release()
    stats.seconds = time.monotonic() - t0
    return stats


def _index_docs(writer, articles, existing, stats: UpdateStats, on_progress) -> None:
    """Analyse `articles` and add or update each one in `writer`."""
    done = 0
    add, update = writer.add_document, writer.update_document
    for doc, art, title_terms, body_terms in _analysed(articles):
        doc_fields = _doc_fields(doc, art, title_terms, body_terms)
        if doc.id in existing:
            update(**doc_fields)
            stats.updated += 1
        else:
            add(**doc_fields)
            stats.added += 1
        done += 1
        if done % GC_EVERY == 0 and not gc.isenabled():
            gc.collect(1)  # only what was allocated since the last one: cheap
        if on_progress:
            on_progress(done, stats.scanned)


@dataclass
class Scan:
    """One streaming pass over the sources: yields what needs (re)indexing, remembers what it saw.

    Shared by every backend. `owns` limits the pass to one shard's ids (others are not even
    read); `force` re-analyses unchanged documents too.
    """

    existing: dict[str, tuple[str, str]]
    salt: str
    report: Callable[[Problem], None]
    stats: "UpdateStats"
    keys: set[str]
    changed_words: list[str] = field(default_factory=list)
    owns: Callable[[str], bool] | None = None
    force: bool = False
    seen: set[str] = field(default_factory=set)

    def changed_docs(self, sources: list[Path]) -> Iterator[SourceDoc]:
        """New and changed documents of `sources`, in order; counts the unchanged ones."""
        problems: list[Problem] = []
        for src in sources:
            for doc in iter_source(Path(src), problems, self.salt):
                self._drain(src, problems)
                self.stats.scanned += 1
                if not _is_unicode(doc.id):  # undecodable file name or "\ud800" in a JSON id
                    self.report(Problem(doc.where, "id is not valid Unicode (undecodable bytes or a lone surrogate)"))
                    continue
                if self.owns is not None and not self.owns(doc.id):
                    continue  # another worker's document
                if doc.id in self.seen:
                    self.report(Problem(doc.where, f"duplicate id {doc.id!r} from another source, skipped"))
                    continue
                self.seen.add(doc.id)
                old = self.existing.get(doc.id)
                if not doc.digest:  # unreadable now (already reported): keep what we had
                    continue
                if old and old[1] == doc.digest and not self.force and not _mentions(doc, self.changed_words):
                    self.stats.unchanged += 1
                else:
                    yield doc
            self._drain(src, problems)

    def _drain(self, src, problems: list[Problem]) -> None:
        while problems:
            p = problems.pop(0)
            if p.source_failed:  # do not take unread documents for deleted ones
                self.keys.discard(source_key(Path(src)))
            self.report(p)

    def articles(self, sources: list[Path]) -> Iterator[tuple[SourceDoc, Article]]:
        """Changed documents with their extracted articles; extraction failures are reported."""
        for doc in self.changed_docs(sources):
            try:
                yield doc, doc.load()
            except ExtractError as e:
                self.report(Problem(doc.where, str(e)))
            except Exception as e:  # a bug in extraction must not stop the run
                log.exception("extracting %s", doc.where)
                self.report(Problem(doc.where, f"cannot extract: {type(e).__name__}: {e}"))

    def vanished(self) -> list[str]:
        """Ids gone from a source named in this pass (call after the pass)."""
        return [doc_id for doc_id, (src_key, _digest) in self.existing.items()
                if src_key in self.keys and doc_id not in self.seen
                and (self.owns is None or self.owns(doc_id))]


def _mentions(doc: SourceDoc, words: list[str]) -> bool:
    """Whether the document's raw text contains any of `words` (only asked when the dictionary changed)."""
    if not words or doc.text is None:
        return False
    try:
        text = doc.text()
    except Exception:
        return True  # cannot tell: re-analyse
    return any(w in text for w in words)


def _store_user_dict(index_dir: Path, words) -> None:
    """Keep the dictionary the index was analysed with beside it (queries must use the same)."""
    path = index_dir / vocabulary.USER_DICT_NAME
    if words:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(vocabulary.dict_text(words), encoding="utf-8")
        os.replace(tmp, path)
    elif path.exists():
        path.unlink()


def _swap(new: Path, live: Path) -> None:
    """Replace `live` by `new` with two renames; `_recover_swap` repairs a crash in between."""
    old = live.with_name(live.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if live.exists():
        live.rename(old)
    new.rename(live)
    shutil.rmtree(old, ignore_errors=True)
