"""`WhooshWriter`: the ingest pipeline's `StoreWriter` for an index folder (in place, or rebuilt aside)."""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from ...analysis import UserWord, vocabulary
from ...errors import StoreError
from ...ingest import IndexedDoc, Shard, filemarks
from . import forward, groups, spelling, status, store
from .schema import AnalyzedText


@contextmanager
def disk_errors(index_dir: Path):
    """A full disk (or a read-only or failing one) as a one-line StoreError naming the index."""
    try:
        yield
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreError(f"no space left on device while writing {index_dir}") from e
        if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO):
            raise StoreError(f"cannot write {index_dir}: {e.strerror}") from e
        raise


class WhooshWriter:
    """Writes one index folder; with `rebuild`, a fresh index beside it that is swapped in on commit.

    Every writer holds the live index's write lock (a new index's folder is made to hold it): a rebuild
    until the swap (an update committed meanwhile would be lost with the old folder, and two rebuilds
    would race on the renames), an update until its commit. A rebuild never reads the live index, so it
    recovers a damaged one. Whatever fails, nothing is left behind: `cancel()` deletes the files of an
    unfinished commit, a rebuild's folder and a new index's folder, and never raises itself.
    """

    def __init__(self, index_dir: str | Path, *, rebuild: bool = False,
                 lock_timeout: float = store.WRITE_LOCK_TIMEOUT):
        self.index_dir = Path(index_dir)
        self.rebuild = rebuild
        self.target = self.index_dir
        self._ix = self._writer = self._live_lock = None
        self._new = False  # the live folder held no index when this writer started
        self._made_dir = not self.index_dir.exists()
        with disk_errors(self.index_dir):
            store.recover_swap(self.index_dir)
            store.remove_dead_rebuilds(self.index_dir)
            self._live_lock = store.live_lock(self.index_dir, lock_timeout)
            try:
                self._open(lock_timeout)
            except BaseException:
                self._abandon()
                raise

    def _open(self, lock_timeout: float) -> None:
        d = self.index_dir
        self._new = store.latest_generation(d) < 0
        if self.rebuild:
            self.target = d.with_name(d.name + f".rebuild-{os.getpid()}")
            shutil.rmtree(self.target, ignore_errors=True)
            # Readers notice a new index by its generation: the swapped-in one must not repeat the old one's.
            self._ix = store.create_index(self.target, generation=store.latest_generation(d) + 1)
            self._writer = store.segment_writer(self._ix, lock_timeout)
        else:
            self._ix = store.create_index(d) if self._new else store.open_index(d)
            self._writer = store.segment_writer(self._ix, lock_timeout, lock=self._live_lock)
            self._live_lock = None  # the segment writer releases it when it finishes

    def existing(self, shard: Shard | None = None) -> dict[str, tuple[str, str]]:
        if shard is not None:
            raise StoreError("--shard needs a shared index: set NEWSEARCH_BACKEND=sphinx")
        return {} if self.rebuild else store.existing(self._ix)

    def dictionary(self) -> tuple[UserWord, ...]:
        return () if self.rebuild else vocabulary.kept_user_dict(self.target)

    def marks_path(self) -> Path:
        """Beside the live index (a rebuild's folder is swapped in by the time the marks are kept)."""
        return self.index_dir / filemarks.FILE_NAME

    def add(self, item: IndexedDoc, replace: bool) -> None:
        with disk_errors(self.index_dir):
            (self._writer.update_document if replace else self._writer.add_document)(**document_fields(item))

    def delete(self, doc_id: str) -> None:
        with disk_errors(self.index_dir):
            self._writer.delete_by_term("id", doc_id)

    def commit(self, words: tuple[UserWord, ...], changed: bool) -> None:
        with disk_errors(self.index_dir):
            if changed or self.rebuild:
                self._writer.commit()
                self._writer = None
                vocabulary.keep_user_dict(self.target, words)
                status.record(self.target)
            else:  # nothing to write: the files the writer opened go, and no generation is added
                vocabulary.keep_user_dict(self.target, words)
                store.discard(self._writer)
                self._writer = None
            self._ix.close()
            self._regroup(changed)
            if self.rebuild:
                store.swap(self.target, self.index_dir)
                self._release()

    def _regroup(self, changed: bool) -> None:
        """Group copies again after a commit that changed documents (or when the kept groups are stale), and
        keep did-you-mean's vocabulary of the new state beside it, so that no query pays for building it (3 s
        at a million documents); a no-op update does neither."""
        ix = store.open_index(self.target)
        try:
            if changed or self.rebuild or groups.stale(self.target, ix.latest_generation()):
                groups.regroup(ix, self.target)
                with ix.searcher() as searcher:
                    spelling.keep(searcher, self.target)
        finally:
            ix.close()

    def cancel(self) -> None:
        """Drop uncommitted changes and every file written for them; never raises."""
        if self._writer is not None:
            if self._live_lock is None:  # in place: keep the lock until the cleanup below is done
                self._live_lock, self._writer.writelock = self._writer.writelock, None
            store.discard(self._writer)
            self._writer = None
        self._abandon()

    def _abandon(self) -> None:
        """Close the index; remove a rebuild's folder, or a folder this writer made for a new index that
        got no commit; unlock the live index."""
        try:
            if self._ix is not None:
                self._ix.close()
        except Exception:
            pass
        if self.rebuild:
            shutil.rmtree(self.target, ignore_errors=True)
        if self._new and store.latest_generation(self.index_dir) <= 0 and self._empty(self.index_dir):
            self._remove_new_index()
        self._release()

    def _remove_new_index(self) -> None:
        """Delete the index files this writer made in a folder that held no index (only those: the folder
        may hold other things), and the folder if this writer made it."""
        for p in self.index_dir.iterdir():
            if p.name.startswith((f"{store.INDEX_NAME}_", f"_{store.INDEX_NAME}_", f"{store.INDEX_NAME}.tmp")):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        if self._made_dir:
            try:
                self.index_dir.rmdir()
            except OSError:
                pass

    @staticmethod
    def _empty(index_dir: Path) -> bool:
        """True when the folder holds no documents (no index, or the empty one this writer created)."""
        try:
            return not store.read_toc(index_dir, budget=0).segments
        except StoreError:
            return store.latest_generation(index_dir) < 0
        except Exception:
            return False

    def _release(self) -> None:
        store.release(self._live_lock)
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
        "sig": item.signature.to_bytes() if item.signature is not None else b"",
        "headline": title,
        "terms": forward.column_value(body_field),
        "title": AnalyzedText(title, title_field),
        "_stored_title": title,
        "body": AnalyzedText(art.body, body_field),
        "_stored_body": art.body,
        "date": art.date or "",
        "publisher": art.publisher or "",
        "reporter": art.reporter or "",
        "url": art.url or "",
        **{kind: AnalyzedText(text, terms) for kind, (text, terms) in item.entity_fields().items()},
        "quote": AnalyzedText(art.body, item.quote_terms()),
        "ents": item.entities.to_json(),
    }
