"""`Analyzer`: one Kiwi with one user dictionary, and everything a text or a query becomes through it.

Kiwi takes a second or more to load, so analyzers are shared per dictionary within a process
(`Analyzer.for_words`); an index keeps the dictionary it was built with beside it, and its
searcher analyses queries with an analyzer for the same words.
"""

from __future__ import annotations

import re
import threading
from typing import Iterable, Iterator

from .. import config
from . import feed, terms, vocabulary
from .concepts import Form, QueryUnit, synonym_map, unit_of
from .terms import NOUN_TAGS, Term, segments
from .vocabulary import UserWord

# Long nouns whose split is remembered, per analyzer (the cache is emptied when full).
MAX_DECOMPOSITIONS = 500_000
# Kiwi's special tokens kept whole: URLs, e-mails, serials, emoji. Hashtags and mentions are read as
# the words inside them (`#미투운동` is found by `미투 운동`), in documents and queries alike.
MATCH = 63 & ~(4 | 8)  # kiwipiepy.Match.ALL without HASHTAG (4) and MENTION (8)
_LATIN_OR_DIGIT = re.compile(r"[0-9A-Za-z]+|[^0-9A-Za-z]+")


class Analyzer(terms.Decomposer):
    """Kiwi with a user dictionary: index terms of texts, concepts of queries."""

    _shared: dict[str, "Analyzer"] = {}
    _shared_lock = threading.Lock()

    def __init__(self, words: Iterable[UserWord] = ()):
        self.words: tuple[UserWord, ...] = tuple(words)
        self.decompositions: dict[str, tuple[str, ...]] = {}
        self._kiwi = None
        self._lock = threading.Lock()
        self._synonyms: tuple[tuple, dict] | None = None

    @classmethod
    def for_words(cls, words: Iterable[UserWord] = ()) -> "Analyzer":
        """The process's analyzer for this user dictionary (one Kiwi per dictionary)."""
        words = tuple(words)
        key = vocabulary.dict_hash(words)
        got = cls._shared.get(key)
        if got is None:
            with cls._shared_lock:
                got = cls._shared.setdefault(key, cls(words))
        return got

    @property
    def kiwi(self):
        """Kiwi with this analyzer's user words, loaded on first use."""
        if self._kiwi is None:
            with self._lock:
                if self._kiwi is None:
                    from kiwipiepy import Kiwi

                    kiwi = Kiwi(num_workers=config.kiwi_workers(), load_typo_dict=False, load_multi_dict=False)
                    for w in self.words:
                        kiwi.add_user_word(w.word, w.tag, w.score)
                    self._kiwi = kiwi
        return self._kiwi

    def warm_up(self) -> None:
        """Load Kiwi and run its slow first analysis now, not inside the first query."""
        self.query_units("뉴스 검색")

    # -- documents ------------------------------------------------------------------------

    def decompose(self, word: str) -> tuple[str, ...]:
        """The nouns of the best split Kiwi sees in `word` written alone (empty if it has none)."""
        parts = self.decompositions.get(word)
        if parts is None:
            parts = _split_of(word, self.kiwi.analyze(word, top_n=3, match_options=MATCH)) or _script_split(word)
            if len(self.decompositions) >= MAX_DECOMPOSITIONS:
                self.decompositions.clear()
            self.decompositions[word] = parts
        return parts

    def _terms_of(self, tokens) -> list[Term]:
        terms.bind(self)  # long nouns are split with this analyzer's dictionary
        return terms.terms_from_tokens(tokens)

    def terms(self, text: str) -> list[Term]:
        """Index terms of one text (runs Kiwi)."""
        if not text:
            return []
        return self._terms_of(self.kiwi.tokenize(text, match_options=MATCH))

    def terms_many(self, texts: Iterable[str]) -> Iterator[list[Term]]:
        """Index terms of many texts, tokenized by Kiwi's worker threads in input order (see feed.py)."""
        return feed.stream(lambda it: self.kiwi.tokenize(it, match_options=MATCH), self._terms_of, texts)

    def terms_and_tokens_many(self, texts: Iterable[str]) -> Iterator[tuple[list[Term], list]]:
        """`terms_many`, each with Kiwi's tokens too (tags and spans: entities/ reads names from them)."""
        return feed.stream(lambda it: self.kiwi.tokenize(it, match_options=MATCH),
                           lambda tokens: (self._terms_of(tokens), tokens), texts)

    # -- queries --------------------------------------------------------------------------

    def query_units(self, text: str, synonyms: bool = True, decompose: bool = True) -> list[QueryUnit]:
        """The concepts of a free-text query, matching how documents were indexed (without `decompose`, a long
        word's parts are not among its forms)."""
        if not text.strip():
            return []
        syn = self._synonym_map() if synonyms else {}
        split = self.decompose if decompose else _no_decomposition
        return [unit_of(parts, whole, split, syn) for parts, whole in segments(self.kiwi.tokenize(text, match_options=MATCH))]

    def phrase_terms(self, text: str) -> list[str]:
        """The main terms of `text` in order, for an exact phrase query."""
        return [p.text for parts, _ in segments(self.kiwi.tokenize(text, match_options=MATCH)) for p in parts]

    def alternative_terms(self, text: str) -> set[str]:
        """Terms of Kiwi's second and third readings of `text` (what its best reading misses)."""
        if not text.strip():
            return set()
        out: set[str] = set()
        for tokens, _score in self.kiwi.analyze(text, top_n=3, match_options=MATCH)[1:]:
            for parts, whole in segments(tokens):
                out.update(p.text for p in parts if len(p.text) > 1 or p.tag not in ("NNG", "NNP"))
                if whole:
                    out.add(whole)
        return out

    def _form(self, text: str) -> Form:
        """A synonym's indexed form: its one concept's main form, or its concepts as a phrase."""
        # Only each concept's main form is needed, which never depends on decomposition: skipping it saves
        # a Kiwi analysis per long word (0.6 s of every process's first query).
        units = self.query_units(text, synonyms=False, decompose=False)
        if len(units) == 1:
            return units[0].alternatives[0]
        return tuple(u.alternatives[0][0] for u in units)

    def _synonym_map(self) -> dict[Form, tuple[Form, ...]]:
        """Form -> the forms of its synonyms (the default set and the user's file, as they are now)."""
        groups = vocabulary.synonym_groups()
        got = self._synonyms
        if got is None or got[0] is not groups:
            got = self._synonyms = (groups, synonym_map(groups, self._form))
        return got[1]


def _no_decomposition(word: str) -> tuple[str, ...]:
    return ()


def _split_of(word: str, candidates) -> tuple[str, ...]:
    for tokens, _score in candidates:
        parts = tuple(t.form for t in tokens)
        if len(parts) > 1 and all(t.tag in NOUN_TAGS for t in tokens) and "".join(parts) == word:
            return parts
    return ()


def _script_split(word: str) -> tuple[str, ...]:
    """A noun written in Latin letters or digits and Hangul (`LG유플러스`) split where the script changes,
    Latin lower-cased as the index holds it: (`lg`, `유플러스`). Empty for a word of one script."""
    runs = _LATIN_OR_DIGIT.findall(word)
    if len(runs) < 2 or not all(r.isascii() or all("\uac00" <= ch <= "\ud7a3" for ch in r) for r in runs):
        return ()
    return tuple(r.lower() for r in runs)


def fingerprint() -> str:
    """Identifies the analysis rules and Kiwi version: a change means documents need re-analysis."""
    import kiwipiepy

    # a6: a number and its counter are one term (3호기)
    # a4: hashtags read as words, mixed Latin-Hangul nouns split by script; a3: Hanja readings from Unihan
    return f"a6:kiwi{kiwipiepy.__version__}"
