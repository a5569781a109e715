"""Matches counted per day over the distributed index, exactly (the store's `timeline`).

searchd 2.2 merges the agents' GROUP BY results on the master, and a node's groups are exact only while
they all fit in `max_matches` (beyond, a node drops groups and the merged counts are short). So every
GROUP BY here asks for room for all its groups: the days of the matches (fewer than the rows returned
when the room was enough, else asked again with more), and the groups of copies (no more than the
matching articles with copies, counted first).

Articles and stories per day come in two statements: one groups the matches by day and by whether they
are alone in their group of copies (`gsize=1`: each is a story on its own day); the other, only when
some matches have copies, gives each such story its earliest matching day (`MIN` over the agents).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

from ...search.contract import DayCount

# Room for the distinct days of the first statement: enough for 50 years; asked again, 8 times as much.
DAYS_ROOM = 20_000
# An undated member sorts after every date when the earliest day of its story is taken.
UNDATED = 99_999_999_999_999

Select = Callable[..., tuple]


def timeline(select: Select, dist: str, cond: str, args: list) -> list[DayCount]:
    """Articles and stories per day (the undated last) of the matches of `cond` in distributed index `dist`;
    `select(sql, args, meta=True)` runs a statement on any node."""
    per_day = _per_day(select, dist, cond, args)
    articles: Counter = Counter()
    stories: Counter = Counter()
    with_copies = 0
    for key, count in per_day:
        day, alone = divmod(int(key), 2)
        articles[day] += int(count)
        if alone:
            stories[day] += int(count)
        else:
            with_copies += int(count)
    if with_copies:
        rows, _meta = select(f"SELECT grp, MIN(IF(dateint=0, {UNDATED}, dateint)) AS first FROM {dist} "
                             f"WHERE {cond} AND gsize!=1 GROUP BY grp LIMIT {with_copies} "
                             f"OPTION ranker=none, max_matches={with_copies}", args, meta=True)
        for _grp, first in rows:
            stories[0 if int(first) == UNDATED else int(first) // 1_000_000] += 1
    return [DayCount(_day(d), articles[d], stories[d]) for d in sorted(articles, key=lambda d: (d == 0, d))]


def _per_day(select: Select, dist: str, cond: str, args: list) -> list[tuple[int, int]]:
    """(day * 2 + 1 if alone in its group else day * 2, matches) for every day of the matches (day 0: undated)."""
    room = DAYS_ROOM
    while True:
        rows, _meta = select(f"SELECT IDIV(dateint, 1000000) * 2 + IF(gsize=1, 1, 0) AS k, COUNT(*) AS c "
                             f"FROM {dist} WHERE {cond} GROUP BY k ORDER BY k ASC LIMIT {room} "
                             f"OPTION ranker=none, max_matches={room}", args, meta=True)
        if len(rows) < room:  # then no node had more groups than the room either: none was dropped
            return list(rows)
        room *= 8


def _day(yyyymmdd: int) -> str | None:
    """20210731 -> '2021-07-31'; 0 (no date) -> None."""
    if not yyyymmdd:
        return None
    s = f"{yyyymmdd:08d}"
    return f"{s[:4]}-{s[4:6]}-{s[6:]}"
