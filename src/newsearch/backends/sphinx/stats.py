"""The DFS step: collection statistics of a namespace over every shard, as one index would have them.

searchd ranks with each shard's own document frequencies, so a document's weight depends on the node that
holds it. The re-scoring (rescore.py) uses these instead, as Elasticsearch's `dfs_query_then_fetch` does: the
namespace's document count and total title and body lengths (searchd's `title_len`/`body_len` attributes,
`index_field_lengths = 1`: one token per index term, as Whoosh counts a field's length), and each term's
document frequency in the title and in the body field, counted over the whole distributed index.

A term's frequencies cost one grouped query (the expression ranker's weight says which fields hold it);
they are kept for the store's lifetime, at most `MAX_TERMS`, and forgotten when the namespace's
size or lengths change (a write).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from .documents import token
from .queries import escape

MAX_TERMS = 50_000
# One bit per field in the ranker's weight: sum(user_weight) over the fields holding the term.
_BITS = {"title": 1, "body": 2}
_RANK_FIELDS = "OPTION ranker=expr('sum(user_weight)'), field_weights=(title=1, body=2)"


@dataclass
class Stats:
    """What BM25 needs of the whole collection: documents, total field lengths, and per-term frequencies."""

    docs: int
    lengths: dict[str, int]
    df: dict[tuple[str, str], int] = field(default_factory=dict)  # (field, term) -> documents

    def avg_length(self, fieldname: str) -> float:
        """The field's mean length over every document (Whoosh: total length / documents), 1 when empty."""
        return (self.lengths.get(fieldname, 0) / self.docs if self.docs else 0) or 1

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self.df.get((fieldname, term), 0)


class GlobalStats:
    """Statistics of one namespace over the cluster, through `select(sql, args)` on the distributed index."""

    def __init__(self, select: Callable, dist: str, ns: int):
        self._select, self.dist, self.ns = select, dist, ns
        self._stamp: tuple | None = None
        self._df: OrderedDict = OrderedDict()  # term -> {field: documents}
        self._lock = threading.Lock()  # the cache is shared by the store's threads

    def collect(self, terms) -> Stats:
        """The namespace's size and lengths now, and the frequencies of `terms` in the title and body."""
        terms = list(dict.fromkeys(terms))
        rows = self._select(f"SELECT COUNT(*), SUM(title_len), SUM(body_len) FROM {self.dist} WHERE ns=%s",
                            (self.ns,))
        docs, tlen, blen = (int(v or 0) for v in rows[0]) if rows else (0, 0, 0)
        stamp = (docs, tlen, blen)
        stats = Stats(docs, {"title": tlen, "body": blen})
        with self._lock:
            if stamp != self._stamp:  # a write changed the namespace: what was counted before is stale
                self._df.clear()
                self._stamp = stamp
            known = {t: self._df[t] for t in terms if t in self._df}
        for term in terms:
            got = known.get(term)
            if got is None:
                got = known[term] = self._count(term)
            for fieldname, n in got.items():
                stats.df[(fieldname, term)] = n
        with self._lock:
            for term, got in known.items():
                self._df[term] = got
                self._df.move_to_end(term)
            while len(self._df) > MAX_TERMS:
                self._df.popitem(last=False)
        return stats

    def _count(self, term: str) -> dict[str, int]:
        """Documents of the namespace holding `term` in the title and in the body, over every shard."""
        rows = self._select(f"SELECT WEIGHT() AS w, COUNT(*) AS c FROM {self.dist} WHERE MATCH(%s) AND ns=%s "
                            f"GROUP BY w LIMIT 10 {_RANK_FIELDS}", (f"@(title,body) {escape(token(term))}", self.ns))
        out = {f: 0 for f in _BITS}
        for w, c in rows:
            for fieldname, bit in _BITS.items():
                if int(w) & bit:
                    out[fieldname] += int(c)
        return out
