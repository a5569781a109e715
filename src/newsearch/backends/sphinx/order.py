"""The orders of the Sphinx store's results, and keyset paging over them (`SphinxStore.scan`).

Every order is total: relevance is `WEIGHT() DESC, id ASC`, newest first `dateint DESC, WEIGHT() DESC, id ASC`,
oldest first the same ascending by `odate`, a select-list column (`columns`) that is the date with undated
articles (dateint 0) after every date, as newest first has them last
(a document's weight depends only on the query and its own shard, so it is the same in every query).
A scan asks for `PAGE` rows at a time *after* the last row's sort key, with `max_matches=PAGE`: no query
holds more than a page, whatever the number of matches. Paging by offset would make searchd, and every
agent of the distributed index, rank and send offset + page rows (with their stored bodies) for each page,
and would need `max_matches` as large as the whole result.

searchd 2.2 filters only on attributes and on expressions of the select list, so the key is an `IF(...)`
column of that list (`AFTER`), filtered on as `AFTER=1`; it may use `WEIGHT()` (measured on 2.2.11).
"""

from __future__ import annotations

from typing import Callable, Iterator

# Rows per scan query: a few megabytes of articles.
PAGE = 1000
AFTER = "nxt"  # the select list's keyset column

# Oldest first: the date, undated articles (dateint 0) after the last possible date.
UNDATED = 99991231235959
_ODATE = f"IF(dateint=0, {UNDATED}, dateint)"
_ORDERS = {"relevance": "WEIGHT() DESC, id ASC", "newest": "dateint DESC, WEIGHT() DESC, id ASC",
           "oldest": "odate ASC, WEIGHT() DESC, id ASC"}


def clause(sort: str) -> str:
    """The ORDER BY of a sort (`SearchRequest.sort`; anything else ranks by relevance)."""
    return _ORDERS.get(sort, _ORDERS["relevance"])


def columns(sort: str) -> str:
    """What the select list needs for `clause(sort)`, after a comma ("" when nothing)."""
    return f", {_ODATE} AS odate" if sort == "oldest" else ""


def after(sort: str, weight: int, key: int, dateint: int) -> str:
    """A select-list expression that is 1 for the rows after (weight, doc key, dateint) in `sort`'s order."""
    weight, key, dateint = int(weight), int(key), int(dateint)  # numbers only ever enter the SQL as such
    later = f"WEIGHT()<{weight} OR (WEIGHT()={weight} AND id>{key})"
    if sort == "newest":
        later = f"dateint<{dateint} OR (dateint={dateint} AND ({later}))"
    elif sort == "oldest":
        odate = dateint or UNDATED
        later = f"{_ODATE}>{odate} OR ({_ODATE}={odate} AND ({later}))"
    return f"IF({later}, 1, 0) AS {AFTER}"


def pages(fetch: Callable[[tuple | None], list], key: Callable[[tuple], tuple]) -> Iterator[list]:
    """Pages of rows from `fetch(last)`, where `last` is `key` (weight, doc key, dateint) of the previous page's
    last row, None for the first page; ends after a page shorter than `PAGE`."""
    last = None
    while True:
        rows = fetch(last)
        if rows:
            yield rows
        if len(rows) < PAGE:
            return
        last = key(rows[-1])
