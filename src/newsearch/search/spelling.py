"""Did-you-mean over a store's own vocabulary, bounded in work per query (store-independent).

`Vocabulary`: the Hangul words (2-20 syllables) and Latin words (4-15 letters) of the body field (which
holds the titles' words too) found in at least `MIN_DF` documents (the `MAX_WORDS` most frequent at
most), with an index of their Hangul-jamo bigrams (numpy arrays, CSR), made by `from_counts` from the
words' document frequencies. Each store says where those come from: a Whoosh index's term dictionary
(backends/whoosh/spelling.py), the word counts a Sphinx writer keeps beside the namespace
(backends/sphinx/words.py). `Kept` holds them per store state, shared by the threads of a process.

`corrections` finds the concept words of a parsed query that the store does not know and, for each,
the nearest frequent word: its jamo bigrams give the words sharing the most of them (at most
`MAX_CANDIDATES` looked at), then a weighted edit distance over jamo ranks those (a vowel slip such as
ㅐ/ㅔ or a plain/tense consonant such as ㅅ/ㅆ costs half an edit), nearest first, then most frequent.
Only the words themselves change: field prefixes, quotes, `-`, `OR` and everything else stay as typed.
Numbers, URLs, Hanja, mixed words, words of over 20 characters and queries of over `MAX_UNITS`
concepts are left alone, so the work per query has a fixed bound whatever is typed. `suggestion` turns
the fixes into the store's `Suggestion` when the corrected query matches more documents.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..analysis import Analyzer
from .contract import Suggestion
from .querylang import PARTICLES, AnyOf, Concepts, QueryTree, is_function_word, parse

MIN_DF = 2  # a word seen in one document only is as likely a typo as the query is
MAX_WORDS = 300_000  # the vocabulary keeps the most frequent words past this (bounded memory)
MAX_CANDIDATES = 32  # words whose edit distance is computed, per query word
MAX_POSTINGS = 1_000_000  # bigram postings read per query word (the rarest bigrams first)
MIN_CONFIDENT_DF = 3  # a correction searched at once must be a word of at least this many documents
RIVAL_RATIO = 4  # ... and this many times as frequent as any other candidate less than one edit further
KEPT_STATES = 4  # vocabularies kept per process (store states: current and recent, any store)
MAX_UNITS = 6  # spelling help is for short queries: a long one would cost a corrector walk per word

_HANGUL = re.compile(r"[가-힣]{2,20}")
_LATIN = re.compile(r"[a-z]{4,15}")
_URLISH = re.compile(r"://|^www\.|@|/|\w\.\w", re.IGNORECASE)
_WORD = re.compile(r"\S+")
INF = float("inf")
HALF = 0.5

# Jamo of each Hangul syllable (initial, medial and final jamo as distinct code points).
_JAMO_TABLE = {
    0xAC00 + s: chr(0x1100 + s // 588) + chr(0x1161 + s % 588 // 28) + (chr(0x11A7 + s % 28) if s % 28 else "")
    for s in range(11172)
}


def jamo(word: str) -> str:
    """`word` with each Hangul syllable written as its jamo (헬 -> ᄒ ᅦ ᆯ); other characters as they are."""
    return word.translate(_JAMO_TABLE)


def _similar_pairs() -> frozenset[str]:
    """Jamo substitutions that cost half an edit: vowels that sound alike, plain / tense / aspirated."""
    medial = [(1, 5), (3, 7), (10, 11), (10, 15), (11, 15), (19, 20)]  # ㅐㅔ ㅒㅖ ㅙㅚ ㅙㅞ ㅚㅞ ㅢㅣ
    initial = [(0, 1), (3, 4), (7, 8), (9, 10), (12, 13), (15, 1), (16, 4), (17, 8), (14, 13)]
    final = [(1, 2), (19, 20)]  # ㄱㄲ ㅅㅆ
    pairs = [(chr(0x1161 + a), chr(0x1161 + b)) for a, b in medial]
    pairs += [(chr(0x1100 + a), chr(0x1100 + b)) for a, b in initial]
    pairs += [(chr(0x11A7 + a), chr(0x11A7 + b)) for a, b in final]
    return frozenset([a + b for a, b in pairs] + [b + a for a, b in pairs])


SIMILAR = _similar_pairs()


def distance(a: str, b: str, limit: float) -> float:
    """Weighted optimal-string-alignment distance of two jamo strings, or INF past `limit`.

    Insertions, deletions and swaps of neighbours cost 1, substitutions 1 (half for SIMILAR pairs);
    only the diagonal band the limit allows is computed (a few cells a character).
    """
    n, m = len(a), len(b)
    if abs(n - m) > limit:
        return INF
    band = int(limit)
    prev2: list[float] = []
    prev = [float(j) if j <= band else INF for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [INF] * (m + 1)
        if i <= band:
            cur[0] = float(i)
        low = cur[0]
        ai = a[i - 1]
        for j in range(max(1, i - band), min(m, i + band) + 1):
            bj = b[j - 1]
            if ai == bj:
                v = prev[j - 1]
            else:
                v = min(prev[j - 1] + (HALF if ai + bj in SIMILAR else 1.0), prev[j] + 1.0, cur[j - 1] + 1.0)
                if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == bj:
                    v = min(v, prev2[j - 2] + 1.0)
            cur[j] = v
            low = min(low, v)
        if low > limit:
            return INF
        prev2, prev = prev, cur
    return prev[m] if prev[m] <= limit else INF


def limit_for(word: str) -> float:
    """How far a correction of `word` may be: one edit for short words, two for longer ones."""
    if _LATIN.fullmatch(word):
        return 1.0 if len(word) <= 5 else 2.0
    return 1.0 if len(word) <= 3 else 2.0


# -- the vocabulary ---------------------------------------------------------------------------------


class Vocabulary:
    """Frequent words of an index state, their document frequencies and a jamo-bigram index."""

    def __init__(self, words: list[str], df: np.ndarray, index: tuple[np.ndarray, ...] | None = None):
        self.words = words
        self.df = df
        if index is None:
            spelled = [jamo(w) for w in words]
            lengths = np.fromiter((len(j) for j in spelled), dtype=np.int32, count=len(words))
            index = (lengths, *_bigram_index(spelled))
        self.lengths, self.grams, self.starts, self.postings = index

    def __len__(self) -> int:
        return len(self.words)

    def nbytes(self) -> int:
        arrays = (self.df, self.lengths, self.grams, self.starts, self.postings)
        return sum(a.nbytes for a in arrays) + sum(sys.getsizeof(w) for w in self.words) + sys.getsizeof(self.words)

    def candidates(self, spelled: str, limit: float) -> np.ndarray:
        """Ids of the words sharing the most jamo bigrams with `spelled` (length within `limit`), at most
        MAX_CANDIDATES, most shared first, then most frequent."""
        keys = np.unique(_gram_keys(spelled))
        at = np.searchsorted(self.grams, keys)
        at = at[(at < len(self.grams)) & (self.grams[np.minimum(at, len(self.grams) - 1)] == keys)]
        if not len(at):
            return at
        sizes = self.starts[at + 1] - self.starts[at]
        order = np.argsort(sizes, kind="stable")  # rarest bigrams first, within the postings budget
        keep = order[np.cumsum(sizes[order]) <= MAX_POSTINGS]
        if not len(keep):
            return keep
        ids = np.concatenate([self.postings[self.starts[g]:self.starts[g + 1]] for g in at[keep]])
        ids, shared = np.unique(ids, return_counts=True)
        near = np.abs(self.lengths[ids] - len(spelled)) <= limit
        ids, shared = ids[near], shared[near]
        best = np.lexsort((-self.df[ids], -shared))[:MAX_CANDIDATES]
        return ids[best]


def _gram_keys(spelled: str) -> np.ndarray:
    """The bigrams of `^spelled$` as 64-bit keys (two 21-bit code points)."""
    codes = np.frombuffer(("\x02" + spelled + "\x03").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return (codes[:-1] << np.uint64(21)) | codes[1:]


def _bigram_index(spelled: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted distinct bigram keys, CSR starts, word ids) of the jamo bigrams of every word."""
    if not spelled:
        return np.zeros(0, np.uint64), np.zeros(1, np.int64), np.zeros(0, np.int32)
    joined = "".join("\x02" + s + "\x03" for s in spelled)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(spelled), dtype=np.int64),
                      np.fromiter((len(s) + 2 for s in spelled), dtype=np.int64, count=len(spelled)))
    same = owner[:-1] == owner[1:]
    keys = ((codes[:-1] << np.uint64(21)) | codes[1:])[same]
    owner = owner[:-1][same]
    grams, gram_ids = np.unique(keys, return_inverse=True)
    pairs = np.unique(gram_ids.astype(np.int64) * len(spelled) + owner)  # one posting per word and bigram
    gram_of, word_of = np.divmod(pairs, len(spelled))
    starts = np.zeros(len(grams) + 1, dtype=np.int64)
    np.cumsum(np.bincount(gram_of, minlength=len(grams)), out=starts[1:])
    return grams, starts, word_of.astype(np.int32)


