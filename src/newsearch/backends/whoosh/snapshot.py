"""`Snapshot`: the term-at-a-time machinery over one Whoosh searcher, built together.

- `postings.py`: posting lists, positions and per-index arrays (segment data cached per process);
- `scorer.py`: `Scored` and `Scorer`, query trees scored with BM25 over whole posting lists;
- `proximity.py`: exact phrases, proximity pairs and best passages from positions;
- `collect.py`: top-k by score or column, facet counts, filter masks.
"""

from __future__ import annotations

from .collect import Collector
from .postings import Postings
from .proximity import Phrases, Proximity
from .scorer import Scorer


class Snapshot:
    """Postings, scorer, proximity and collector of one searcher (build a new one after a refresh:
    each caches data of the index state the searcher sees)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.postings = Postings(searcher)
        self.scorer = Scorer(self.postings, Phrases(self.postings))
        self.proximity = Proximity(self.postings, self.scorer.span_score)
        self.collector = Collector(self.postings)
        self._columns: dict[str, object] = {}

    def column(self, name: str):
        """A column reader of the searcher's documents, made once: making one reads every document's offset
        (O(documents)), so a reader per hit would make every query as slow as the index is large."""
        col = self._columns.get(name)
        if col is None:
            col = self._columns[name] = self.searcher.reader().column_reader(name)
        return col
