"""The small interface every index backend offers, the embedded Whoosh one, and the factory.

`NEWSEARCH_BACKEND` picks the backend: `whoosh` (the default: an embedded index in a folder) or
`sphinx` (a distributed index over `searchd` nodes, see `sphinx.py`). The analysis stays in
Python for every backend: a backend receives analysed documents (`IndexedDoc`) and returns plain
`Results`. `update()` runs the same incremental scan as `index.update_index` (digests, vanished
documents, problems) and can limit a worker to one shard of the ids (`--shard I/N`).
"""

from __future__ import annotations

import hashlib
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import index as _index
from .extract import Article
from .index import IndexError_, Problem, SourceDoc, UpdateStats

BACKENDS = ("whoosh", "sphinx")


@dataclass
class IndexedDoc:
    """One analysed document on its way into a backend."""

    doc: SourceDoc
    article: Article
    title_terms: list
    body_terms: list

    @property
    def id(self) -> str:
        return self.doc.id


@dataclass(frozen=True)
class Shard:
    """`--shard I/N`: this worker handles the ids whose stable hash is I modulo N."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """Read `I/N` (0 <= I < N), or raise ValueError with a reason."""
        try:
            i, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise ValueError(f"--shard wants I/N, e.g. 0/2 (got {text!r})") from None
        if n < 1 or not 0 <= i < n:
            raise ValueError(f"--shard I/N needs 0 <= I < N (got {text!r})")
        return cls(i, n)

    def owns(self, doc_id: str) -> bool:
        return shard_of(doc_id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def id_hash(doc_id: str) -> int:
    """A stable 64-bit hash of a document id (the same in every process and on every machine)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def shard_of(doc_id: str, count: int) -> int:
    """Which of `count` shards holds `doc_id`."""
    return id_hash(doc_id) % count


def backend_name(name: str | None = None, index_dir: str | Path | None = None) -> str:
    """The configured backend: `name`, else $NEWSEARCH_BACKEND, else the one `index_dir` was built with
    (a Sphinx index leaves a small `sphinx.json` marker in its folder), else whoosh."""
    if not name and not os.environ.get("NEWSEARCH_BACKEND") and index_dir is not None:
        if (Path(index_dir) / "sphinx.json").is_file():
            name = "sphinx"
    name = (name or os.environ.get("NEWSEARCH_BACKEND") or "whoosh").strip().lower()
    if name not in BACKENDS:
        raise IndexError_(f"unknown NEWSEARCH_BACKEND {name!r} (choose one of: {', '.join(BACKENDS)})")
    return name


class Backend(ABC):
    """What an index engine must do; the scan, digests and analysis are shared."""

    name = "?"

    @abstractmethod
    def existing(self, shard: Shard | None = None) -> dict[str, tuple[str, str]]:
        """id -> (source, digest) of every indexed document (of the shard, when given)."""

    @abstractmethod
    def add(self, item: IndexedDoc) -> None:
        """Add or replace one analysed document (visible after `commit`)."""

    @abstractmethod
    def delete(self, doc_id: str) -> None:
        """Remove a document by id."""

    @abstractmethod
    def commit(self) -> None:
        """Make the adds and deletes so far durable and searchable."""

    @abstractmethod
    def search(self, text: str, **opts):
        """Run a query; the same keywords and `Results` as `search.Searcher.search`."""

    @abstractmethod
    def stats(self) -> dict:
        """A few numbers about the index (backend, documents, ...)."""

    def cancel(self) -> None:
        """Drop uncommitted changes where the engine can."""

    def close(self) -> None:
        """Release connections and files."""