def correctable(word: str) -> bool:
    """Whether a vocabulary may hold `word`: Hangul of 2-20 syllables or Latin of 4-15 letters."""
    return bool(_HANGUL.fullmatch(word) or _LATIN.fullmatch(word))


def from_counts(df: dict[str, int]) -> Vocabulary:
    """The vocabulary of words and their document frequencies: the correctable words of at least MIN_DF
    documents, the MAX_WORDS most frequent at most (ties kept in `df`'s order)."""
    kept = {w: n for w, n in df.items() if n >= MIN_DF and correctable(w)}
    words = list(kept)
    freq = np.fromiter(kept.values(), dtype=np.int64, count=len(words))
    if len(words) > MAX_WORDS:
        top = np.sort(np.argpartition(-freq, MAX_WORDS)[:MAX_WORDS])
        words, freq = [words[i] for i in top], freq[top]
    return Vocabulary(words, freq)


# What a kept vocabulary file holds and how its words were chosen; part of the file's name, so that a file
# made by another version (other rules in `correctable`, MIN_DF, MAX_WORDS, jamo) is never read. Raise it
# with any such change.
FILE_FORMAT = 1
_ARRAYS = ("df", "lengths", "grams", "starts", "postings")


def save(vocab: Vocabulary, path: Path) -> bool:
    """Keep `vocab` in `path` (written beside it and renamed into place, so a reader never sees half a
    file); False when it cannot be written (a read-only index folder: each process then builds its own)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    words = np.frombuffer("\n".join(vocab.words).encode("utf-8"), dtype=np.uint8)
    try:
        with open(tmp, "wb") as f:
            np.savez(f, words=words, **{a: getattr(vocab, a) for a in _ARRAYS})
        os.replace(tmp, path)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)
        return False


def load(path: Path) -> Vocabulary | None:
    """The vocabulary kept in `path`; None when there is none or it cannot be read whole (the zip's
    checksums, the arrays' agreement), and then the caller builds it again."""
    try:
        with np.load(path, allow_pickle=False) as got:
            arrays = [got[a] for a in _ARRAYS]
            text = got["words"].tobytes().decode("utf-8")
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError, UnicodeDecodeError):
        return None
    words = text.split("\n") if text else []
    df, lengths, grams, starts, postings = arrays
    if not (len(words) == len(df) == len(lengths) and len(starts) == len(grams) + 1
            and (not len(postings) or int(postings.max()) < len(words))
            and (len(starts) and int(starts[-1]) == len(postings))):
        return None
    return Vocabulary(words, df, (lengths, grams, starts, postings))


