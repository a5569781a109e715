"""As-you-type suggestions: the words the last, partly typed word of a query may become (issue 21).

A reader types Korean one key at a time, and the box shows the syllable being composed, so the last
syllable is never final: `카카옿` is `카카오` with the next syllable's initial ㅎ already typed, `헤` may
become `헬`, `호` may become `화`. Words are therefore compared by their keystrokes on a 두벌식 keyboard
(`keystrokes`: 헬 -> ㅎㅔㄹ, 화 -> ㅗㅏ after ㅎ, 닭 -> ㄷㅏㄹㄱ; a final and an initial are the same key):
a word can complete what was typed when it starts with the syllables before the last one as written and
its keystrokes start with those of the whole text. A text of consonants only (`ㅋㅋㅇ`, `ㅎㅅㅋㅇ`) is a
초성 abbreviation, compared with the words' initials (`initials`: 카카오 -> ㅋㅋㅇ).

`Lexicon` holds a store's words with their document counts, sorted by both keys, so that a lookup is two
bisections and a partial sort of the range found (`Lexicon.lookup`). It leaves out the pieces of longer
words (a word that no more documents hold than hold a longer word starting with it: `데이` of `데이터`).
`run` is the search core's side: it completes the query's last word through the store (`Store.complete`)
and drops verb and adjective stems (`나타나`, `밝히`), which are index terms but not words a reader types.
"""

from __future__ import annotations

import re
import sys
import threading
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Callable, Sequence

import numpy as np

from ..errors import Unsupported
from .model import Reason

DEFAULT_LIMIT = 8
MAX_LIMIT = 20
MAX_TYPED = 20  # characters of the last word completed (no vocabulary word is longer)
STEM_SLACK = 8  # completions asked of the store beyond the limit, to make up for the stems left out
MAX_TIED = 16  # words of equal counts at the cut whose latest article is read (bounded work per lookup)
KEPT_STEMS = 100_000  # words whose stem verdict is remembered (per process)

_BASE, _LAST = 0xAC00, 0xD7A3
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
# Medial vowels as typed: a compound vowel is two keys (ㅘ = ㅗ then ㅏ).
_MEDIALS = ["ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅗㅏ", "ㅗㅐ", "ㅗㅣ", "ㅛ", "ㅜ", "ㅜㅓ", "ㅜㅔ",
            "ㅜㅣ", "ㅠ", "ㅡ", "ㅡㅣ", "ㅣ"]
