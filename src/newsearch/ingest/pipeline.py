"""The one update pipeline: scan the sources, analyse what changed, write it to a store.

Every document remembers the source it came from (a folder, a file, or a JSONL file) and a digest
of its raw content plus the analysis fingerprint. An update scans the named sources, analyses new
and changed documents (Kiwi runs only on those, on its worker threads), deletes documents whose
file or row vanished from a source named in this run, and skips the rest. Each store implements
the small `StoreWriter` protocol; the Whoosh one and the Sphinx one run the same loop.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Protocol

from ..analysis import Analyzer, UserWord, fingerprint
from .documents import IndexedDoc, analysed
from .scan import Scan, UpdateStats
from .shards import Shard
from .sources import Problem, printable, source_key

# Bump when analysis or stored fields change meaning: every document then counts as changed.
SCHEMA_VERSION = "17"  # 17: entities of ent-rules-13 (titles and sites read as organisations dropped, foreign names after
# country and role, speakers of bracketed publications and of contacted bodies' officials)
# Documents between two collections of the young garbage generations during a bulk load.
GC_EVERY = 2000


class StoreWriter(Protocol):
    """What a store offers the pipeline: its documents' digests, and adds and deletes made durable at once."""

    def existing(self, shard: Shard | None) -> dict[str, tuple[str, str]]:
        """id -> (source, digest) of every indexed document (of the shard, when given)."""

    def dictionary(self) -> tuple[UserWord, ...]:
        """The user dictionary the store's documents were analysed with."""

    def add(self, item: IndexedDoc, replace: bool) -> None:
        """Add one analysed document, or replace the one with its id (visible after `commit`)."""

    def delete(self, doc_id: str) -> None:
        """Remove a document by id."""

    def commit(self, words: tuple[UserWord, ...], changed: bool) -> None:
        """Make the adds and deletes durable and searchable, and keep the dictionary they used."""

    def cancel(self) -> None:
        """Drop uncommitted changes."""

    def marks_path(self) -> Path | None:
        """Where the pipeline may keep what it knows of the JSONL files it read (`filemarks.py`), or None."""


def analysis_fingerprint() -> str:
    """Changes whenever indexed terms for the same text could change."""
    return f"{SCHEMA_VERSION}:{fingerprint()}"


def update(writer: StoreWriter, sources: Iterable[Path], *, words: tuple[UserWord, ...] = (),
           shard: Shard | None = None, force: bool = False, follow_links: bool = False,
           on_problem: Callable[[Problem], None] | None = None,
           on_progress: Callable[[int, int], None] | None = None) -> UpdateStats:
    """Bring the store behind `writer` up to date with `sources` (see the module docstring).

    `words` is the user dictionary to analyse with: documents containing a word added to or
    removed from it since the last run are re-analysed even when their content did not change,
    in the index's other sources too (see `Scan`). With `shard`, only ids that hash to it are
    read, analysed, written or deleted. `force` re-analyses unchanged documents too.
    `follow_links` follows symbolic links that lead out of a folder source (by default they are
    reported as skipped).
    """
    t0 = time.monotonic()
    stats = UpdateStats()
    changed_words = sorted({w.word for w in set(words) ^ set(writer.dictionary())})
    committed = False
    try:
        existing = writer.existing(shard)
        sources = [Path(s) for s in sources]
        report = stats.reporter(on_problem)
        scan = Scan(existing, analysis_fingerprint(), report, stats,
                    {source_key(s) for s in sources}, changed_words,
                    owns=shard.owns if shard is not None else None, force=force, follow_links=follow_links,
                    marks_at=writer.marks_path())
        if changed_words and not force:
            stats.notes.append(_dictionary_note(len(changed_words), len(scan.others)))
        with _bulk_load():
            _write(writer, analysed(Analyzer.for_words(words), scan.articles(sources), report), existing, stats,
                   on_progress)
            for doc_id in scan.vanished():
                writer.delete(doc_id)
                stats.deleted += 1
            writer.commit(tuple(words), bool(stats.added or stats.updated or stats.deleted))
        committed = True
        scan.keep_marks()
    finally:
        if not committed:
            writer.cancel()
    if scan.unreadable:
        stats.notes.append(_unreadable_note(scan.unreadable))
    # Every problem stands for one file, row or document that is not (re)indexed, or a skipped file.
    stats.count_problems()
    stats.seconds = time.monotonic() - t0
    return stats


def _dictionary_note(n_words: int, n_others: int) -> str:
    also = f", also in {n_others} source{'s' if n_others > 1 else ''} not named in this run" if n_others else ""
    return f"user dictionary changed ({n_words} words): re-analysing the documents that contain them{also}"


def _unreadable_note(keys: list[str]) -> str:
    shown = ", ".join(printable(k) for k in keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
    return (f"user dictionary changed, but {len(keys)} source{'s' if len(keys) > 1 else ''} of the index cannot be "
            f"read now ({shown}): {'their' if len(keys) > 1 else 'its'} documents were not re-analysed and keep "
            "the old dictionary's terms until a --rebuild over every source")


def _write(writer: StoreWriter, items: Iterable[IndexedDoc], existing: dict, stats: UpdateStats,
           on_progress: Callable[[int, int], None] | None) -> None:
    """Add or replace each analysed document in `writer`."""
    done = 0
    for item in items:
        replace = item.id in existing
        writer.add(item, replace)
        if replace:
            stats.updated += 1
        else:
            stats.added += 1
        done += 1
        if done % GC_EVERY == 0 and not gc.isenabled():
            gc.collect(1)  # only what was allocated since the last one: cheap
        if on_progress:
            on_progress(done, stats.scanned)  # documents analysed, documents scanned


@contextmanager
def _bulk_load():
    """No cyclic garbage collection while a bulk load runs.

    A load allocates millions of small objects that live until the commit; the cyclic collector
    would scan them again and again (about a tenth of this thread's time) and find next to
    nothing (a caught exception's traceback, freed once it is back on).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
