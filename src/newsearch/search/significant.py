"""Related words: the nouns most over-represented in a query's matches against the whole archive.

The significant-terms idea (Elasticsearch's `significant_terms`): the store counts, for the best-ranked
stories matching the query (the foreground; copies of a wire story count once), how many hold each
term (`Store.term_counts`), and how many documents of the whole store hold it (the background;
`Store.doc_frequencies`). Each term is scored by a foreground/background test, and the best-scoring
nouns are kept:

- `jlh`: (fg% - bg%) * fg% / bg% (Elasticsearch's default): the absolute gain times the relative one;
- `chi2`: Pearson's chi-square of the 2x2 table (foreground or not, holds the term or not);
- `llr`: Dunning's log-likelihood ratio G2 of the same table.

Only terms more frequent in the foreground than in the background score. `DEFAULT_METHOD` is the one
that read best on real queries (bench/related_words.py; README, "Related words"). Bounded work: the
foreground is the best `DEPTH` stories, a candidate must be held by 1.5% of them (and two), and the
background is looked up for the most frequent candidates first, only until no candidate left can
reach the best scores (`Scoring`).

Nouns only: the index keeps no part of speech, and a term alone is ambiguous to Kiwi (`보이` of
보이다, `김정` of 김정은 read as nouns alone), so each candidate is read in context: the store names the
best-ranked foreground articles holding it, Kiwi analyses a few words around an occurrence there (one
written as the term itself, looked for in up to `EXAMPLES` articles), and the term counts when the
morphemes under it make a noun (NNG, NNP, Latin or Hanja, with a noun prefix or suffix). A term only
ever seen inside a longer morpheme is a long noun's part, not a word to add to a query. Verdicts are
kept per analyzer (dictionary), so a known term costs nothing the next time.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from dataclasses import dataclass, field

import numpy as np

from ..analysis import Analyzer
from ..analysis.analyzer import MATCH
from ..errors import StoreError, Unsupported
from .contract import Match, Store, TermCounts
from .model import Reason, SearchRequest
from .querylang import parse

# Foreground: the best-ranked stories read for a query (bounded work for a query of 100k matches).
DEPTH = 200
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
# A foreground term must be held by this share of the stories read (and by two at least): a word of
# one story in two hundred is that story's word, not the query's.
MIN_SHARE = 0.015
# Candidates read in context at a time, per word wanted.
ROUND_FACTOR = 2
# Characters of context on each side of an occurrence (widened to whole words).
CONTEXT = 24
# Foreground articles a candidate is looked for in, as a word of its own, before it counts as a part.
EXAMPLES = 5
# Morphemes that may stand under a noun term, and those of which one must (Kiwi's tags).
NOUN_PARTS = frozenset({"NNG", "NNP", "SL", "SH", "XPN", "XSN"})
NOUN_HEADS = frozenset({"NNG", "NNP", "SL", "SH"})
# Noun verdicts kept per analyzer (emptied when full: a server's vocabulary of candidates stays far below).
MAX_VERDICTS = 200_000
# Background frequencies are looked up most frequent in the foreground first, this many candidates at first and
# twice as many each time after (a cluster answers a batch in one round trip per node).
BATCH = 64
# Candidates scored before the noun filter, per word wanted (the filter keeps most of them).
SCORED_PER_WORD = 6
# Longer terms are glued runs (URL remnants, long Latin strings), never a word to add to a query.
MAX_TERM_CHARS = 40
# A word inside another one found in at most this many times its stories is that word's part, not a word
# of its own (`근혜` of `박근혜`, `톡` of `카카오톡`).
PART_SLACK = 1.1


def jlh(a: np.ndarray, fg: int, b: np.ndarray, bg: int) -> np.ndarray:
    """Elasticsearch's JLH score: (fg% - bg%) * (fg% / bg%), 0 where the term is not over-represented."""
    p, q = a / fg, b / bg
    return np.where(p > q, (p - q) * (p / q), 0.0)


def _table(a: np.ndarray, fg: int, b: np.ndarray, bg: int):
    """The 2x2 table's cells: (foreground, rest) x (holds the term, does not), the foreground inside the background."""
    n11, n12 = a, fg - a
    n21 = b - a
    n22 = np.maximum(bg - fg - n21, 0)
    return n11, n12, n21, n22


