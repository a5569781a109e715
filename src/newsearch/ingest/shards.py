"""Shards: which of N parallel indexing workers (or Sphinx nodes) a document id belongs to."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Shard:
    """`--shard I/N`: this worker handles the ids whose stable hash is I modulo N."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """Read `I/N` (0 <= I < N), or raise ValueError with a reason."""
        try:
            i, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise ValueError(f"--shard wants I/N, e.g. 0/2 (got {text!r})") from None
        if n < 1 or not 0 <= i < n:
            raise ValueError(f"--shard I/N needs 0 <= I < N (got {text!r})")
        return cls(i, n)

    def owns(self, doc_id: str) -> bool:
        return shard_of(doc_id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def id_hash(doc_id: str) -> int:
    """A stable 64-bit hash of a document id (the same in every process and on every machine)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def shard_of(doc_id: str, count: int) -> int:
    """Which of `count` shards holds `doc_id`."""
    return id_hash(doc_id) % count
