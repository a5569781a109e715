"""The ids a run has read, 24 bytes each instead of a string and a set slot.

A run remembers every id it reads: an id read twice (in one file, or from two files) is a duplicate, and an
indexed id of a named source that the run did not read has vanished. As id strings in a Python set, and again
in a dictionary of the line each id of a JSONL file was first read at, that took about 250 bytes a row (at a
million rows most of what `newsearch index` grew by between 300k and 1M documents), and the strings,
scattered among the writer's short-lived objects, kept heap pages from being handed back after each segment.

Here an id is two 64-bit hashes (Python's string hash, cached on the string, and the hash of the id with a NUL
appended: two independent SipHash values of one process): the latest ids in a small dictionary, the rest in two
sorted numpy arrays with a Bloom filter of BLOOM_BITS bits an id in front (two bits: a new id passes it
about once in 70 and only then costs a numpy lookup). Two different ids share both hashes with probability
2**-128 a pair (about 10**-24 for a billion rows), so a duplicate found here is a duplicate.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

_MASK = (1 << 64) - 1
# Ids kept in a Python dictionary (first hash -> second hash, number) before they are moved into the sorted arrays.
RECENT = 1 << 16
# Bits of the Bloom filter an id (it is made again, twice the size, when the ids outgrow it).
BLOOM_BITS = 16


def _key(doc_id: str) -> tuple[int, int]:
    return hash(doc_id) & _MASK, hash(doc_id + "\0") & _MASK


class IdSet:
    """A set of ids, each with a number (a JSONL file's: the line it was first read at): `add_new`, `in`,
    `first`, `update`, `len`, and `held(ids)`, `claim(ids)` for many at once."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._recent: dict[int, tuple[int, int]] = {}  # the latest ids: first hash -> (second hash, number)
        self._lo = np.zeros(0, dtype=np.uint64)  # sorted by lo
        self._hi = np.zeros(0, dtype=np.uint64)
        self._num = np.zeros(0, dtype=np.int64)
        self._bloom = bytearray(1)
        self._bits = 8  # the Bloom filter's size in bits (a power of two)
        self.update(ids)

    def __len__(self) -> int:
        return len(self._recent) + len(self._lo)

    def add_new(self, doc_id: str, number: int = 0) -> bool:
        """Add the id with its number; False (and nothing changes) when it was there."""
        lo, hi = _key(doc_id)
        if self._find(lo, hi) is not None:
            return False
        got = self._recent.get(lo)
        if got is not None and got[0] != hi:  # another id of the same first hash: keep both
            self._settle()
        self._recent[lo] = (hi, number)
        if len(self._recent) >= RECENT:
            self._settle()
        return True

    def __contains__(self, doc_id: str) -> bool:
        return self._find(*_key(doc_id)) is not None

    def first(self, doc_id: str) -> int | None:
        """The number the id was added with (None: not there)."""
        return self._find(*_key(doc_id))

    def _find(self, lo: int, hi: int) -> int | None:
        got = self._recent.get(lo)
        if got is not None and got[0] == hi:
            return got[1]
        bloom, mask = self._bloom, self._bits - 1
        a, b = lo & mask, hi & mask
        if not (bloom[a >> 3] >> (a & 7)) & 1 or not (bloom[b >> 3] >> (b & 7)) & 1:
            return None
        i = int(np.searchsorted(self._lo, np.uint64(lo)))
        j = int(np.searchsorted(self._lo, np.uint64(lo), side="right"))
        same = np.flatnonzero(self._hi[i:j] == np.uint64(hi))
        return int(self._num[i + same[0]]) if len(same) else None

    def update(self, ids: Iterable[str]) -> None:
        ids = ids if isinstance(ids, list) else list(ids)
        if len(ids) < RECENT:
            for doc_id in ids:
                self.add_new(doc_id)
            return
        self._settle()
        lo, hi = _keys(ids)
        new = np.unique(np.stack([lo, hi], axis=1)[~self._held(lo, hi)], axis=0)
        self._insert(new[:, 0], new[:, 1], np.zeros(len(new), dtype=np.int64))

    def claim(self, ids: list[str]) -> bool:
        """Add all of `ids` (distinct) unless one of them is there already (then False, and nothing changes)."""
        self._settle()
        lo, hi = _keys(ids)
        if self._held(lo, hi).any():
            return False
        self._insert(lo, hi, np.zeros(len(ids), dtype=np.int64))
        return True

    def held(self, ids: list[str]) -> np.ndarray:
        """Which of `ids` are in the set (one vector lookup for all of them)."""
        self._settle()
        return self._held(*_keys(ids))

    def _held(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        found = np.zeros(len(lo), dtype=bool)
        if not len(self._lo) or not len(lo):
            return found
        at = np.searchsorted(self._lo, lo)
        end = np.searchsorted(self._lo, lo, side="right")
        for step in range(int((end - at).max(initial=0))):  # equal first hashes: almost never more than one
            pos = np.minimum(at + step, len(self._lo) - 1)
            found |= (at + step < end) & (self._hi[pos] == hi)
        return found

    def _settle(self) -> None:
        """Move the recent ids into the sorted arrays."""
        if self._recent:
            recent, self._recent = self._recent, {}
            n = len(recent)
            self._insert(np.fromiter(recent.keys(), dtype=np.uint64, count=n),
                         np.fromiter((v[0] for v in recent.values()), dtype=np.uint64, count=n),
                         np.fromiter((v[1] for v in recent.values()), dtype=np.int64, count=n))

    def _insert(self, lo: np.ndarray, hi: np.ndarray, num: np.ndarray) -> None:
        order = np.argsort(lo, kind="stable")
        lo, hi = lo[order], hi[order]
        at = np.searchsorted(self._lo, lo)
        self._lo = np.insert(self._lo, at, lo)
        self._hi = np.insert(self._hi, at, hi)
        self._num = np.insert(self._num, at, num[order])
        self._filter(lo, hi)

    def _filter(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Add ids (`lo`, `hi`: just moved into the arrays) to the Bloom filter; made again, twice the size or
        more, from all the arrays when they outgrow it."""
        if self._bits < BLOOM_BITS * len(self._lo):
            while self._bits < BLOOM_BITS * len(self._lo):
                self._bits *= 2
            self._bloom = bytearray(self._bits // 8)
            lo, hi = self._lo, self._hi
        view = np.frombuffer(self._bloom, dtype=np.uint8)
        mask = np.uint64(self._bits - 1)
        for half in (lo, hi):
            pos = (half & mask).astype(np.int64)
            np.bitwise_or.at(view, pos >> 3, (1 << (pos & 7)).astype(np.uint8))


def _keys(ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The two hashes of every id, as arrays."""
    return (np.fromiter((hash(i) & _MASK for i in ids), dtype=np.uint64, count=len(ids)),
            np.fromiter((hash(i + "\0") & _MASK for i in ids), dtype=np.uint64, count=len(ids)))