def chi_square(a: np.ndarray, fg: int, b: np.ndarray, bg: int) -> np.ndarray:
    """Pearson's chi-square of the 2x2 table, 0 where the term is not over-represented."""
    n11, n12, n21, n22 = (x.astype(np.float64) for x in _table(a, fg, b, bg))
    n = n11 + n12 + n21 + n22
    denom = (n11 + n12) * (n21 + n22) * (n11 + n21) * (n12 + n22)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = np.where(denom > 0, n * (n11 * n22 - n12 * n21) ** 2 / denom, 0.0)
    return np.where(a / fg > b / bg, chi, 0.0)


def log_likelihood(a: np.ndarray, fg: int, b: np.ndarray, bg: int) -> np.ndarray:
    """Dunning's G2 = 2 * sum(O * ln(O / E)) over the 2x2 table, 0 where the term is not over-represented."""
    cells = [x.astype(np.float64) for x in _table(a, fg, b, bg)]
    n = sum(cells)
    rows = (cells[0] + cells[1], cells[2] + cells[3])
    cols = (cells[0] + cells[2], cells[1] + cells[3])
    g2 = np.zeros_like(n)
    for cell, row, col in zip(cells, (rows[0], rows[0], rows[1], rows[1]), (cols[0], cols[1], cols[0], cols[1])):
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 += np.where(cell > 0, cell * np.log(cell * n / (row * col)), 0.0)
    return np.where(a / fg > b / bg, 2 * g2, 0.0)


METHODS = {"jlh": jlh, "chi2": chi_square, "llr": log_likelihood}
DEFAULT_METHOD = "jlh"


@dataclass(frozen=True)
class RelatedWord:
    """A word over-represented in a query's matches: its score and both counts."""

    word: str
    score: float
    docs: int  # foreground stories holding it
    background: int  # documents of the whole archive holding it

    def to_json(self) -> dict:
        """The word as `newsearch related-words --json` and /api/related-words give it."""
        return {"word": self.word, "score": round(self.score, 6), "docs": self.docs, "background": self.background}


@dataclass
class RelatedWords:
    """The related words of one query, best first, with what they were counted from."""

    query: str
    method: str
    words: list[RelatedWord] = field(default_factory=list)
    matches: int = 0  # matching articles after the filters
    sample: int = 0  # stories read for the foreground (one per group of copies, best-ranked first)
    total: int = 0  # documents in the archive
    took_ms: float = 0.0
    reason: Reason | None = None
    reason_detail: str | None = None
    unsupported: list[Reason] = field(default_factory=list)

    def to_json(self) -> dict:
        """`newsearch related-words --json`, /api/related-words."""
        out = {"query": self.query, "method": self.method, "matches": self.matches, "sample": self.sample,
               "total": self.total, "took_ms": round(self.took_ms, 2), "words": [w.to_json() for w in self.words]}
        if self.reason is not None:
            out["reason"] = f"{self.reason.text}: {self.reason_detail}" if self.reason_detail else self.reason.text
        if self.unsupported:
            out["unsupported"] = [r.text for r in self.unsupported]
        return out


def countable(term: str) -> bool:
    """Whether a term can be a related word at all: letters only (no number, URL or e-mail), two or more of
    them (a lone syllable is a surname or a part: `박`, `문`, `증` of 감염증). Stores may count only these
    (a Whoosh index keeps only these per document: change this, and bump ingest's SCHEMA_VERSION)."""
    return 2 <= len(term) <= MAX_TERM_CHARS and term.isalpha()


def min_docs(sample: int) -> int:
    """Foreground stories a candidate must be held by, for a foreground of `sample` stories."""
    return max(2, math.ceil(sample * MIN_SHARE))


def find(store: Store, request: SearchRequest, limit: int = DEFAULT_LIMIT, method: str = DEFAULT_METHOD,
         depth: int = DEPTH) -> RelatedWords:
    """The `limit` related words of `request.text` after its filters (ValueError for an unknown method)."""
    if method not in METHODS:
        raise ValueError(f"method: one of {', '.join(METHODS)}")
    t0 = time.perf_counter()
    out = RelatedWords(query=request.text, method=method)
    analyzer = store.analyzer()
    tree = parse(request.text, analyzer, syntax=request.syntax)
    out.reason = tree.reason
    if tree.reason is None:
        try:
            counts = store.term_counts(request, tree, depth)
            out.matches, out.sample, out.total = counts.matches, counts.sample, counts.total
            out.words = _chosen(store, analyzer, counts, tree.highlight_terms, max(1, min(limit, MAX_LIMIT)), method)
        except Unsupported as e:
            out.unsupported.append(e.reason)
        except StoreError as e:
            out.reason, out.reason_detail = Reason.BACKEND_UNAVAILABLE, str(e)
    out.took_ms = (time.perf_counter() - t0) * 1000
    return out


