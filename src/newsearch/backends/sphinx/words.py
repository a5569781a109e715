"""Did-you-mean's vocabulary of a Sphinx namespace: its words and their document frequencies, kept in a
file beside the namespace's marker (`sphinx_words.json` in the index folder).

SphinxQL 2.2 cannot list an index's dictionary, so the writers keep the counts themselves: every
`SphinxWriter` adds the correctable words (search/spelling.py) of the body field of each document it
writes and takes away those of the row it replaces or deletes (read from the row's stored spans,
`s_tspans` and `s_bspans`, just before), then adds its change to the file at commit under a file lock,
so several writers (`--shard`) each add their own change. A writer that dies between writing rows and
its commit leaves its mark in the file (`writers`); the next commit with no other writer running
counts every document of the namespace again, as it does for an index written before the file existed.

Why a file and not a table on the nodes: the index folder already holds what a namespace's queries
need besides the shards (the marker, the user dictionary), a node's config has no table for it, and a
file is read once per change (a stamp check per query) instead of queried per word.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import uuid
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from ...errors import StoreError
from ...ingest import IndexedDoc
from ...search import spelling
from .documents import term_counts

log = logging.getLogger(__name__)

WORDS = "sphinx_words.json"
LOCK = "sphinx_words.lock"
VERSION = 1


def item_words(item: IndexedDoc) -> set[str]:
    """The correctable words of a document's indexed body field (it holds the title's words too)."""
    return {t.text for t in item.fields()[1] if spelling.correctable(t.text)}


def stored_words(title_spans: str, body_spans: str) -> set[str]:
    """The same words of a stored row, from its title and body spans (documents.encode_spans)."""
    return {w for spans in (title_spans, body_spans) for w in term_counts(spans) if spelling.correctable(w)}


def _alive(writer: dict) -> bool:
    """Whether a writer named in the file may still be running (one of another machine is taken to be)."""
    if writer.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(writer.get("pid", 0)), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, OverflowError):
        return True
    return True


class Counts:
    """One writer's change to the namespace's word counts, and its entry in the shared file."""

    def __init__(self, index_dir: str | Path):
        self.dir = Path(index_dir)
        self.path = self.dir / WORDS
        self.delta: Counter = Counter()
        self.token: str | None = None

    def _locked(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        fh = open(self.dir / LOCK, "a+")
        fcntl.flock(fh, fcntl.LOCK_EX)
        return fh

    def _read(self) -> dict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        ok = isinstance(data, dict) and data.get("version") == VERSION and isinstance(data.get("df"), dict)
        return data if ok else None

    def _write(self, data: dict) -> None:
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.path)

    def begin(self, empty: Callable[[], bool]) -> None:
        """Before this writer's first write: name it in the file (a file made now starts with no words
        when the namespace is `empty`, else it is to be counted again)."""
        with self._locked():
            data = self._read()
            if data is None:
                data = {"version": VERSION, "df": {}, "writers": {}, "stale": not empty()}
            self.token = uuid.uuid4().hex
            data.setdefault("writers", {})[self.token] = {"host": socket.gethostname(), "pid": os.getpid()}
            self._write(data)

    def add(self, words: Iterable[str], sign: int) -> None:
        """Count a written (+1) or removed (-1) document's words."""
        for w in words:
            self.delta[w] += sign

    def finish(self, recount: Callable[[], Counter] | None) -> None:
        """Add this writer's change to the file and take its name out. The counts are made again with
        `recount` instead when they are not to be trusted (no file, a writer that died) and no other
        writer is running; without `recount` (a cancelled run) they stay marked for the next commit."""
        if self.token is None and recount is None:
            return
        with self._locked():
            data = self._read() or {"version": VERSION, "df": {}, "writers": {}, "stale": True}
            writers = data.setdefault("writers", {})
            dead = [t for t, w in writers.items() if t != self.token and not _alive(w)]
            if self.token is None and not dead and not data.get("stale"):
                return  # nothing written, nothing to mend: the file (and every reader's copy) stays
            writers.pop(self.token, None)
            for t in dead:
                del writers[t]
            df = data["df"]
            for w, n in self.delta.items():
                left = df.get(w, 0) + n
                if left > 0:
                    df[w] = left
                else:
                    df.pop(w, None)
            data["stale"] = bool(data.get("stale") or dead)
            if data["stale"] and recount is not None and not writers:
                data["df"], data["stale"] = self._recount(recount, df)
            self._write(data)
        self.token, self.delta = None, Counter()

    def _recount(self, recount: Callable[[], Counter], df: dict) -> tuple[dict, bool]:
        try:
            return dict(recount()), False
        except StoreError as e:
            log.warning("sphinx: counting the namespace's words again failed (%s); the next commit tries again", e)
            return df, True


def count_rows(rows: Iterable[tuple[str, str]]) -> Counter:
    """Document frequencies of the words of stored rows (title spans, body spans)."""
    df: Counter = Counter()
    for title_spans, body_spans in rows:
        df.update(stored_words(title_spans, body_spans))
    return df


# -- reading ------------------------------------------------------------------------------------------


class Words:
    """A namespace's words: every one the documents hold (`known`), and the vocabulary to correct from."""

    def __init__(self, df: dict[str, int]):
        self.all = frozenset(df)
        self.vocab = spelling.from_counts(df)

    def known(self, word: str) -> bool:
        return word in self.all


_KEPT = spelling.Kept()


def kept(index_dir: str | Path) -> Words | None:
    """The words the writers keep beside the index (read again when the file changes), or None when
    there is no file yet (an index written before it: its next `newsearch index` counts them)."""
    path = Path(index_dir) / WORDS
    try:
        st = path.stat()
    except OSError:
        return None
    return _KEPT.get((str(path), (st.st_ino, st.st_mtime_ns, st.st_size)), lambda: _load(path))


def _load(path: Path) -> Words | None:
    data = json.loads(path.read_text(encoding="utf-8"))
    df = data.get("df") if isinstance(data, dict) else None
    return Words(df) if isinstance(df, dict) else None
