"""The byline filter (`기자:이름`, search/querylang.py `QueryTree.reporters`) as a WHERE condition on the stored
`s_reporter` string attribute (searchd 2.2 compares strings with `=`, `!=` and `IN`)."""

from __future__ import annotations

from ...search.querylang import QueryTree


def where(tree: QueryTree) -> tuple[str, list]:
    """The condition (" AND ...", "" for none) and its arguments."""
    cond, args = "", []
    if tree.reporters:
        cond += " AND s_reporter IN (" + ", ".join(["%s"] * len(tree.reporters)) + ")"
        args += tree.reporters
    for name in tree.excluded_reporters:
        cond += " AND s_reporter!=%s"
        args.append(name)
    return cond, args
