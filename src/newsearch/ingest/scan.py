"""One streaming pass over the sources: what needs (re)indexing, what is unchanged, what vanished."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

from ..extract import Article, ExtractError
from .documents import title_in_body
from .filemarks import FileMarks
from .idset import IdSet
from .sources import MAX_TEXT_CHARS, Problem, SourceDoc, is_unicode, iter_source, printable, source_key

log = logging.getLogger(__name__)


@dataclass
class UpdateStats:
    """What one `newsearch index` run did."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0  # files not read on purpose (another type, a link out of the folder): not failures
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

    def count_problems(self) -> None:
        """Set `failed` and `skipped` from the problems reported (each stands for one file, row or document;
        a warning's document was indexed)."""
        self.skipped = sum(1 for p in self.problems if p.skipped)
        self.failed = len(self.problems) - self.skipped - sum(1 for p in self.problems if p.warning)

    def summary(self) -> str:
        """One line; `, skipped N` only when files were skipped, so that the line of a run without any
        reads as it always did."""
        skipped = f", skipped {self.skipped}" if self.skipped else ""
        return (f"added {self.added}, updated {self.updated}, deleted {self.deleted}, "
                f"unchanged {self.unchanged}, failed {self.failed}{skipped} in {self.seconds:.1f}s")


@dataclass
class Scan:
    """One streaming pass over the sources: yields what needs (re)indexing, remembers what it saw.

    Shared by every backend. `owns` limits the pass to one shard's ids (others are not even
    read); `force` re-analyses unchanged documents too; `follow_links` follows symbolic links out
    of a folder source.

    When the user dictionary changed (`changed_words`), the documents that mention a changed word
    are re-analysed in every source of the index, not only in the sources named: the store keeps
    one dictionary, the one of this run, and a later run over another source would otherwise find
    its documents unchanged and leave them analysed with the old one. Those other sources are read
    after the named ones (`recheck_docs`); only their unchanged documents that mention a changed
    word are re-analysed: nothing of theirs is added, deleted or reported. A source that cannot be
    read now is listed in `unreadable` (see pipeline.update's note).
    """

    existing: dict[str, tuple[str, str]]
    salt: str
    report: Callable[[Problem], None]
    stats: "UpdateStats"
    keys: set[str]
    changed_words: list[str] = field(default_factory=list)
    owns: Callable[[str], bool] | None = None
    force: bool = False
    seen: IdSet = field(default_factory=IdSet)  # the ids read in this pass (24 bytes each)
    follow_links: bool = False
    unreadable: list[str] = field(default_factory=list)  # other sources that could not be re-checked
    marks_at: Path | None = None  # where the JSONL files' marks are kept (see filemarks.py); None: no marks
    others: list[str] = field(init=False, default_factory=list)  # the index's sources not named, to re-check
    files: FileMarks | None = field(init=False, default=None)
    read_known: int = field(init=False, default=0)  # ids read (or claimed) that the index holds from a named source

    def __post_init__(self) -> None:
        if self.changed_words:
            self.others = sorted({src for src, _digest in self.existing.values()} - self.keys)
        if self.marks_at is not None and self.owns is None:  # a worker's store holds only some of a file's rows
            # Re-analysing (--force, a changed dictionary) reads every file, but marks the files read.
            skipping = not self.force and not self.changed_words
            self.files = FileMarks.load(self.marks_at if skipping else None, self.existing, self.salt, self._claim)

    def _claim(self, ids: list[str]) -> bool:
        """Take the ids of a JSONL file that is not read as read and unchanged (see filemarks.py); False
        when one of them was read before in this run (the file is then read and the duplicate reported)."""
        if not self.seen.claim(ids):
            return False
        self.read_known += len(ids)  # the store's ids of a file of a named source
        self.stats.unchanged += len(ids)
        self.stats.scanned += len(ids)
        return True

    def keep_marks(self) -> None:
        """After the run's commit: keep what this run knows of the JSONL files it read (or did not need to)."""
        if self.files is not None and self.marks_at is not None:
            self.files.save(self.marks_at)

    def changed_docs(self, sources: list[Path]) -> Iterator[SourceDoc]:
        """New and changed documents of `sources`, in order; counts the unchanged ones."""
        problems: list[Problem] = []
        known = None if self.force else self._known
        for src in sources:
            for doc in iter_source(Path(src), problems, self.salt, self.follow_links, known, self.files):
                self._drain(src, problems)
                self.stats.scanned += 1
                if not is_unicode(doc.id):  # undecodable file name or "\ud800" in a JSON id
                    self.report(Problem(doc.where, "id is not valid Unicode (undecodable bytes or a lone surrogate)"))
                    continue
                if self.owns is not None and not self.owns(doc.id):
                    continue  # another worker's document
                if not self.seen.add_new(doc.id):
                    self.report(Problem(doc.where, f"duplicate id {doc.id!r} (read before from another file), skipped"))
                    continue
                old = self.existing.get(doc.id)
                if old is not None and old[0] in self.keys:
                    self.read_known += 1
                if not doc.digest:  # unreadable now (already reported): keep what we had
                    continue
                if old and old[1] == doc.digest and not self.force and not _mentions(doc, self.changed_words):
                    self.stats.unchanged += 1
                else:
                    yield doc
            self._drain(src, problems)

    def _known(self, doc_id: str, digest: str) -> bool:
        old = self.existing.get(doc_id)
        return old is not None and old[1] == digest

    def recheck_docs(self) -> Iterator[SourceDoc]:
        """Unchanged documents of the index's other sources that mention a changed word (see the class)."""
        for key in self.others:
            problems: list[Problem] = []
            for doc in iter_source(Path(key), problems, self.salt, self.follow_links):
                old = self.existing.get(doc.id)
                if (old is None or old[0] != key or old[1] != doc.digest or doc.id in self.seen
                        or (self.owns is not None and not self.owns(doc.id))):
                    continue  # new, changed or gone: for the next run that names this source
                if _mentions(doc, self.changed_words):
                    self.seen.add_new(doc.id)
                    self.stats.scanned += 1
                    yield doc
            # Its problems are the business of a run that names it; a source that could not be read
            # (gone, or cut short) keeps documents analysed with the old dictionary.
            if any(p.source_failed for p in problems):
                self.unreadable.append(key)

    def _drain(self, src, problems: list[Problem]) -> None:
        while problems:
            p = problems.pop(0)
            if p.source_failed:  # do not take unread documents for deleted ones
                self.keys.discard(source_key(Path(src)))
            self.report(p)

    def articles(self, sources: list[Path]) -> Iterator[tuple[SourceDoc, Article]]:
        """Changed documents with their extracted articles (the named sources', then those of other
        sources to re-analyse); extraction failures and texts too long for Kiwi are reported."""
        for doc in chain(self.changed_docs(sources), self.recheck_docs()):
            try:
                art = doc.load()
            except ExtractError as e:
                self.report(Problem(doc.where, str(e)))
                continue
            except Exception as e:  # a bug in extraction must not stop the run
                log.exception("extracting %s", printable(doc.where))
                self.report(Problem(doc.where, f"cannot extract: {type(e).__name__}: {e}"))
                continue
            length = length_over_limit(art)
            if length:  # its indexed version, if any, is kept
                self.report(Problem(doc.where, f"text too long ({length:,} characters; limit {MAX_TEXT_CHARS:,})"))
                continue
            yield doc, art

    def vanished(self) -> list[str]:
        """Ids gone from a source named in this pass (call after the pass)."""
        keys = self.keys
        if self.owns is None and sum(src_key in keys for src_key, _digest in self.existing.values()) == self.read_known:
            return []  # every indexed id of the named sources was read (no-op runs: no hashing of a million ids)
        named = [doc_id for doc_id, (src_key, _digest) in self.existing.items()
                 if src_key in keys and (self.owns is None or self.owns(doc_id))]
        return [doc_id for doc_id, read in zip(named, self.seen.held(named).tolist()) if not read]


def length_over_limit(art: Article) -> int:
    """The characters of an article that Kiwi would read (the body, and the title unless it is taken from
    the body) when they are more than MAX_TEXT_CHARS, else 0."""
    title, body = art.title or "", art.body or ""
    if len(body) + len(title) <= MAX_TEXT_CHARS:
        return 0  # within the limit either way: no title-in-body test per indexed document
    length = len(body) + (len(title) if title_in_body(title, body) is None else 0)
    return length if length > MAX_TEXT_CHARS else 0


def _mentions(doc: SourceDoc, words: list[str]) -> bool:
    """Whether the document's raw text contains any of `words` (only asked when the dictionary changed)."""
    if not words or doc.text is None:
        return False
    try:
        text = doc.text()
    except Exception:
        return True  # cannot tell: re-analyse
    return any(w in text for w in words)
