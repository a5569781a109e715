"""`WhooshWriter`: the ingest pipeline's `StoreWriter` for an index folder (in place, or rebuilt aside)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ...analysis import UserWord, vocabulary
from ...errors import StoreError
from ...ingest import IndexedDoc, Shard
from . import store
from .schema import AnalyzedText


class WhooshWriter:
    """Writes one index folder; with `rebuild`, a fresh index beside it that is swapped in on commit.

    A rebuild holds the live index's write lock until the swap: an update committed meanwhile would
    be lost with the old folder, and two rebuilds would race on the renames.
    """

    def __init__(self, index_dir: str | Path, *, rebuild: bool = False,
                 lock_timeout: float = store.WRITE_LOCK_TIMEOUT):
        self.index_dir = Path(index_dir)
        self.rebuild = rebuild
        self._live_lock = None
        if rebuild:
            self._live_lock = store.live_lock(self.index_dir, lock_timeout)
            store.remove_dead_rebuilds(self.index_dir)
            self.target = self.index_dir.with_name(self.index_dir.name + f".rebuild-{os.getpid()}")
            shutil.rmtree(self.target, ignore_errors=True)
            # Readers notice a new index by its generation: the swapped-in one must not repeat the old one's.
            self._ix = store.create_index(self.target, generation=store.latest_generation(self.index_dir) + 1)
        else:
            self.target = self.index_dir
            d = self.index_dir
            self._ix = store.open_index(d) if store.index_exists(d) else store.create_index(d)
        try:
            self._writer = store.segment_writer(self._ix, lock_timeout)
        except StoreError:
            self._abandon()
            raise

    def existing(self, shard: Shard | None = None) -> dict[str, tuple[str, str]]:
        if shard is not None:
            raise StoreError("--shard needs a shared index: set NEWSEARCH_BACKEND=sphinx")
        return {} if self.rebuild else store.existing(self._ix)

    def dictionary(self) -> tuple[UserWord, ...]:
        return () if self.rebuild else vocabulary.kept_user_dict(self.target)

    def add(self, item: IndexedDoc, replace: bool) -> None:
        (self._writer.update_document if replace else self._writer.add_document)(**document_fields(item))

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)

    def commit(self, words: tuple[UserWord, ...], changed: bool) -> None:
        if changed or self.rebuild:
            self._writer.commit()
        else:
            self._writer.cancel()
        self._writer = None
        vocabulary.keep_user_dict(self.target, words)
        self._ix.close()
        if self.rebuild:
            try:
                store.swap(self.target, self.index_dir)
            finally:
                self._release()

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None
            self._abandon()

    def _abandon(self) -> None:
        """Close the index; a rebuild's folder is removed and the live index unlocked."""
        self._ix.close()
        if self.rebuild:
            shutil.rmtree(self.target, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._live_lock is not None:
            self._live_lock.release()
            self._live_lock = None


def document_fields(item: IndexedDoc) -> dict:
    """The Whoosh fields of one analysed document (terms travel with their text: no second analysis)."""
    doc, art = item.doc, item.article
    title = art.title or ""
    title_field, body_field = item.fields()
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
