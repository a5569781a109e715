"""As-you-type suggestions over the index's own vocabulary (search/complete.py holds the lookup).

The words are did-you-mean's (spelling.py: the Hangul and Latin words of the body field, which holds the
titles' words too, in at least `spelling.MIN_DF` documents, with their document counts), built once per index
state and shared by every thread of the process; the `Lexicon` made from them is kept beside that vocabulary
(one per vocabulary object, built by the first request that needs it; meanwhile others go without). Words
of equal counts are ordered by their latest article, read from their postings and the date column only for
the few words tied where the list is cut (`complete.MAX_TIED` at most), and remembered per index state.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

import numpy as np

from ...search.complete import Completion, Lexicon, Prefix
from . import days, spelling
from .postings import Postings

KEPT_DATES = 50_000  # latest days remembered per index state (then forgotten all at once)

_lock = threading.Lock()
_lexicons: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Vocabulary -> Lexicon
_building: weakref.WeakSet = weakref.WeakSet()  # vocabularies whose lexicon is being built
_latest: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Vocabulary -> {word: day or None}


def lexicon(vocab: spelling.Vocabulary) -> Lexicon | None:
    """The lexicon of `vocab`, built by the first caller (others get None until it is ready)."""
    with _lock:
        got = _lexicons.get(vocab)
        if got is not None or vocab in _building:
            return got
        _building.add(vocab)
    try:
        got = Lexicon(vocab.words, vocab.df)
    finally:
        with _lock:
            _building.discard(vocab)
    with _lock:
        _lexicons[vocab] = got
    return got


def complete(searcher, index_dir: str | Path, postings: Postings, prefix: Prefix, limit: int) -> list[Completion]:
    """The words of the index state `searcher` reads that complete `prefix` (`Lexicon.lookup`)."""
    vocab = spelling.vocabulary(searcher, index_dir)
    lex = lexicon(vocab) if vocab else None
    if lex is None:
        return []
    return lex.lookup(prefix, limit, lambda words: latest_days(vocab, postings, words))


def latest_days(vocab: spelling.Vocabulary, postings: Postings, words: list[str]) -> list[str | None]:
    """The day (YYYY-MM-DD) of the latest live article holding each word (None: none dated)."""
    with _lock:
        known = _latest.setdefault(vocab, {})
    out = []
    for word in words:
        if word not in known:
            if len(known) >= KEPT_DATES:
                known.clear()
            known[word] = _latest_day(postings, word)
        out.append(known.get(word))
    return out


def _latest_day(postings: Postings, word: str) -> str | None:
    day_idx, day_names = days.day_column(postings)
    ids = postings.postings("body", word)[0]
    if not len(ids):
        return None
    ids = ids[postings.live()[ids]]
    dated = day_idx[ids]
    dated = dated[dated < len(day_names)]
    return day_names[int(np.max(dated))] if len(dated) else None
