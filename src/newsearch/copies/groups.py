"""Groups of copies: candidate pairs from LSH bands, verified pairs, connected components, leads.

Every update that changed the store groups all signatures again, vectorised: for each of BANDS bands
of ROWS MinHash values, documents with equal values are candidates (a pair with Jaccard 0.3 is a
candidate with probability 0.96); each candidate pair is verified by its estimated overlap; the
groups are the connected components of verified pairs. Grouping everything at once makes the
groups a function of the documents alone, so an incremental update gives exactly what a rebuild gives.

A pair is a copy when its bodies are largely the same text: estimated Jaccard similarity of the
shingle sets at least COPY_JACCARD, or one body at least COPY_CONTAINMENT contained in the other
(a trimmed copy) while sharing at least CONTAINED_JACCARD and holding at least CONTAINED_SHARE of the
longer one's shingles; and, when both are dated, no more than WINDOW_DAYS apart. Independent reports
of one event share few three-term shingles; a next-day follow-up repeats a background paragraph, not
the story (bench/copies_eval.py measures these thresholds).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .signature import NUM_PERM, Signature

COPY_JACCARD = 0.5
COPY_CONTAINMENT = 0.8
CONTAINED_JACCARD = 0.2
# A trimmed copy keeps at least this share of the longer text's shingles: a short text found inside
# several longer ones (a news digest, a one-line brief) must not link different stories.
CONTAINED_SHARE = 0.3
# A trimmed copy has at least this many distinct shingles: the overlap of a shorter text is estimated from
# 64 MinHash values, and for a two-sentence brief the estimate's noise alone crosses COPY_CONTAINMENT.
MIN_CONTAINED_SHINGLES = 16
# Copies of a story run within days; two dated texts further apart are a column's recurring intro or a
# later story reusing a lead, not copies (an undated text is compared on its text alone).
WINDOW_DAYS = 3
ROWS = 2
BANDS = NUM_PERM // ROWS
# Documents sharing one band value pair with this many - 1 next ones in the band's order, not all
# (a run of many identical texts is linked through overlapping windows).
MAX_RUN = 64
_PAIR_CHUNK = 50_000


@dataclass(frozen=True)
class Member:
    """What grouping needs of one document: its id, signature (or None), and date for choosing the lead."""

    id: str
    signature: Signature | None
    date: str = ""


def group_id(lead: str) -> str:
    """The id of the group whose lead is `lead` (stable while the lead stays the lead)."""
    return "g" + hashlib.blake2b(lead.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


@dataclass
class Groups:
    """Every group of two or more documents: lead first, then the other members by date and id."""

    groups: list[tuple[str, ...]] = field(default_factory=list)
    _lead: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._lead = {m: g[0] for g in self.groups for m in g}

    def lead_of(self, doc_id: str) -> str:
        """The lead of the document's group (itself when it has no copies)."""
        return self._lead.get(doc_id, doc_id)

    def members(self, lead: str) -> tuple[str, ...]:
        """The members of the group led by `lead`, lead first."""
        return self._by_lead().get(lead, (lead,))

    def _by_lead(self) -> dict[str, tuple[str, ...]]:
        got = getattr(self, "_members", None)
        if got is None:
            got = self._members = {g[0]: g for g in self.groups}
        return got

    def __len__(self) -> int:
        return len(self.groups)

    @property
    def grouped(self) -> int:
        """Documents in groups of two or more."""
        return sum(len(g) for g in self.groups)

    def dumps(self) -> bytes:
        return json.dumps({"groups": self.groups}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def loads(cls, data: bytes) -> "Groups":
        raw = json.loads(data.decode("utf-8"))
        return cls([tuple(g) for g in raw["groups"]])


def find_groups(members: list[Member]) -> Groups:
    """The groups of copies among `members` (see the module docstring)."""
    have = [m for m in members if m.signature is not None]
    if len(have) < 2:
        return Groups()
    return find_groups_table(SignatureTable(
        np.stack([m.signature.values for m in have]), np.array([m.signature.size for m in have], dtype=np.float64),
        np.array([m.signature.length for m in have], dtype=np.int64), days_of([m.date for m in have]),
        lambda rows: [(have[i].id, have[i].date) for i in rows.tolist()]))


@dataclass
class SignatureTable:
    """The documents with a signature as arrays (a million `Member`s would take a gigabyte): MinHash values
    (documents x NUM_PERM), distinct shingles, body lengths, days (NaT: undated), and `describe(rows)`, the
    (id, date) of the given rows, asked only for the members of groups (a million ids held as strings while
    grouping took a tenth of a gigabyte)."""

    values: np.ndarray
    sizes: np.ndarray
    lengths: np.ndarray
    days: np.ndarray
    describe: Callable[[np.ndarray], list[tuple[str, str]]]


def find_groups_table(t: SignatureTable) -> Groups:
    """`find_groups` over a table of signatures."""
    if len(t.values) < 2:
        return Groups()
    left, right = _candidates(t.values)
    keep = _verified(t.values, t.sizes.astype(np.float64), left, right) & _near_in_time(t.days, left, right)
    components = _components(len(t.values), left[keep], right[keep])
    if not components:
        return Groups()
    rows = np.concatenate(components)
    described = dict(zip(rows.tolist(), t.describe(rows)))
    groups = [_ordered([(*_dated(described[i]), int(t.lengths[i])) for i in comp.tolist()]) for comp in components]
    groups.sort(key=lambda g: g[0])
    return Groups(groups)


def _dated(row: tuple[str, str]) -> tuple[str, str]:
    doc_id, date = row
    return doc_id, date or "\uffff"


def _candidates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs (i < j) of documents equal in at least one band.

    Within a band the documents are sorted by value; every document pairs with the next ones of the
    same value, up to MAX_RUN - 1 of them (all pairs of a run of up to MAX_RUN; a longer run is linked
    through overlapping windows). One vector operation per distance, not one per run. The pairs are
    made unique as they come (identical texts pair again in every band: 1.8M pairs, 167k distinct, at a
    million documents), so memory follows the distinct pairs.
    """
    n = len(values)
    codes, pending, waiting = np.zeros(0, dtype=np.int64), [], 0
    for b in range(BANDS):
        key = (values[:, b * ROWS].astype(np.uint64) << np.uint64(32)) | values[:, b * ROWS + 1].astype(np.uint64)
        order = np.argsort(key, kind="stable")
        sk = key[order]
        del key
        same = sk[1:] == sk[:-1]
        if not same.any():
            continue
        run = np.cumsum(np.r_[True, ~same])  # run number of each sorted position
        for k in range(1, MAX_RUN):
            hit = np.flatnonzero(run[k:] == run[:-k])
            if not len(hit):
                break
            left, right = order[hit], order[hit + k]
            pending.append(np.minimum(left, right) * n + np.maximum(left, right))
            waiting += len(hit)
        if waiting > len(codes) + _PAIR_CHUNK:
            codes, pending, waiting = np.unique(np.concatenate([codes, *pending])), [], 0
    if pending:
        codes = np.unique(np.concatenate([codes, *pending]))
    return codes // n, codes % n


def _verified(values: np.ndarray, sizes: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Which candidate pairs are copies (COPY_JACCARD, or COPY_CONTAINMENT with CONTAINED_JACCARD)."""
    keep = np.zeros(len(left), dtype=bool)
    for s in range(0, len(left), _PAIR_CHUNK):
        i, j = left[s:s + _PAIR_CHUNK], right[s:s + _PAIR_CHUNK]
        jac = (values[i] == values[j]).mean(axis=1)
        shared = jac * (sizes[i] + sizes[j]) / (1 + jac)
        small, large = np.minimum(sizes[i], sizes[j]), np.maximum(sizes[i], sizes[j])
        trimmed = ((shared / small >= COPY_CONTAINMENT) & (jac >= CONTAINED_JACCARD) & (small >= CONTAINED_SHARE * large)
                   & (small >= MIN_CONTAINED_SHINGLES))
        keep[s:s + _PAIR_CHUNK] = (jac >= COPY_JACCARD) | trimmed
    return keep


def _near_in_time(days: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs within WINDOW_DAYS of each other, or with a date unknown."""
    a, b = days[left], days[right]
    known = ~(np.isnat(a) | np.isnat(b))
    near = np.ones(len(left), dtype=bool)
    near[known] = np.abs((a[known] - b[known]).astype(np.int64)) <= WINDOW_DAYS
    return near


def days_of(dates: list[str]) -> np.ndarray:
    """The day of each ISO date (`2021-07-31T...`), NaT where there is none (one conversion for all,
    one at a time only when some date is not a real day)."""
    heads = np.array([(d or "")[:10] for d in dates], dtype="U10")
    try:
        return heads.astype("datetime64[D]")
    except ValueError:
        return np.array([_day(h) for h in heads.tolist()], dtype="datetime64[D]")


def _day(head: str) -> np.datetime64:
    try:
        return np.datetime64(head, "D") if len(head) == 10 else np.datetime64("NaT")
    except ValueError:
        return np.datetime64("NaT")


def _components(n: int, left: np.ndarray, right: np.ndarray) -> list[np.ndarray]:
    """Connected components of two or more nodes of the graph of verified pairs."""
    if not len(left):
        return []
    from scipy.sparse import coo_matrix  # on use: scipy takes a quarter of a second to import
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _count, label = connected_components(graph, directed=False)
    linked = np.unique(np.concatenate([left, right]))
    order = linked[np.argsort(label[linked], kind="stable")]
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    return [c for c in np.split(order, cuts) if len(c) > 1]


def _ordered(rows: list[tuple[str, str, int]]) -> tuple[str, ...]:
    """A group's (id, date or "\uffff", body length) rows as its ids: lead first (the earliest dated report,
    then the most complete, then the smallest id), then the rest by date and id."""
    lead = min(rows, key=lambda r: (r[1], -r[2], r[0]))
    rest = sorted((r for r in rows if r is not lead), key=lambda r: (r[1], r[0]))
    return (lead[0],) + tuple(r[0] for r in rest)
