"""A near-duplicate signature of an article body: MinHash over shingles of its index terms.

Shingles are three consecutive index terms (the first term at each character offset, so a
compound's parts do not count twice). Particles and endings are not index terms, so a changed ending
changes no shingle. Lines that say who sent the copy and not what it says are left out: the
dateline (`(서울=연합뉴스) 홍길동 기자 =`), bylines and e-mail addresses, copyright lines and promos
(`▶`, `☞`). The headline is not part of it: outlets rewrite headlines of the same copy.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NUM_PERM = 64
SHINGLE = 3
# Fewer distinct shingles than this: too little text to tell a copy from a coincidence (no signature).
MIN_SHINGLES = 8
_SEED = 1
_HEADER = struct.Struct("<II")  # distinct shingles, body length in characters
SIGNATURE_BYTES = _HEADER.size + 4 * NUM_PERM  # `Signature.to_bytes()`

# A dateline opening the body: "(서울=연합뉴스) 홍길동 기자 =", "[서울=뉴시스]홍길동 기자 =", "홍길동 기자 =".
_DATELINE = re.compile(
    r"^\s*(?:[\[(【<〈]\s*[^\[\]()【】<>〈〉\n]{1,30}?=\s*[^\[\]()【】<>〈〉\n]{1,20}?[\])】>〉]\s*)?"
    r"(?:(?:[가-힣]{2,4}\s*){1,3}(?:기자|특파원|통신원|객원기자|선임기자)\s*)?=\s*")
# "(서울=연합뉴스)", "[아이뉴스24 윤선훈 기자]", "(광주=뉴스1) 박영래 기자 ="
_DATELINE_BRACKET = re.compile(r"^\s*[\[(【<〈]\s*(?:[^\[\]()【】<>〈〉\n]{1,30}?=\s*[^\[\]()【】<>〈〉\n]{1,20}?|"
                               r"[^\[\]()【】<>〈〉\n]{0,30}?(?:기자|특파원|통신원))\s*[\])】>〉]\s*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BYLINE = re.compile(r"^[\s\[(]*(?:[가-힣]{2,4}\s*){1,3}(?:기자|특파원|통신원|객원기자|선임기자|논설위원)\b")
_CRUFT_LINE = re.compile(r"무단\s*전재|재배포\s*금지|저작권자|[ⓒ©]|copyright|^\s*[▶☞※■]|https?://|www\.", re.I)
_MAX_CRUFT_LINE = 120  # a longer line is prose even when it quotes an address or a byline


@dataclass(frozen=True)
class Signature:
    """MinHash values of a body's shingles, how many distinct shingles it has, and its length."""

    values: np.ndarray  # uint32, NUM_PERM
    size: int
    length: int

    def to_bytes(self) -> bytes:
        return _HEADER.pack(self.size, self.length) + self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Signature | None":
        """The signature of `to_bytes`; None for empty or malformed data (a document without one)."""
        if not data or len(data) != SIGNATURE_BYTES:
            return None
        size, length = _HEADER.unpack_from(data)
        return cls(np.frombuffer(data, dtype="<u4", offset=_HEADER.size).astype(np.uint32), size, length)

    def jaccard(self, other: "Signature") -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        return float(np.mean(self.values == other.values))


def decode_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Many `Signature.to_bytes()` as the rows of a (documents, SIGNATURE_BYTES) uint8 array, decoded at once:
    (distinct shingles, body lengths, MinHash values as documents x NUM_PERM uint32)."""
    header = np.ascontiguousarray(rows[:, :_HEADER.size]).view("<u4")
    values = np.ascontiguousarray(rows[:, _HEADER.size:]).view("<u4").astype(np.uint32, copy=False)
    return header[:, 0].astype(np.float64), header[:, 1].astype(np.int64), values


def ignored_spans(body: str) -> list[tuple[int, int]]:
    """Character ranges of `body` that say who sent it, not what it says (see the module docstring)."""
    spans = []
    m = _DATELINE.match(body) or _DATELINE_BRACKET.match(body)
    if m and m.end() > 0:
        spans.append((0, m.end()))
    start = 0
    for line in body.split("\n"):
        end = start + len(line)
        if len(line.strip()) <= _MAX_CRUFT_LINE and (_BYLINE.match(line) or _CRUFT_LINE.search(line)
                                                     or _EMAIL.search(line)):
            spans.append((start, end))
        else:
            spans.extend((start + e.start(), start + e.end()) for e in _EMAIL.finditer(line))
        start = end + 1
    return spans


def _shingles(body: str, terms) -> set[bytes]:
    """Distinct shingles of SHINGLE consecutive terms, skipping terms in `ignored_spans`."""
    skip = ignored_spans(body)
    words, seen = [], set()
    for t in terms:
        if t.start in seen:
            continue  # a compound's part or another form at the same offset
        seen.add(t.start)
        if any(a <= t.start < b for a, b in skip):
            continue
        words.append(t.text)
    return {"\x1f".join(words[i:i + SHINGLE]).encode("utf-8", "surrogatepass")
            for i in range(len(words) - SHINGLE + 1)}


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


@lru_cache(maxsize=1)
def _minhash():
    """datasketch's MinHash class and the permutations every signature shares.

    Imported on first use: datasketch loads scipy (a third of a second), which only indexing needs,
    not `newsearch query` or a server's start.
    """
    from datasketch import MinHash

    return MinHash, MinHash(num_perm=NUM_PERM, seed=_SEED).permutations


def body_signature(body: str, terms) -> Signature | None:
    """The signature of a body from its index terms (Kiwi's `Term`s in text order); None when too short."""
    shingles = _shingles(body or "", terms)
    if len(shingles) < MIN_SHINGLES:
        return None
    minhash, permutations = _minhash()
    mh = minhash(num_perm=NUM_PERM, seed=_SEED, permutations=permutations, scheme="affine32", hashfunc=_crc32)
    mh.update_batch(list(shingles))
    return Signature(mh.hashvalues.astype(np.uint32), len(shingles), len(body))