class Scoring:
    """The candidates of one query scored by one method, looked up lazily: most frequent in the foreground
    first, stopping once no term left could beat the `want`-th best score.

    Every method scores a term highest when no document outside the foreground holds it, and that
    best case grows with the foreground count: the terms left, less frequent, are bounded by it. The
    query's own terms (`exclude`) and their parts (`조선` of 북한's synonym 조선민주주의인민공화국) are no candidates.
    """

    def __init__(self, counts: TermCounts, method: str, frequencies, exclude=frozenset()):
        need = min_docs(counts.sample)
        own = [q for q in exclude if len(q) > 1]
        self.terms = sorted((t for t, n in counts.docs.items()
                             if n >= need and countable(t) and not any(t in q for q in own)),
                            key=lambda t: (-counts.docs[t], t))
        self.counts, self.score, self.frequencies = counts, METHODS[method], frequencies
        self.fg, self.bg = counts.sample, max(counts.total, counts.sample)
        self.done = 0  # terms looked up so far
        self.scored: list[RelatedWord] = []

    def best(self, want: int) -> list[RelatedWord]:
        """The over-represented candidates, best first, surely including the `want` best of all."""
        while self.done < len(self.terms) and not self._settled(want):
            batch = self.terms[self.done:self.done + max(BATCH, self.done)]
            self.done += len(batch)
            found = self.frequencies(batch)
            a = np.array([self.counts.docs[t] for t in batch], dtype=np.float64)
            # A store's background may lag its foreground (deletions not merged yet): keep a <= b <= bg.
            b = np.clip(np.array([found.get(t, 0) for t in batch], dtype=np.float64), a, self.bg)
            scores = self.score(a, self.fg, b, self.bg)
            self.scored += [RelatedWord(t, float(x), int(n), int(m))
                            for t, x, n, m in zip(batch, scores, a, b) if x > 0]
        return sorted(self.scored, key=lambda w: (-w.score, w.word))

    def _settled(self, want: int) -> bool:
        """True when no term not looked up yet can score above the `want`-th best so far."""
        if len(self.scored) < want:
            return False
        kth = sorted((w.score for w in self.scored), reverse=True)[want - 1]
        a = np.array([float(self.counts.docs[self.terms[self.done]])])
        return float(self.score(a, self.fg, a, self.bg)[0]) <= kth

    @property
    def exhausted(self) -> bool:
        """True when every candidate has been looked up."""
        return self.done >= len(self.terms)


def _chosen(store: Store, analyzer: Analyzer, counts: TermCounts, query_terms: set[str], limit: int,
            method: str) -> list[RelatedWord]:
    """The best-scoring nouns: candidates are read in context best first, until `limit` are found."""
    scoring = Scoring(counts, method, store.doc_frequencies, query_terms)
    verdicts = _verdicts(analyzer)
    want = limit * SCORED_PER_WORD
    while True:
        out: list[RelatedWord] = []
        for start in range(0, want, limit * ROUND_FACTOR):
            batch = scoring.best(want)[start:start + limit * ROUND_FACTOR]
            verdicts.update(_classify(store, analyzer, [w.word for w in batch if w.word not in verdicts],
                                      counts.examples))
            for w in batch:
                if verdicts.get(w.word):
                    merge(out, w, room=len(out) < limit)
            if len(out) >= limit:
                return out
        if scoring.exhausted:
            return out
        want *= 4


def merge(words: list[RelatedWord], new: RelatedWord, room: bool = True) -> None:
    """Add `new` to `words` (when `room`) unless a word already there holds it and is found about as often
    (`근혜` beside `박근혜`: the parts of a long noun are indexed too); a longer word holding words already
    there takes the place of the first of them, room or not, and the others go."""
    if any(new.word in old.word and new.docs <= old.docs * PART_SLACK for old in words):
        return
    parts = [i for i, old in enumerate(words) if old.word in new.word and old.docs <= new.docs * PART_SLACK]
    if parts:
        words[parts[0]] = new
        for i in reversed(parts[1:]):
            del words[i]
    elif room:
        words.append(new)


