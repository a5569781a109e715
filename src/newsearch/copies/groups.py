"""Groups of copies: candidate pairs from LSH bands, verified pairs, connected components, leads.

Every update that changed the store groups all signatures again, vectorised: for each of BANDS bands
of ROWS MinHash values, documents with equal values are candidates (a pair with Jaccard 0.3 is a
candidate with probability 0.96); each candidate pair is verified by its estimated overlap; the
groups are the connected components of verified pairs. Grouping everything at once makes the
groups a function of the documents alone, so an incremental update gives exactly what a rebuild gives.

A pair is a copy when its bodies are largely the same text: estimated Jaccard similarity of the
shingle sets at least COPY_JACCARD, or one body at least COPY_CONTAINMENT contained in the other
(a trimmed copy) while sharing at least CONTAINED_JACCARD. Independent reports of one event share
few three-term shingles; a next-day follow-up repeats a background paragraph, not the story.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np

from .signature import NUM_PERM, Signature

COPY_JACCARD = 0.5
COPY_CONTAINMENT = 0.8
CONTAINED_JACCARD = 0.2
ROWS = 2
BANDS = NUM_PERM // ROWS
# Documents sharing one band value beyond this many are compared with this many of them, not all
# (a run of identical texts: each links to the first ones, which are linked to each other).
MAX_RUN = 64
_PAIR_CHUNK = 200_000


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
    values = np.stack([m.signature.values for m in have])
    sizes = np.array([m.signature.size for m in have], dtype=np.float64)
    left, right = _candidates(values)
    keep = _verified(values, sizes, left, right)
    components = _components(len(have), left[keep], right[keep])
    groups = [_ordered([have[i] for i in comp]) for comp in components]
    groups.sort(key=lambda g: g[0])
    return Groups(groups)


def _candidates(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs (i < j) of documents equal in at least one band."""
    n = len(values)
    pairs = []
    for b in range(BANDS):
        key = (values[:, b * ROWS].astype(np.uint64) << np.uint64(32)) | values[:, b * ROWS + 1].astype(np.uint64)
        order = np.argsort(key, kind="stable")
        sk = key[order]
        starts = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1]])
        lengths = np.diff(np.r_[starts, n])
        for s, ln in zip(starts[lengths > 1].tolist(), lengths[lengths > 1].tolist()):
            run = order[s:s + ln]
            anchors = run[:MAX_RUN]
            a, c = np.meshgrid(anchors, run, indexing="ij")
            pairs.append(np.stack([a.ravel(), c.ravel()], axis=1))
    if not pairs:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    p = np.concatenate(pairs).astype(np.int64)
    p = p[p[:, 0] != p[:, 1]]
    p.sort(axis=1)
    codes = np.unique(p[:, 0] * n + p[:, 1])
    return codes // n, codes % n


def _verified(values: np.ndarray, sizes: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Which candidate pairs are copies (COPY_JACCARD, or COPY_CONTAINMENT with CONTAINED_JACCARD)."""
    keep = np.zeros(len(left), dtype=bool)
    for s in range(0, len(left), _PAIR_CHUNK):
        i, j = left[s:s + _PAIR_CHUNK], right[s:s + _PAIR_CHUNK]
        jac = (values[i] == values[j]).mean(axis=1)
        shared = jac * (sizes[i] + sizes[j]) / (1 + jac)
        contained = shared / np.minimum(sizes[i], sizes[j])
        keep[s:s + _PAIR_CHUNK] = (jac >= COPY_JACCARD) | ((contained >= COPY_CONTAINMENT) & (jac >= CONTAINED_JACCARD))
    return keep


def _components(n: int, left: np.ndarray, right: np.ndarray) -> list[list[int]]:
    """Connected components of two or more nodes (union-find with path halving)."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(left.tolist(), right.tolist()):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    comps: dict[int, list[int]] = {}
    for x in set(left.tolist()) | set(right.tolist()):
        comps.setdefault(root(x), []).append(x)
    return [c for c in comps.values() if len(c) > 1]


def _ordered(members: list[Member]) -> tuple[str, ...]:
    """Lead first (the earliest dated report, then the most complete, then the smallest id), then the rest
    by date and id."""
    def key(m: Member):
        return (m.date or "\uffff", -m.signature.length, m.id)
    lead = min(members, key=key)
    rest = sorted((m for m in members if m is not lead), key=lambda m: (m.date or "\uffff", m.id))
    return (lead.id,) + tuple(m.id for m in rest)
