"""Groups of copies in an index folder: kept in `copies.json` beside the segments, read per searcher.

A document's signature lives in its `sig` column (written with the document). After each commit
that changed documents the writer groups every signature again (copies.find_groups: vectorised,
so the groups are what a rebuild would give) and replaces `copies.json` atomically, stamped with
the index generation it was made from; a file of another generation (a crash between the two
writes, a salvage) is stale and the next update groups again even when no document changed.
Searchers map the groups onto document numbers once per index state and file (`GroupView`): the file gives
each member's segment and document number as regrouping found it (`places`), so a searcher of the same
segments looks for none of them; a member whose segment is gone or whose document was deleted since is
looked for in the `id` column.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ...copies import NUM_PERM, SIGNATURE_BYTES, Groups, SignatureTable, days_of, decode_rows, find_groups_table
from ...search.model import Copy
from . import sortable
from .postings import segment_live, segment_name
from .proximity import within

FILE_NAME = "copies.json"


def read_groups(folder: Path) -> tuple[int, Groups]:
    """(generation, groups) of the folder's file; (-1, no groups) when it is missing or unreadable."""
    generation, got, _places = read_file(folder)
    return generation, got


def read_file(folder: Path) -> tuple[int, Groups, dict[str, tuple[str, int]]]:
    """(generation, groups, places) of the folder's file: `places` maps a member's id to the segment id and
    document number it had when grouped (empty in a file written before they were kept)."""
    try:
        raw = json.loads((Path(folder) / FILE_NAME).read_text(encoding="utf-8"))
        got = Groups([tuple(g) for g in raw["groups"]])
        places = {m: (str(seg), int(doc)) for m, (seg, doc) in (raw.get("places") or {}).items()}
        return int(raw["generation"]), got, places
    except (OSError, ValueError, KeyError, TypeError):
        return -1, Groups(), {}


def stale(folder: Path, generation: int) -> bool:
    """True when the folder's groups were not made from index generation `generation`."""
    return read_groups(folder)[0] != generation


def regroup(ix, folder: Path) -> Groups:
    """Group every live document of index `ix` by its signature and keep the groups in `folder`."""
    with ix.reader() as reader:
        gen = ix.latest_generation()
        leaves = [sub for sub, _offset in reader.leaf_readers()]
        places: dict[str, tuple[str, int]] = {}
        groups = find_groups_table(_signature_table(leaves, places))
    members = {m for g in groups.groups for m in g}
    _write(Path(folder), gen, groups, {m: p for m, p in places.items() if m in members})
    return groups


def _signature_table(leaves: list, places: dict[str, tuple[str, int]]) -> SignatureTable:
    """The live documents with a signature, segment by segment: values, sizes, lengths and days in arrays made
    once for the whole index (rows never filled are pages never touched), each row's segment and document
    number instead of its id and date (read for the members of groups only, and their places noted in `places`)."""
    total = sum(sub.doc_count_all() for sub in leaves)
    values = np.empty((total, NUM_PERM), dtype=np.uint32)
    sizes, lengths = np.empty(total, dtype=np.float64), np.empty(total, dtype=np.int64)
    days = np.empty(total, dtype="datetime64[D]")
    where = np.empty((total, 2), dtype=np.int64)  # (segment, document number)
    k = 0
    for seg, sub in enumerate(leaves):  # each column read in one piece (sortable.py)
        docs, rows = sortable.fixed_rows(sub, "sig", SIGNATURE_BYTES)
        live = segment_live(sub)[docs]
        docs, rows = docs[live], rows[live]
        m = len(docs)
        sizes[k:k + m], lengths[k:k + m], values[k:k + m] = decode_rows(rows)
        del rows
        codes, names = sortable.segment_codes(None, sub, "date")
        days[k:k + m] = days_of(names)[codes[docs]] if m else []
        where[k:k + m, 0], where[k:k + m, 1] = seg, docs
        k += m
    return SignatureTable(values[:k], sizes[:k], lengths[:k], days[:k],
                          lambda picked: _described(leaves, where[picked], places))


