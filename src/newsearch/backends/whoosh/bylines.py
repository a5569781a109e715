"""The byline filter (`기자:이름`, search/querylang.py `QueryTree.reporters`) over the reporter field's terms.

The reporter is indexed as one term per article (schema.py; an index made before the field was indexed,
SCHEMA_VERSION 7 or less, holds no such terms: `newsearch index` re-indexes it, and until then a byline matches
nothing).
"""

from __future__ import annotations

import numpy as np
from whoosh import query as Q

from ...search.querylang import QueryTree
from .collect import Collector


def mask(collector: Collector, tree: QueryTree) -> np.ndarray | None:
    """The documents `tree`'s byline filter keeps (by one of its reporters, by none of the excluded ones), or
    None when it has none."""
    if not tree.reporters and not tree.excluded_reporters:
        return None
    if tree.reporters:
        keep = collector.mask_of(Q.Or([Q.Term("reporter", name) for name in tree.reporters]))
    else:
        keep = np.ones(collector.postings.n, dtype=bool)
    if tree.excluded_reporters:
        keep &= ~collector.mask_of(Q.Or([Q.Term("reporter", name) for name in tree.excluded_reporters]))
    return keep
