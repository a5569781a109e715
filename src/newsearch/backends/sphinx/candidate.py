"""A candidate's indexed title and body fields, rebuilt from its stored spans for re-scoring (rescore.py).

The stored spans (`s_tspans`, `s_bspans`; documents.encode_spans) hold every term of the title and of the body
with its characters; the token positions Whoosh would see come from them: Kiwi gives each morpheme of a text
one position, and every term starts where its morpheme starts, so a term's position is the rank of its start
among the text's distinct starts. The parts of a long noun share its characters but count on from its
position (`analysis.terms`: part k at position + k), so where three or more terms share one span, the ones
inside the longest are its parts, numbered in the order they occur in it.

The indexed body field is the title, then the body two positions past the title's last
(ingest.documents.indexed_terms),
unless the title was cut from the body itself: searchd's own field lengths (`title_len`, `body_len`, one per
term) tell the two apart. Field lengths go through Whoosh's one-byte approximation, as BM25 sees them there.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import OrderedDict

# Whoosh's length byte: the length each of 256 codes stands for (its `_length_byte_cache` formula).
_BYTE_LENGTHS = [int(round((pow(1.033, n) - 1) * 27)) for n in range(256)]
# Characters of the body field's body part are moved past any title character.
_BODY_CHARS = 1 << 24

Occurrence = tuple[int, int, int]  # (position, start, end)
_PAIR = re.compile(r"(\d+),(\d+)")


def quantized(length: int) -> float:
    """A field length as Whoosh's BM25 reads it back (one byte per document; 0 reads as 1)."""
    if length <= 0:
        return 1.0
    code = 255 if length >= _BYTE_LENGTHS[-1] else bisect_left(_BYTE_LENGTHS, length)
    return float(_BYTE_LENGTHS[code] or 1)


class Parsed:
    """Texts' occurrences (`occurrences_of`), the last `size` kept: a candidate read again parses nothing."""

    def __init__(self, size: int = 4000):
        self.size = size
        self._kept: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, data: str) -> dict[str, list[Occurrence]]:
        with self._lock:
            got = self._kept.get(data)
            if got is not None:
                self._kept.move_to_end(data)
                return got
        got = occurrences_of(data)
        with self._lock:
            self._kept[data] = got
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return got


class Candidate:
    """One document's title and body fields: each term's frequency and occurrences, each field's length.

    Frequencies are read from the stored text of the term alone; positions parse a whole text (and are
    kept in `parsed`), only for the documents and fields a phrase, proximity or passage asks about.
    """

    __slots__ = ("key", "tie", "lengths", "_raw", "_joined", "_parsed", "_fields")

    def __init__(self, key: int, title_spans: str | None, body_spans: str | None, title_len: int, body_len: int,
                 parsed: Parsed | None = None, doc_id: str = ""):
        self.key = key
        # Equal scores rank by the article's id: the same order in any layout and namespace of the cluster.
        self.tie = (doc_id, key)
        self._raw = {"title": "\n" + (title_spans or "") if title_len > 0 else "", "body": "\n" + (body_spans or "")}
        self._raw["title_part"] = "\n" + (title_spans or "")
        self.lengths = {"title": quantized(title_len), "body": quantized(body_len)}
        tcount, bcount = _items(title_spans), _items(body_spans)
        self._joined = title_len > 0 and tcount > 0 and body_len >= tcount + bcount
        self._parsed = parsed or Parsed(0)
        self._fields: dict = {}  # the joined body field's occurrences, per term

    def tf(self, fieldname: str, term: str) -> int:
        if fieldname == "body" and self._joined:
            return _tf(self._raw["title_part"], term) + _tf(self._raw["body"], term)
        return _tf(self._raw.get(fieldname, ""), term)

    def occurrences(self, fieldname: str, term: str) -> list[Occurrence]:
        if not (fieldname == "body" and self._joined):
            return self._parsed.get(self._raw.get(fieldname, "")).get(term, [])
        got = self._fields.get(term)
        if got is None:  # the title's, then the body's two positions past the title's last
            title = self._parsed.get(self._raw["title_part"])
            shift = self._fields.get("\t")  # (not a term)
            if shift is None:
                shift = self._fields["\t"] = max((p for occ in title.values() for p, _s, _e in occ), default=-2) + 2
            body = self._parsed.get(self._raw["body"]).get(term, ())
            got = self._fields[term] = title.get(term, []) + [(p + shift, s + _BODY_CHARS, e + _BODY_CHARS)
                                                              for p, s, e in body]
        return got


def _items(data: str | None) -> int:
    """How many occurrences encoded spans hold (one a space-separated item, lines apart)."""
    return data.count(" ") + data.count("\n") + 1 if data else 0


def _tf(data: str, term: str) -> int:
    """Occurrences of `term` in encoded spans that start with a newline."""
    at = data.find("\n" + term + "\t")
    if at < 0:
        return 0
    end = data.find("\n", at + 1)
    return data.count(" ", at + len(term) + 2, len(data) if end < 0 else end) + 1


def _spans(data: str | None) -> dict[str, list[tuple[int, int]]]:
    """term -> (start, end) of each occurrence, from encoded spans."""
    out: dict[str, list[tuple[int, int]]] = {}
    for line in (data or "").split("\n"):
        text, _, rest = line.partition("\t")
        if not rest:
            continue
        got = out[text] = []
        pos = 0
        for d, n in _PAIR.findall(rest):
            pos += int(d)
            got.append((pos, pos + int(n)))
    return out


def occurrences_of(data: str | None) -> dict[str, list[Occurrence]]:
    """term -> (position, start, end) of each occurrence of a text's encoded spans."""
    spans = _spans(data)
    starts = sorted({s for occ in spans.values() for s, _e in occ})
    rank = {s: i for i, s in enumerate(starts)}
    parts = _part_numbers(spans)
    return {t: [(rank[s] + parts.get((t, s, e), 0), s, e) for s, e in occ] for t, occ in spans.items()}


def _part_numbers(spans: dict[str, list[tuple[int, int]]]) -> dict[tuple[str, int, int], int]:
    """(term, start, end) -> k for the k-th part of a long noun sharing its span (see the module's text)."""
    at: dict[tuple[int, int], list[str]] = {}
    for t, occ in spans.items():
        for s, e in occ:
            at.setdefault((s, e), []).append(t)
    out = {}
    for (s, e), terms in at.items():
        if len(terms) < 3:
            continue
        whole = max(terms, key=len)
        inside = sorted((whole.find(t), t) for t in terms if t != whole and t in whole)
        for k, (_i, t) in enumerate(inside):
            out[(t, s, e)] = k
    return out
