#!/usr/bin/env python3
"""Re-sharding writes a moved row's full-text fields again from its stored attributes (Sphinx 2.2 keeps no
field text): how many articles get exactly the fields indexing wrote.

    python bench/reshard_fields.py [FILE.jsonl ...]   (default: the JSONL files of ../shared/corpus)

Each article is analysed as `newsearch index` does, its Sphinx row built (`documents.row`), and the
fields rebuilt from that row's attributes (`reshard.fields_of`) compared with the row's own.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from newsearch.analysis import Analyzer
from newsearch.backends.sphinx.documents import COLUMNS, row
from newsearch.backends.sphinx.reshard import fields_of
from newsearch.extract import ExtractError
from newsearch.ingest import analysis_fingerprint
from newsearch.ingest.documents import analysed
from newsearch.ingest.sources import iter_source

FIELDS = ["title", "body", "people", "orgs", "places", "quote"]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def loaded(docs):
    """(doc, article) of the documents that have an article (`newsearch index` reports the others)."""
    for d in docs:
        try:
            yield d, d.load()
        except ExtractError:
            continue


def main(paths: list[Path]) -> None:
    total = differ = 0
    for path in paths:
        docs = loaded(iter_source(path, [], analysis_fingerprint()))
        n = bad = 0
        t0 = time.monotonic()
        for item in analysed(Analyzer.for_words(()), docs):
            stored = dict(zip(COLUMNS, row(1, item)))
            diff = [f for f, got in zip(FIELDS, fields_of(stored, FIELDS)) if got != stored[f]]
            n += 1
            if diff:
                bad += 1
                print(f"  {item.id}: {', '.join(diff)} written differently")
        print(f"{path.name}: {n - bad} of {n} articles with every field as indexed ({time.monotonic() - t0:.1f}s)")
        total, differ = total + n, differ + bad
    print(f"all: {total - differ} of {total}")


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or sorted(CORPUS.glob("*.jsonl")))
