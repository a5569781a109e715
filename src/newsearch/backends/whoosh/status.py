"""`newsearch status` for an index folder: documents, last update, size, and the schema and analysis
versions the documents were written with.

A commit that changed documents records the versions that wrote them (`analysis.json`, `record`);
an index whose record is older than this newsearch's versions gets its documents analysed again by
the next `newsearch index` of their sources (their digests carry the versions).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ...ingest import analysis_fingerprint
from . import store

RECORD = "analysis.json"


def record(index_dir: Path) -> None:
    """Note beside the index the versions that wrote its last changed documents."""
    path = Path(index_dir) / RECORD
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"analysis": analysis_fingerprint()}) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _recorded(index_dir: Path) -> str | None:
    try:
        return json.loads((index_dir / RECORD).read_text(encoding="utf-8"))["analysis"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass
class WhooshStatus:
    """What `newsearch status` reports for an index folder."""

    index: str
    documents: int
    updated: str  # the last commit (its table of contents), UTC
    bytes: int  # every file of the folder
    generation: int
    analysis: str | None  # `schema:analysis` versions of the last commit that changed documents (None: not recorded)
    current: str  # this newsearch's versions
    backend: str = "whoosh"

    @property
    def ok(self) -> bool:
        return True

    @property
    def up_to_date(self) -> bool:
        return self.analysis == self.current

    def as_dict(self) -> dict:
        return {**asdict(self), "up_to_date": self.up_to_date, "ok": self.ok}

    def lines(self) -> list[str]:
        if self.analysis is None:
            versions = f"not recorded (written by an older newsearch); this newsearch writes {self.current}"
        elif self.up_to_date:
            versions = f"{self.analysis} (this newsearch's)"
        else:
            versions = (f"{self.analysis}; this newsearch writes {self.current}: `newsearch index` analyses the "
                        "documents of the sources it is given again")
        return [f"whoosh index {self.index}",
                f"documents: {self.documents}",
                f"last update: {self.updated} (commit {self.generation})",
                f"size: {self.bytes / 2**20:.1f} MB",
                f"schema:analysis versions: {versions}"]


def status(index_dir: str | Path) -> WhooshStatus:
    """The status of the index in `index_dir` (a StoreError when there is none, or it is damaged)."""
    index_dir = Path(index_dir)
    ix = store.open_index(index_dir)
    try:
        documents, generation = ix.doc_count(), ix.latest_generation()
    finally:
        ix.close()
    toc = index_dir / store.toc_name(generation)
    updated = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(toc.stat().st_mtime))
    size = sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file())
    return WhooshStatus(str(index_dir), documents, updated, size, generation, _recorded(index_dir),
                        analysis_fingerprint())