def _described(leaves: list, where: np.ndarray, places: dict[str, tuple[str, int]]) -> list[tuple[str, str]]:
    """(id, date) of each (segment, document number) row of `where`, from the columns of the segments holding one;
    each id's segment id and document number noted in `places`."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    for seg in np.unique(where[:, 0]).tolist():
        docs = where[where[:, 0] == seg, 1].tolist()
        ids, dates = (sortable.column_values(leaves[seg], c) for c in ("id", "date"))
        out.update(((seg, d), (ids[d], dates[d])) for d in docs)
        name = segment_name(leaves[seg])
        if name is not None:
            places.update((ids[d], (name, d)) for d in docs)
    return [out[(seg, d)] for seg, d in where.tolist()]


def _write(folder: Path, generation: int, groups: Groups, places: dict[str, tuple[str, int]]) -> None:
    path = folder / FILE_NAME
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"generation": generation, "groups": groups.groups, "places": places}, f, ensure_ascii=False,
                  separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _live_docnums(leaves, live: np.ndarray, ids: set[str], places: dict[str, tuple[str, int]]) -> dict[str, int]:
    """The live document number of each of `ids` found in the segments `leaves` ((searcher, offset) pairs): at its
    place when its segment is here and the document there is live (segments never change once written, so it
    is the same document), else looked for in the `id` column."""
    out: dict[str, int] = {}
    spans = {segment_name(sub.reader()): (offset, sub.reader().doc_count_all()) for sub, offset in leaves}
    spans.pop(None, None)
    rest = set()
    for m in ids:
        seg, doc = places.get(m, (None, -1))
        offset, size = spans.get(seg, (0, 0))
        if 0 <= doc < size and live[offset + doc]:
            out[m] = offset + doc
        else:
            rest.add(m)
    if not rest:
        return out
    for sub, offset in leaves:
        for local, value in sortable.find_values(sub.reader(), "id", rest):
            if live[offset + local]:
                out[value] = offset + local
    return out


def file_stamp(folder: Path) -> tuple:
    """What changes when the groups file is replaced."""
    try:
        st = (Path(folder) / FILE_NAME).stat()
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return ()


class GroupView:
    """The groups of one searcher's documents by document number: collapse keys, members, leads.

    A document's key is its own number, or its group lead's when it has copies here. Only the members of
    groups are looked for in the `id` column (its bytes scanned segment by segment against the members'
    ids): coding every id of the index to find them took a second of each process's first query at a
    million documents."""

    def __init__(self, groups: Groups, leaves, live: np.ndarray, reader, stamp: tuple,
                 places: dict[str, tuple[str, int]] | None = None):
        self.stamp = stamp
        # Copies are listed from columns: reading stored fields would unpickle every copy's body.
        self._columns = {c: reader.column_reader(c) for c in ("id", "headline", "publisher", "date")}
        self.key = np.arange(len(live), dtype=np.int64)  # docnum -> its lead's docnum (its own without copies)
        self.members: dict[int, np.ndarray] = {}  # lead docnum -> live docnums, for groups of two or more here
        self.groups: list[tuple[str, ...]] = []  # those groups' ids, lead first
        live_docnum = _live_docnums(leaves, live, {m for group in groups.groups for m in group}, places or {})
        for group in groups.groups:
            here = [m for m in group if m in live_docnum]
            if len(here) < 2:
                continue
            docs = np.array([live_docnum[m] for m in here], dtype=np.int64)
            lead = docs[0]  # the lead, or the earliest member still here when the file is stale
            self.key[docs] = lead
            self.members[int(lead)] = docs
            self.groups.append(tuple(here))

    def id_of(self, docnum: int) -> str:
        return self._columns["id"][int(docnum)]

    def lead_id(self, docnum: int) -> str:
        return self.id_of(self.key[docnum])

    def group_docnums(self, docnum: int) -> np.ndarray:
        """Document numbers of the group of `docnum` (itself alone when it has no copies)."""
        got = self.members.get(int(self.key[docnum]))
        return got if got is not None else np.array([docnum], dtype=np.int64)

    def copy(self, docnum: int) -> Copy:
        """What a hit lists of another member of its group."""
        cols = self._columns
        return Copy(self.id_of(docnum), cols["publisher"][docnum] or None, cols["date"][docnum] or None,
                    cols["headline"][docnum])

    def count(self, docnums: np.ndarray) -> int:
        """How many groups the sorted documents `docnums` form: those that are their own key (no copies here, or
        a group's lead), and the leads of the others' groups that are not among them (work in proportion to
        the documents, not to the index: marking a million keys cost 0.4 ms a query)."""
        keys = self.key[docnums]
        own = keys == docnums
        leads = np.unique(keys[~own])  # the groups of members whose lead is elsewhere (or absent)
        return int(np.count_nonzero(own)) + len(leads) - len(within(leads, docnums))

    def collapse(self, ranked: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """The first of each group, in the order given."""
        seen, out = set(), []
        for score, docnum in ranked:
            k = int(self.key[docnum])
            if k not in seen:
                seen.add(k)
                out.append((score, docnum))
        return out