_VERDICTS: "weakref.WeakKeyDictionary[Analyzer, dict[str, bool]]" = weakref.WeakKeyDictionary()
_VERDICTS_LOCK = threading.Lock()


def _verdicts(analyzer: Analyzer) -> dict[str, bool]:
    """term -> is a noun, for one analyzer (its dictionary decides); emptied when it grows too large."""
    with _VERDICTS_LOCK:
        got = _VERDICTS.get(analyzer)
        if got is None or len(got) > MAX_VERDICTS:
            got = _VERDICTS[analyzer] = {}
        return got


def _classify(store: Store, analyzer: Analyzer, terms: list[str],
              examples: dict[str, tuple[str, ...]]) -> dict[str, bool]:
    """Whether each term is a noun where it stands as written in one of its example articles, tried in turn;
    where it is only part of a longer word in all of them, it is judged there (and is no word to add);
    alone, when no article gives it."""
    found: dict[str, tuple[str, int, int]] = {}
    pending = list(terms)
    for k in range(EXAMPLES):
        by_doc: dict[str, list[str]] = {}
        for t in pending:
            if len(examples.get(t, ())) > k:
                by_doc.setdefault(examples[t][k], []).append(t)
        for doc_id, some in by_doc.items():
            match = store.document(doc_id, set(some))
            for t, (text, a, b) in (contexts(match, some) if match is not None else {}).items():
                if t not in found or _as_written(t, (text, a, b)):
                    found[t] = (text, a, b)
        pending = [t for t in pending if not _as_written(t, found.get(t))]
        if not pending:
            break
    todo = [(t, *found.get(t, (t, 0, len(t)))) for t in terms]
    results = analyzer.kiwi.tokenize([text for _t, text, _s, _e in todo], match_options=MATCH) if todo else []
    return {t: is_noun(t, tokens, a, b, text[a:b]) for (t, text, a, b), tokens in zip(todo, results)}


def _as_written(term: str, context: tuple[str, int, int] | None) -> bool:
    """True when the context shows the term written as itself (not inside a longer word)."""
    return context is not None and context[0][context[1]:context[2]].lower() == term.lower()


def contexts(match: Match, terms: list[str]) -> dict[str, tuple[str, int, int]]:
    """term -> (a few words around its first occurrence in the article as written, its start and end in them);
    when the article only has it inside a longer word (a long noun's part) or as another form (a Hanja
    abbreviation's reading), around the first of those."""
    out: dict[str, tuple[str, int, int]] = {}
    other: dict[str, tuple[str, int, int]] = {}
    for text, spans in ((match.fields.get("body") or "", match.body_spans),
                        (match.fields.get("title") or "", match.title_spans)):
        for start, end, term in sorted(spans):
            if term in terms and term not in out and 0 <= start < end <= len(text):
                if text[start:end].lower() == term.lower():
                    out[term] = window(text, start, end)
                else:
                    other.setdefault(term, window(text, start, end))
    return {**other, **out}


def window(text: str, start: int, end: int) -> tuple[str, int, int]:
    """`text` around [start, end): about CONTEXT characters each side, widened to whole words."""
    lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    while lo > 0 and not text[lo - 1].isspace() and start - lo < 2 * CONTEXT:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < 2 * CONTEXT:
        hi += 1
    return text[lo:hi], start - lo, end - lo


def is_noun(term: str, tokens, start: int, end: int, written: str | None = None) -> bool:
    """True when Kiwi's morphemes under [start, end) of a text (where `written` stands, the term itself when
    not given) make a noun: nouns, Latin or Hanja, with noun affixes. Written otherwise, the term is one of a
    longer word's forms: a noun when it is whole morphemes of it that make one (`정치` of 정치/NNG 적/XSN)
    or a Hanja's reading (`미국` of 美), and a fragment otherwise (`김정` inside the one morpheme 김정은)."""
    under = [t for t in tokens if t.start < end and t.start + t.len > start]
    tags = [t.tag for t in under]
    if written is not None and written.lower() != term.lower():
        if tags and all(tag == "SH" for tag in tags):
            return True
        forms = [t.form.lower() for t in under]
        runs = [(i, j) for i in range(len(forms)) for j in range(i + 1, len(forms) + 1)
                if "".join(forms[i:j]) == term.lower()]
        if not runs:
            return False
        tags = tags[runs[0][0]:runs[0][1]]
    return bool(tags) and all(tag in NOUN_PARTS for tag in tags) and any(tag in NOUN_HEADS for tag in tags)
