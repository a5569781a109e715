"""Every match of a query, streamed (`Store.scan`): the whole ranking as arrays, stored fields read in batches.

The order is the one `WhooshStore.search` pages through without grouping: by relevance, the re-ranked head
(`ranking.rerank_depth` candidates) and then the first pass's order; newest or oldest first, the date column
(undated last). Only the
ranking is held for the whole scan (a score and a document number per match, 16 bytes); the articles are
read `BATCH` at a time, in document order within a batch (the stored-fields file is read forwards), and
handed out in rank order.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ...copies import group_id
from ...search.contract import Match
from ...search.model import CopyGroup
from .groups import GroupView

# Articles read per step: enough to read the stored fields in document order, few enough that a
# batch of long articles stays a few megabytes.
BATCH = 500


def order(head: list[tuple[float, int]], scores: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The full ranking: the re-ranked `head` in place of the first `len(head)` of the first pass's order
    (`head` is a re-ordering of exactly those: see `WhooshStore._ranked`)."""
    if not head:
        return scores, docs
    n = len(head)
    head_scores = np.array([sc for sc, _ in head], dtype=np.float64)
    head_docs = np.array([d for _, d in head], dtype=np.int64)
    return np.concatenate([head_scores, scores[n:]]), np.concatenate([head_docs, docs[n:]])


def matches(searcher, view: GroupView, scores: np.ndarray, docs: np.ndarray) -> Iterator[Match]:
    """The stored fields of `docs`, in the order given, each with its group of copies (no spans, no copies)."""
    for start in range(0, len(docs), BATCH):
        batch = docs[start:start + BATCH].tolist()
        stored = {d: dict(searcher.stored_fields(d)) for d in sorted(batch)}
        for score, docnum in zip(scores[start:start + BATCH].tolist(), batch):
            yield Match(stored.pop(docnum), score, group=group(view, docnum))


def group(view: GroupView, docnum: int) -> CopyGroup:
    """The group of copies of one document (its own group of one when it has no copies)."""
    lead = view.lead_id(docnum)
    return CopyGroup(group_id(lead), len(view.group_docnums(docnum)), lead)