class WhooshBackend(Backend):
    """The embedded default: an index folder read by `search.Searcher`."""

    name = "whoosh"

    def __init__(self, index_dir: str | Path, lock_timeout: float = _index.WRITE_LOCK_TIMEOUT):
        self.index_dir = Path(index_dir)
        self.lock_timeout = lock_timeout
        self._writer = None
        self._searcher = None

    def _w(self):
        if self._writer is None:
            d = self.index_dir
            ix = _index.open_index(d) if _index.index_exists(d) else _index.create_index(d)
            self._writer = _index._writer(ix, self.lock_timeout)
        return self._writer

    def existing(self, shard: Shard | None = None) -> dict[str, tuple[str, str]]:
        if not _index.index_exists(self.index_dir):
            return {}
        ix = _index.open_index(self.index_dir)
        try:
            out = _index._existing(ix)
        finally:
            ix.close()
        return {k: v for k, v in out.items() if shard is None or shard.owns(k)}

    def add(self, item: IndexedDoc) -> None:
        self._w().update_document(**_index._doc_fields(item.doc, item.article, item.title_terms, item.body_terms))

    def delete(self, doc_id: str) -> None:
        self._w().delete_by_term("id", doc_id)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer = None

    def cancel(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def search(self, text: str, **opts):
        if self._searcher is None:
            from .search import Searcher

            self._searcher = Searcher(self.index_dir)
        return self._searcher.search(text, **opts)

    def stats(self) -> dict:
        from .search import Searcher

        with Searcher(self.index_dir) as s:
            return {"backend": self.name, "documents": s.doc_count}

    def close(self) -> None:
        self.cancel()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None


def get_backend(index_dir: str | Path, name: str | None = None) -> Backend:
    """The configured backend for `index_dir` (a folder for Whoosh, a namespace for Sphinx)."""
    if backend_name(name, index_dir) == "sphinx":
        from .sphinx import SphinxBackend

        return SphinxBackend(index_dir)
    return WhooshBackend(index_dir)


def open_searcher(index_dir: str | Path, name: str | None = None):
    """A long-lived searcher (`search`, `article`, `related`, `publishers`, `suggest`, `doc_count`)."""
    if backend_name(name, index_dir) == "sphinx":
        from .sphinx import SphinxSearcher

        return SphinxSearcher(index_dir)
    from .search import Searcher

    return Searcher(index_dir)


def update(index_dir: str | Path, sources: list, *, shard: Shard | None = None, name: str | None = None,
           rebuild: bool = False, on_problem: Callable[[Problem], None] | None = None,
           on_progress: Callable[[int, int], None] | None = None,
           lock_timeout: float = _index.WRITE_LOCK_TIMEOUT, **options) -> UpdateStats:
    """`newsearch index` for the configured backend; Whoosh without a shard is `index.update_index`.

    Other keyword `options` (such as `user_dict`) go to `index.update_index` unchanged.
    """
    which = backend_name(name, index_dir)
    if which == "whoosh":
        if shard is not None:
            raise IndexError_("--shard needs a shared index: set NEWSEARCH_BACKEND=sphinx")
        return _index.update_index(index_dir, sources, rebuild=rebuild, on_problem=on_problem,
                                   on_progress=on_progress, lock_timeout=lock_timeout, **options)
    _use_user_dict(options.get("user_dict", True))
    backend = get_backend(index_dir, which)
    try:
        return update_backend(backend, sources, shard=shard, rebuild=rebuild, on_problem=on_problem,
                              on_progress=on_progress)
    finally:
        backend.close()


def _use_user_dict(user_dict) -> None:
    """Analyse with the configured user dictionary, as `index.update_index` does (when there is one)."""
    try:
        from . import analysis, vocabulary
    except ImportError:
        return
    if hasattr(vocabulary, "load_user_dict") and hasattr(analysis, "use_dictionary"):
        path = vocabulary.user_dict_path() if user_dict is True else user_dict
        analysis.use_dictionary(vocabulary.load_user_dict(path))


def update_backend(backend: Backend, sources: list, *, shard: Shard | None = None, rebuild: bool = False,
                   on_problem: Callable[[Problem], None] | None = None,
                   on_progress: Callable[[int, int], None] | None = None) -> UpdateStats:
    """Bring `backend` up to date with `sources` (the scan of `index.update_index`, through the interface).

    With `shard`, only ids that hash to it are read, analysed, written or deleted, so N workers
    can each load their part in parallel. `rebuild` re-analyses every document in place.
    """
    t0 = time.monotonic()
    stats = UpdateStats()
    problems = stats.problems
    report = stats.reporter(on_problem)

    existing = backend.existing(shard)
    sources = [Path(s) for s in sources]
    keys = {_index.source_key(s) for s in sources}
    scan = _index.Scan(existing, _index.analysis_fingerprint(), report, stats, keys,
                       owns=shard.owns if shard is not None else None, force=rebuild)

    committed = False
    try:
        done = 0
        for doc, art, title_terms, body_terms in _index._analysed(scan.articles(sources)):
            backend.add(IndexedDoc(doc, art, title_terms, body_terms))
            if doc.id in existing:
                stats.updated += 1
            else:
                stats.added += 1
            done += 1
            if on_progress:
                on_progress(done, stats.scanned)  # documents analysed, documents scanned
        for doc_id in scan.vanished():
            backend.delete(doc_id)
            stats.deleted += 1
        backend.commit()
        committed = True
    finally:
        if not committed:
            backend.cancel()
    stats.failed = len(problems)
    stats.seconds = time.monotonic() - t0
    return stats
