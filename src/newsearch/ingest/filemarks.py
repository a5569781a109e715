"""What each JSONL file was when a run last read it whole, so that an unchanged file is not read row by row.

A no-op `newsearch index` over a million JSONL rows spent most of its time reading rows only to find them
unchanged (about 6 s of 10 at 1M: a digest, a dictionary lookup and a few objects per row). A file that has
not changed since a run read it, and whose rows the store still holds exactly as that run read them,
cannot hold anything new: its rows count as unchanged without being read.

A `Mark` is kept for a JSONL file (named on its own or found in a folder source) that a run read to its end:

* its `stat` (size, modification and change times, inode), the same before and after the read, and its
  last change at least `SETTLED_NS` before the read began (a write within the file system's clock tick
  would not show in the times; such a file is read again next time and marked then);
* the analysis fingerprint the run used (its `salt`);
* how many documents it gave and the sum of their digests (128-bit, modulo 2**128);
* the problems its read met (invalid rows, duplicate ids in it), reported again whenever it is not read.

A later run does not read the file when its stat and the salt are the same, nothing asks for
re-analysis (`--force`, a changed user dictionary, a sharded worker: then no marks are used), none of its
ids was read from another file earlier in the run, and the store's documents of that file (by source, and
by id prefix for a file inside a folder) are as many as the mark's with the same digest sum. The store
thereby shows it holds what the read gave: a row whose extraction failed, a node that lost documents, an
index restored or repaired since, each make the file read again. Marks are kept in `files.json` beside
the index after a run that committed (or found nothing to commit); a missing or damaged one means reading
every file, never a wrong answer.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .sources import JSONL_SUFFIXES, ROW_SEPARATOR, Problem, SourceDoc

log = logging.getLogger(__name__)

FILE_NAME = "files.json"
FILE_FORMAT = 1
# A file changed less than this before a run read it is not marked (see the module docstring).
SETTLED_NS = 2_000_000_000
_SUM_MOD = 1 << 128
# The prefix of a folder's JSONL row id: the file's relative path and the separator (`a/b.jsonl#row`).
_FOLDER_PREFIX = re.compile(
    "^(.*?(?:" + "|".join(re.escape(s) for s in JSONL_SUFFIXES) + ")" + re.escape(ROW_SEPARATOR) + ")",
    re.IGNORECASE | re.DOTALL)


@dataclass
class Mark:
    """One JSONL file as a run read it (see the module docstring)."""

    source: str  # the source key the file's documents carry (the file, or the folder holding it)
    prefix: str  # what its row ids begin with: "" for a file named on its own, `REL/PATH.jsonl#` in a folder
    stat: list[int]  # size, mtime_ns, ctime_ns, inode
    salt: str
    docs: int
    digest_sum: str  # hex
    problems: list[list] = field(default_factory=list)  # [where, reason, skipped, warning]


def file_stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


class FileMarks:
    """The marks of one run: those kept by earlier runs (`kept`) and those of the files this run read.

    `claim(ids)` is the scan's: it takes a file's ids as read and unchanged, or returns False when one of them
    was already read from another file in this run (the file is then read, and the duplicate reported).
    """

    def __init__(self, kept: dict[tuple[str, str], Mark], existing: dict[str, tuple[str, str]], salt: str,
                 claim: Callable[[list[str]], bool]):
        self.kept = kept
        self.existing = existing
        self.salt = salt
        self.claim = claim
        self.read_now: dict[tuple[str, str], Mark | None] = {}  # None: read, but not to be marked
        self._held: dict[str, dict[str, list[str]]] = {}  # source -> prefix -> ids the store holds

    @classmethod
    def load(cls, path: Path | None, existing: dict[str, tuple[str, str]], salt: str,
             claim: Callable[[list[str]], bool]) -> "FileMarks":
        """The marks kept at `path`; none when it is None, missing, damaged or of another format."""
        kept: dict[tuple[str, str], Mark] = {}
        if path is None:
            return cls(kept, existing, salt, claim)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == FILE_FORMAT:
                for entry in data["files"]:
                    mark = Mark(**entry)
                    kept[(mark.source, mark.prefix)] = mark
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as e:
            log.info("file marks at %s not used: %s", path, e)
            kept = {}
        return cls(kept, existing, salt, claim)

    # -- a file not read ----------------------------------------------------------------------------

    def skip(self, path: Path, source: str, prefix: str, problems: list[Problem]) -> bool:
        """Whether the file is unchanged and held by the store as its mark says: its ids are then claimed,
        its problems reported again, and it is not read."""
        mark = self.kept.get((source, prefix))
        if mark is None or mark.salt != self.salt or file_stat(path) != mark.stat:
            return False
        ids = self._held_ids(source, prefix)
        if len(ids) != mark.docs or self._digest_sum(ids) != mark.digest_sum or not self.claim(ids):
            return False
        problems.extend(Problem(where, reason, skipped=skipped, warning=warning)
                        for where, reason, skipped, warning in mark.problems)
        self.read_now[(source, prefix)] = mark
        return True

    def _held_ids(self, source: str, prefix: str) -> list[str]:
        """The ids of the store's documents from `source` that begin with `prefix` (grouped once per source)."""
        by_prefix = self._held.get(source)
        if by_prefix is None:
            by_prefix = self._held[source] = {}
            in_folder = not source.lower().endswith(JSONL_SUFFIXES)
            for doc_id, (src, _digest) in self.existing.items():
                if src == source:
                    m = _FOLDER_PREFIX.match(doc_id) if in_folder else None
                    by_prefix.setdefault(m.group(1) if m else "", []).append(doc_id)
        return by_prefix.get(prefix, [])

    def _digest_sum(self, ids: list[str]) -> str:
        existing = self.existing
        try:
            return format(sum(int(existing[i][1], 16) for i in ids) % _SUM_MOD, "x")
        except ValueError:  # a digest that is no number: cannot be compared
            return ""

    # -- a file read --------------------------------------------------------------------------------

    def read(self, path: Path, source: str, prefix: str, open_docs: Callable[[list[Problem]], Iterator[SourceDoc]],
             problems: list[Problem]) -> Iterator[SourceDoc]:
        """The documents of `open_docs(problems)`, passed on as they come; when the read reaches the file's
        end and the file stayed as it was, its new mark."""
        key = (source, prefix)
        self.read_now[key] = None
        started = time.time_ns()
        before = file_stat(path)
        mine: list[Problem] = []
        seen: list[list] = []
        docs, total, markable = 0, 0, before is not None and started - max(before[1], before[2]) >= SETTLED_NS
        for doc in open_docs(mine):
            markable = _pass_on(mine, problems, seen) and markable
            try:
                total += int(doc.digest, 16)
            except ValueError:  # a refused or unreadable row: reported on every run, so read on every run
                markable = False
            docs += 1
            yield doc
        markable = _pass_on(mine, problems, seen) and markable
        if markable and file_stat(path) == before:
            self.read_now[key] = Mark(source, prefix, before, self.salt, docs, format(total % _SUM_MOD, "x"), seen)

    # -- after the run ------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Keep the marks of the files read now, and the earlier ones of files not read in this run (each is
        checked against the store when used); written whole, then renamed into place."""
        marks = {k: m for k, m in self.kept.items() if k not in self.read_now}
        marks.update((k, m) for k, m in self.read_now.items() if m is not None)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"format": FILE_FORMAT, "files": [asdict(m) for m in marks.values()]},
                                      ensure_ascii=True) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as e:  # only a later run's speed depends on it
            log.info("file marks not kept at %s: %s", path, e)
            tmp.unlink(missing_ok=True)


def _pass_on(mine: list[Problem], problems: list[Problem], seen: list[list]) -> bool:
    """Move the problems a file's read met to the run's list, noting them for its mark; False when one of
    them means the file cannot be marked (it could not be read to its end)."""
    ok = True
    for p in mine:
        problems.append(p)
        if p.source_failed:
            ok = False
        seen.append([p.where, p.reason, p.skipped, p.warning])
    mine.clear()
    return ok
