"""Related words' counts on the cluster: the terms of a query's best stories from their stored spans.

Each document keeps the spans of its title and body terms (`s_tspans`, `s_bspans`; documents.py):
a forward index already, so the foreground costs one ranked `GROUP BY grp` query. The background
comes from `CALL KEYWORDS` on each shard, which counts the shard's every document, of every namespace
(logical index) sharing the cluster: the background is the cluster's whole archive, and its size is
counted the same way (`Store.term_counts`' `total`). One archive a cluster, as in production, makes the
two the same.
"""

from __future__ import annotations

from collections import Counter

from ...search.contract import TermCounts
from ...search.significant import EXAMPLES, countable


def span_terms(data: str | None) -> set[str]:
    """The distinct terms of encoded spans (documents.encode_spans) that can be related words."""
    return {t for t in (line.partition("\t")[0] for line in (data or "").split("\n") if "\t" in line) if countable(t)}


def foreground_counts(rows, matches: int, total: int) -> TermCounts:
    """TermCounts of the foreground `rows`: (string id, title spans, body spans) of one document per story,
    best-ranked first."""
    counts: Counter = Counter()
    first: dict[str, list[str]] = {}
    for doc_id, title_spans, body_spans in rows:
        terms = span_terms(title_spans) | span_terms(body_spans)
        counts.update(terms)
        for t in terms:
            got = first.setdefault(t, [])
            if len(got) < EXAMPLES:
                got.append(doc_id)
    return TermCounts(matches=matches, sample=len(rows), docs=dict(counts), total=total,
                      examples={t: tuple(ids) for t, ids in first.items()})
