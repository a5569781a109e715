"""One streaming pass over the sources: what needs (re)indexing, what is unchanged, what vanished."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..extract import Article, ExtractError
from .sources import Problem, SourceDoc, is_unicode, iter_source, source_key

log = logging.getLogger(__name__)


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
                if not is_unicode(doc.id):  # undecodable file name or "\ud800" in a JSON id
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
