"""Groups of copies as the Sphinx store keeps them: the `grp` attribute of every document holds the doc
key of its group's lead (its own key when it has no copies), `gsize` the group's size (1: no copies).

The writer groups every signature of the namespace again after a change (copies.find_groups, so an
incremental update ends where a rebuild does) and rewrites only the `grp`s and `gsize`s that differ; the
store collapses results with `GROUP BY grp`, counts the groups of the documents with copies only
(`gsize>1`; every other match is a group of its own), and reads back by `grp` the members of those groups.
"""

from __future__ import annotations

from collections import defaultdict

from ...copies import Member, find_groups, group_id
from ...search.contract import Match
from ...search.model import Copy, CopyGroup
from .documents import decode_signature, doc_key

# What the writer reads of a document to group it: (shard, doc key, id, s_sig, s_date, grp, gsize).
GroupingRow = tuple[int, int, str, str, str, int, int]
# What the store reads of a group's member: (doc key, grp, id, publisher, date, title).
MemberRow = tuple[int, int, str, str, str, str]


def plan(docs: list[GroupingRow], ns: int) -> dict[int, dict[tuple[int, int], list[int]]]:
    """shard -> new (grp, gsize) -> doc keys: the documents whose `grp` or `gsize` must change for `docs`
    to form copies.find_groups' groups."""
    groups = find_groups([Member(sid, decode_signature(sig), date or "") for _, _, sid, sig, date, _, _ in docs])
    out: dict[int, dict[tuple[int, int], list[int]]] = {}
    for shard, key, sid, _sig, _date, grp, gsize in docs:
        lead = groups.lead_of(sid)
        want = (doc_key(ns, lead), len(groups.members(lead)))
        if want != (grp, gsize):
            out.setdefault(shard, {}).setdefault(want, []).append(key)
    return out


def _date_id(row: MemberRow) -> tuple[str, str]:
    """copies.Groups' order of the members after the lead: date (undated last), then id."""
    return (row[4] or "\uffff", row[2])


def ordered(rows: list[MemberRow]) -> dict[int, list[MemberRow]]:
    """grp -> its members, lead (the member whose key is the grp) first, then by date and id."""
    by_grp: dict[int, list[MemberRow]] = defaultdict(list)
    for r in rows:
        by_grp[r[1]].append(r)
    out = {}
    for grp, members in by_grp.items():
        members.sort(key=lambda r: (r[0] != grp, _date_id(r)))  # a lead deleted but not yet regrouped: by date
        out[grp] = members
    return out


def attach(match: Match, key: int, grp: int, members: dict[int, list[MemberRow]]) -> None:
    """Fill `match.group` and `match.copies` from its group's members (a document alone when it has none)."""
    group = members.get(grp) or []
    if not any(r[0] == key for r in group):
        group = [(key, grp, match.fields["id"], "", "", "")]  # grouped again since the page was read: alone
    lead = group[0][2]
    match.group = CopyGroup(group_id(lead), len(group), lead)
    match.copies = [Copy(r[2], r[3] or None, r[4] or None, r[5] or "") for r in group if r[0] != key]


def duplicates(copies: list[MemberRow], leads: list[MemberRow]) -> list[tuple[str, ...]]:
    """Groups of two or more from the members that are not leads and the leads they point to, sorted by lead."""
    lead_of = {r[0]: r for r in leads}
    by_grp: dict[int, list[MemberRow]] = defaultdict(list)
    for r in copies:
        if r[1] in lead_of:
            by_grp[r[1]].append(r)
    out = [(lead_of[grp][2],) + tuple(r[2] for r in sorted(rest, key=_date_id)) for grp, rest in by_grp.items()]
    return sorted(out)