# Finals as typed: a double final is two keys (ㄺ = ㄹ then ㄱ); ㄲ and ㅆ are one (shifted) key.
_FINALS = ["", "ㄱ", "ㄲ", "ㄱㅅ", "ㄴ", "ㄴㅈ", "ㄴㅎ", "ㄷ", "ㄹ", "ㄹㄱ", "ㄹㅁ", "ㄹㅂ", "ㄹㅅ", "ㄹㅌ", "ㄹㅍ", "ㄹㅎ",
           "ㅁ", "ㅂ", "ㅂㅅ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]
_KEYS = {c: _INITIALS[(c - _BASE) // 588] + _MEDIALS[(c - _BASE) % 588 // 28] + _FINALS[(c - _BASE) % 28]
         for c in range(_BASE, _LAST + 1)}
_FIRST = {c: _INITIALS[(c - _BASE) // 588] for c in range(_BASE, _LAST + 1)}
# Compatibility jamo a reader may type alone: consonants (ㄱ-ㅎ), vowels (ㅏ-ㅣ).
_CONSONANTS = re.compile(r"[ㄱ-ㅎ]+")
_TRAILING_CONSONANTS = re.compile(r"([가-힣]+)([ㄱ-ㅎ]{2,})")
_COMPLETABLE = re.compile(r"[가-힣ㄱ-ㅣa-z0-9]+")
# What may stand before the last word's letters: a sign, a quote, a field name (querylang's syntax).
_LEAD = re.compile(r'^[+-]?(?:(?:title|body|제목|본문):)?"?')
_LAST_WORD = re.compile(r"\S*$")


def keystrokes(word: str) -> str:
    """`word` as typed on a 두벌식 keyboard, in compatibility jamo (카카오 -> ㅋㅏㅋㅏㅇㅗ); other characters stay."""
    return word.translate(_KEYS)


def initials(word: str) -> str:
    """The initial (초성) of each Hangul syllable of `word` (헬스케어 -> ㅎㅅㅋㅇ); other characters stay."""
    return word.translate(_FIRST)


@dataclass(frozen=True)
class Prefix:
    """A partly typed word as a store looks it up: the words whose keystrokes (or, `by_initials`, whose
    initials) start with `key`, and whose text starts with `head` (the syllables typed before the last one).
    Made by `prefix_of`."""

    typed: str
    key: str
    head: str = ""
    by_initials: bool = False

    def admits(self, word: str) -> bool:
        """Whether `word` completes the typed text."""
        spelled = initials(word) if self.by_initials else keystrokes(word)
        return word.startswith(self.head) and spelled.startswith(self.key)


def prefix_of(word: str) -> Prefix | None:
    """The lookup of a partly typed word (lower-cased), or None when it cannot be completed (empty, too long,
    punctuation, a lone vowel)."""
    word = word.lower()
    if not word or len(word) > MAX_TYPED or not _COMPLETABLE.fullmatch(word) or not ("가" <= word[0] <= "힣"
                                                                                       or word[0] < "ㅏ"):
        return None
    if _CONSONANTS.fullmatch(word):
        return Prefix(word, word, "", True)
    mixed = _TRAILING_CONSONANTS.fullmatch(word)
    if mixed:  # 카ㅋㅇ: the syllables as written, then initials
        return Prefix(word, initials(mixed.group(1)) + mixed.group(2), mixed.group(1), True)
    return Prefix(word, keystrokes(word), word[:-1], False)


@dataclass(frozen=True)
class Completion:
    """One suggested word: its text, how many documents hold it, and the date of the latest of them (when the
    store read it: only to order words of equal counts)."""

    text: str
    count: int
    latest: str | None = None


# -- the lexicon ------------------------------------------------------------------------------------------


class _Sorted:
    """Keys of the lexicon's words in sorted order, joined in one string (a few bytes a word), for prefix ranges."""

    def __init__(self, keys: list[str]):
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self.ids = np.array(order, dtype=np.int32)
        self.joined = "".join(keys[i] for i in order)
        self.starts = array("q", [0])
        self.starts.extend(accumulate(len(keys[i]) for i in order))

    def key(self, at: int) -> str:
        return self.joined[self.starts[at]:self.starts[at + 1]]

    def span(self, prefix: str) -> np.ndarray:
        """Ids of the words whose key starts with `prefix`."""
        positions = range(len(self.ids))
        if not prefix:
            return self.ids
        lo = bisect_left(positions, prefix, key=self.key)
        hi = bisect_left(positions, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo=lo, key=self.key)
        return self.ids[lo:hi]


class Lexicon:
    """A store's words with their document counts, looked up by keystroke and initial prefixes."""

    def __init__(self, words: Sequence[str], counts: Sequence[int]):
        counts = np.asarray(counts, dtype=np.int64)
        keep = whole_words(words, counts)
        self.words = [w for w, k in zip(words, keep) if k]
        self.counts = counts[keep]
        self.by_keys = _Sorted([keystrokes(w) for w in self.words])
        self.by_initials = _Sorted([initials(w) for w in self.words])
        lengths = np.fromiter((len(w) for w in self.words), dtype=np.int64, count=len(self.words))
        # each word's place in the order without dates: most documents, then shorter, then keystroke order
        order = np.lexsort((np.argsort(self.by_keys.ids, kind="stable"), lengths, -self.counts))
        self.rank = np.empty(len(self.words), dtype=np.int64)
        self.rank[order] = np.arange(len(self.words))

    def __len__(self) -> int:
        return len(self.words)

    def nbytes(self) -> int:
        """Bytes of what the lexicon adds (the words themselves are the vocabulary's, shared)."""
        keys = (self.by_keys, self.by_initials)
        return (self.counts.nbytes + self.rank.nbytes + sys.getsizeof(self.words)
                + sum(sys.getsizeof(k.joined) + k.ids.nbytes + k.starts.itemsize * len(k.starts) for k in keys))

    def lookup(self, prefix: Prefix, limit: int,
               latest: Callable[[list[str]], list[str | None]] | None = None) -> list[Completion]:
        """The `limit` words completing `prefix`: most documents first, then (with `latest`, which gives the
        date of each word's latest article) the most recent, then the shorter."""
        sorted_keys = self.by_initials if prefix.by_initials else self.by_keys
        ids = sorted_keys.span(prefix.key)
        if prefix.head:
            ids = ids[[self.words[i].startswith(prefix.head) for i in ids.tolist()]] if len(ids) else ids
        if not len(ids) or limit < 1:
            return []
        ids = ids[np.argsort(self.rank[ids])] if len(ids) <= 4 * limit else _best(ids, self.rank, 4 * limit)
        counts = self.counts[ids]
        cut = int(counts[min(limit, len(ids)) - 1])
        shown = ids[counts > cut].tolist()
        if latest is None:
            return [Completion(self.words[i], int(self.counts[i])) for i in ids[:limit].tolist()]
        return self._by_date(shown, self._tied(sorted_keys, prefix, cut), limit, latest)

    def _tied(self, sorted_keys: _Sorted, prefix: Prefix, cut: int) -> list[int]:
        """Ids of the words completing `prefix` held by exactly `cut` documents, the first MAX_TIED by rank."""
        ids = sorted_keys.span(prefix.key)
        ids = ids[self.counts[ids] == cut]
        if prefix.head:
            ids = ids[[self.words[i].startswith(prefix.head) for i in ids.tolist()]] if len(ids) else ids
        return _best(ids, self.rank, MAX_TIED).tolist() if len(ids) > MAX_TIED else ids.tolist()

    def _by_date(self, shown: list[int], tied: list[int], limit: int, latest) -> list[Completion]:
        """The words `shown` (above the cut) and `tied` (at it), ordered by count, latest article and rank."""
        chosen = shown + tied
        groups: dict[int, list[int]] = {}
        for i in chosen:
            groups.setdefault(int(self.counts[i]), []).append(i)
        dated = [i for group in groups.values() if len(group) > 1 for i in group]
        days = dict(zip(dated, latest([self.words[i] for i in dated]))) if dated else {}
        chosen.sort(key=lambda i: (-self.counts[i], _newest_first(days.get(i)), self.rank[i]))
        return [Completion(self.words[i], int(self.counts[i]), days.get(i)) for i in chosen[:limit]]


def _best(ids: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """The `k` ids of lowest rank, in rank order."""
    r = rank[ids]
    top = np.argpartition(r, k - 1)[:k] if len(ids) > k else np.arange(len(ids))
    return ids[top[np.argsort(r[top])]]


def _newest_first(day: str | None) -> tuple:
    """A sort key putting later days first and undated words last."""
    return (1, "") if day is None else (0, "".join(chr(0x10FFFF - ord(c)) for c in day))


def whole_words(words: Sequence[str], counts: np.ndarray) -> np.ndarray:
    """False for the words that are pieces of a longer word: some word starting with it is held by at least as
    many documents (the index keeps a long noun's parts as terms too: `데이` of `데이터`, `헬스` of
    `헬스케어` in an archive that has no other 헬스)."""
    keep = np.ones(len(words), dtype=bool)
    stack: list[int] = []  # the words of the walk that the current word extends, shortest first
    for i in sorted(range(len(words)), key=words.__getitem__):
        word = words[i]
        while stack and not word.startswith(words[stack[-1]]):
            stack.pop()
        for j in stack:
            if keep[j] and counts[i] >= counts[j]:
                keep[j] = False
        stack.append(i)
    return keep


# -- the search core's side -------------------------------------------------------------------------------


@dataclass
class Completions:
    """Suggestions for a query as typed: each the whole query with its last word completed."""

    query: str
    suggestions: list[Completion] = field(default_factory=list)
    unsupported: list[Reason] = field(default_factory=list)  # the store cannot complete words

    def to_json(self) -> dict:
        out = {"query": self.query, "suggestions": [{"text": c.text, "count": c.count} for c in self.suggestions]}
        if self.unsupported:
            out["reason"] = self.unsupported[0].text
        return out

    def opensearch(self) -> list:
        """The OpenSearch suggestions format (`application/x-suggestions+json`): query, completions, descriptions."""
        return [self.query, [c.text for c in self.suggestions], [f"기사 {c.count:,}건" for c in self.suggestions]]


def split_last(text: str) -> tuple[str, str]:
    """(what stays as typed, the last word's letters): `디지털 -카카` -> (`디지털 -`, `카카`)."""
    word = _LAST_WORD.search(text).group()
    lead = _LEAD.match(word).group()
    return text[:len(text) - len(word) + len(lead)], word[len(lead):]


def run(store, text: str, limit: int = DEFAULT_LIMIT) -> Completions:
    """Suggestions for the query `text`: its last word completed from the store's words (`Store.complete`), verb
    and adjective stems left out; none when the text ends in a space or its last word cannot be completed."""
    out = Completions(text)
    kept, word = split_last(text[:2000])
    prefix = prefix_of(word)
    if prefix is None or limit < 1:
        return out
    try:
        found = store.complete(prefix, limit + STEM_SLACK)
    except Unsupported as e:
        out.unsupported.append(e.reason)
        return out
    kiwi = store.analyzer().kiwi
    for c in found:  # in order, so that Kiwi reads no more words than are shown
        if len(out.suggestions) >= limit:
            break
        if not is_stem(kiwi, c.text):
            out.suggestions.append(Completion(kept + c.text, c.count, c.latest))
    return out


_stems: dict[str, bool] = {}
_stems_lock = threading.Lock()


def is_stem(kiwi, word: str) -> bool:
    """Whether Kiwi reads `word` + 다 as one verb or adjective (`나타나다`, `새롭다`): an index term of a stem."""
    got = _stems.get(word)
    if got is None:
        if not ("가" <= word[:1] <= "힣"):
            return False
        first = kiwi.analyze(word + "다", top_n=1)[0][0][0]
        got = first.form == word and first.tag.startswith(("VV", "VA"))
        with _stems_lock:
            if len(_stems) >= KEPT_STEMS:
                _stems.clear()
            _stems[word] = got
    return got