class Kept:
    """Vocabularies by store state, shared by the threads of a process (each built once).

    A key is `(store, state)`: the index folder or namespace, and what identifies its contents now
    (Whoosh's segments, the stamp of Sphinx's word counts).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._states: OrderedDict = OrderedDict()  # key -> Vocabulary
        self._building: set = set()  # keys being built

    def get(self, key: tuple, build: Callable[[], Vocabulary | None]) -> Vocabulary | None:
        """The vocabulary of state `key`, built by the first request that needs it (with `build`, which
        may use that request's own reader). Meanwhile other requests use the store's previous vocabulary
        (the store's counting checks every suggestion anyway), or go without."""
        with self._lock:
            got = self._states.get(key)
            if got is not None:
                self._states.move_to_end(key)
                return got
            stale = [v for k, v in self._states.items() if k[0] == key[0]]
            busy = key in self._building
            self._building.add(key)
        if not busy:
            return self._build(key, build)
        return stale[-1] if stale else None

    def _build(self, key: tuple, build: Callable[[], Vocabulary | None]) -> Vocabulary | None:
        try:
            vocab = build()
        except Exception:  # the store changed under us (a refresh, a swapped folder): none this time
            vocab = None
        with self._lock:
            self._building.discard(key)
            if vocab is not None:
                self._states[key] = vocab
                while len(self._states) > KEPT_STATES:
                    self._states.popitem(last=False)
        return vocab


KEPT = Kept()


# -- correcting a query -------------------------------------------------------------------------------


@dataclass
class Fix:
    """One word of the query replaced: where it is in the query text, by what, and how sure."""

    start: int
    end: int
    typed: str
    word: str
    distance: float
    df: int
    confident: bool


def correct_word(vocab: Vocabulary, typed: str) -> Fix | None:
    """The nearest frequent vocabulary word to `typed` (positions left 0), or None."""
    word = typed.lower()
    limit = limit_for(word)
    spelled = jamo(word)
    scored = []
    for i in vocab.candidates(spelled, limit).tolist():
        d = distance(spelled, jamo(vocab.words[i]), limit)
        if d < INF and vocab.words[i] != word:
            scored.append((d, -int(vocab.df[i]), vocab.words[i]))
    if not scored:
        return None
    scored.sort()
    d, neg_df, best = scored[0]
    df = -neg_df
    rivals = [-n for dr, n, _w in scored[1:] if dr < d + 1.0]  # a word one whole edit further is no rival
    confident = d <= 1.0 and df >= MIN_CONFIDENT_DF and all(r * RIVAL_RATIO <= df for r in rivals)
    return Fix(0, 0, typed, _same_case(typed, best), d, df, confident)


def _same_case(typed: str, word: str) -> str:
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def corrections(tree: QueryTree, vocab: Vocabulary, known: Callable[[str], bool], max_units: int) -> list[Fix]:
    """Fixes for the unknown concept words of `tree` (offsets into `tree.text`); empty when none apply."""
    if not tree.units or len(tree.units) > max_units:
        return []
    out: list[Fix] = []
    for node in _concept_nodes(tree.should + tree.must):
        for start, end in _targets(tree.text, node, known):
            fix = _nearest(vocab, tree.text, start, end)
            if fix is not None:
                out.append(fix)
    return out


def _nearest(vocab: Vocabulary, text: str, start: int, end: int) -> Fix | None:
    """The fix of `text[start:end]`, or of the word without a trailing particle that Kiwi took for part
    of an unknown noun (`대통련의` -> `대통련` + `의`), whichever is nearer."""
    best = None
    for stop in dict.fromkeys((end, start + len(_without_particle(text[start:end])))):
        fix = correct_word(vocab, text[start:stop])
        if fix is not None and (best is None or fix.distance < best.distance):
            fix.start, fix.end = start, stop
            best = fix
    return best


def apply(text: str, fixes: list[Fix]) -> str:
    """`text` with each fix's span replaced (from the end, so earlier offsets stay valid)."""
    for fix in sorted(fixes, key=lambda f: -f.start):
        text = text[:fix.start] + fix.word + text[fix.end:]
    return text


def _concept_nodes(nodes) -> list[Concepts]:
    out = []
    for node in nodes:
        if isinstance(node, AnyOf):
            out.extend(_concept_nodes(node.members))
        elif isinstance(node, Concepts) and node.offset is not None:
            out.append(node)
    return out


def _words(text: str, node: Concepts) -> list[tuple[int, int, int]]:
    """(content offset, start, end in `text`) of each word the node's concepts were analysed from.

    A clause's concepts count their offsets in its words (function words left out) joined by single
    spaces (querylang._node); the words are the runs of non-space characters from `node.offset` on.
    """
    out, at = [], 0
    end = max((u.end for u in node.units), default=0)
    for m in _WORD.finditer(text, node.offset):
        if at > end:
            break
        if is_function_word(m.group()):
            continue
        out.append((at, m.start(), m.end()))
        at += len(m.group()) + 1
    return out


def _targets(text: str, node: Concepts, known: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Spans of `text` to correct in one clause: unknown concept words (as typed, no inflection), and a
    whole word that Kiwi cut into one-syllable pieces only (`데표` -> `표`), when the word is unknown."""
    words = _words(text, node)
    out = []
    for content_at, start, end in words:
        word = text[start:end]
        if len(word) > 40 or _URLISH.search(word):
            continue
        units = [u for u in node.units if content_at <= u.start and u.end <= content_at + len(word)]
        spans = [(start + u.start - content_at, start + u.end - content_at, u) for u in units]
        fixes = [(a, b) for a, b, u in spans if _correctable(text[a:b], u.alternatives[0][0], known)]
        if fixes:
            out.extend(fixes)
        elif units and all(b - a == 1 for a, b, _u in spans):
            whole = _without_particle(word)
            if _HANGUL.fullmatch(whole) and not known(whole):
                out.append((start, start + len(whole)))
    return out


def _correctable(surface: str, main: str, known: Callable[[str], bool]) -> bool:
    """A concept word as typed (not inflected, not read from Hanja), Hangul or Latin, and unknown."""
    word = surface.lower()
    if word != main or not (_HANGUL.fullmatch(word) or _LATIN.fullmatch(word)):
        return False
    return not known(word)


def _without_particle(word: str) -> str:
    """`word` without a trailing particle when two syllables or more are left (`새계를` -> `새계`)."""
    for n in (3, 2, 1):
        if len(word) - n >= 2 and word[-n:] in PARTICLES:
            return word[:-n]
    return word


def suggestion(tree: QueryTree, vocab: Vocabulary, known: Callable[[str], bool], analyzer: Analyzer,
               count: Callable[[QueryTree], int]) -> Suggestion | None:
    """The did-you-mean of `tree` from `vocab` (`known`: whether the store has a word at all; `count`: how
    many documents a tree matches), offered only when the corrected query matches more documents than
    the query as typed; None otherwise."""
    fixes = corrections(tree, vocab, known, MAX_UNITS)
    if not fixes:
        return None
    text = apply(tree.text, fixes)
    corrected = parse(text, analyzer)
    if corrected.reason is not None:
        return None
    matched = count(corrected)
    if matched <= count(tree):
        return None
    return Suggestion(text, confident=all(f.confident for f in fixes), matched=matched)
