"""Korean morphological analysis with Kiwi, shaped into Whoosh tokens.

One Kiwi is built lazily per process (it takes a second or more to load). The Whoosh
tokenizer holds only options, because Whoosh pickles it into the index schema.

What becomes an index term:
- nouns (NNG, NNP, NR), roots (XR), verb and adjective stems (VV, VA), Hanja (SH),
  Latin words lower-cased (SL), numbers (SN), URLs, e-mails and hashtags;
- a run of nouns, Latin words and numbers written together (no space between) is also
  indexed whole, so that `헬스케어사업` and `헬스케어 사업` find each other, and `5G` is a term;
- a meaning-carrying prefix (XPN: 비, 무, 반, ...) is kept on its noun (`비급여`), and the noun
  alone is indexed too;
- a long noun that Kiwi keeps whole is also indexed by the parts Kiwi finds in it alone
  (`아산카카오메디컬데이터` -> `아산`, `카카오`, ...), so that a part finds the whole;
- headline Hanja abbreviations are indexed with their Korean word as well (`美` -> `미국`).
Particles (J*), endings (E*), punctuation and other function morphemes are dropped.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Iterable, Iterator

from whoosh.analysis import Token, Tokenizer

from . import config, vocabulary
from .compiled import speedups
from .vocabulary import HEADLINE_HANJA, UserWord

# Tags whose morpheme is a content term.
NOUN_TAGS = frozenset({"NNG", "NNP", "NR"})
CONTENT_TAGS = NOUN_TAGS | {"XR", "VV", "VA", "SH", "SL", "SN", "W_URL", "W_EMAIL", "W_HASHTAG", "W_MENTION", "W_SERIAL"}
# Light verbs and adjectives that carry grammar, not topic (하다, 있다, 대하다, 위하다, ...).
STOP_STEMS = frozenset("하 되 있 없 않 같 대하 위하 통하 관하 의하 따르 이 아니 보 주 말 그렇 이렇 어떻 어떠하 이러하 그러하".split())
# Tags that glue into a compound run when written without a space.
RUN_TAGS = NOUN_TAGS | {"XR", "SL", "SN", "SH"}
ALNUM_TAGS = frozenset({"SL", "SN"})
# Noun suffixes that make a new word (상용+화, 과학+자); the plural 들 does not.
PLAIN_SUFFIXES = frozenset({"들"})
# Connectors that keep an alphanumeric term whole: KT&G, COVID-19, 3.5GHz, 35.47%.
ALNUM_GLUE = frozenset({"&", "-", "%", ".", "+", "/"})
# Long single nouns are also split into the parts Kiwi sees in them alone.
MIN_DECOMPOSE_LEN = 4



@dataclass(slots=True)
class Term:
    """One index term: text, token position, character span in the analysed text.

    Not frozen: a frozen dataclass costs three times as much to build, and indexing builds
    millions (treat it as immutable all the same).
    """

    text: str
    pos: int
    start: int
    end: int


_kiwis: dict[str, object] = {}
_active: tuple[UserWord, ...] = ()
_kiwi_lock = threading.Lock()


def use_dictionary(words: tuple[UserWord, ...]) -> None:
    """Make `words` the user dictionary of this process's analysis (a no-op when unchanged)."""
    global _active
    words = tuple(words)
    if words != _active:
        with _kiwi_lock:
            _active = words
            _decompositions.clear()
            _synonym_groups_analysed.cache_clear()


def active_dictionary() -> tuple[UserWord, ...]:
    return _active


def get_kiwi():
    """The process's Kiwi for the active user dictionary, built on first use."""
    key = vocabulary.dict_hash(_active)
    kiwi = _kiwis.get(key)
    if kiwi is None:
        with _kiwi_lock:
            kiwi = _kiwis.get(key)
            if kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(num_workers=config.kiwi_workers(), load_typo_dict=False, load_multi_dict=False)
                for w in _active:
                    kiwi.add_user_word(w.word, w.tag, w.score)
                _kiwis[key] = kiwi
    return kiwi


def _norm(form: str, tag: str) -> str:
    return form.lower() if tag in ALNUM_TAGS or tag.startswith("W_") else form


_decompositions: dict[str, tuple[str, ...]] = {}
MAX_DECOMPOSITIONS = 500_000


def _split_of(word: str, candidates) -> tuple[str, ...]:
    for tokens, _score in candidates:
        parts = tuple(t.form for t in tokens)
        if len(parts) > 1 and all(t.tag in NOUN_TAGS for t in tokens) and "".join(parts) == word:
            return parts
    return ()


def decompose(word: str) -> tuple[str, ...]:
    """The nouns of the best split Kiwi sees in `word` written alone (empty if it has none)."""
    parts = _decompositions.get(word)
    if parts is None:
        parts = _split_of(word, get_kiwi().analyze(word, top_n=3))
        _remember(word, parts)
    return parts


def _remember(word: str, parts: tuple[str, ...]) -> None:
    if len(_decompositions) >= MAX_DECOMPOSITIONS:
        _decompositions.clear()
    _decompositions[word] = parts


@dataclass(slots=True)
class Part:
    """One morpheme of a run: its main term, span, tag and terms indexed beside it."""

    text: str
    start: int
    end: int
    tag: str
    variants: tuple[str, ...] = ()


@lru_cache(maxsize=50_000)
def hanja_variants(form: str) -> tuple[str, ...]:
    """Korean words a Hanja token also stands for: 美 -> 미국; 美中 -> 미국, 중국, 미중; 與野 -> 여당, 야당, 여야."""
    out: list[str] = []
    if form in HEADLINE_HANJA:
        out.append(HEADLINE_HANJA[form])
    elif len(form) <= 3 and all(ch in HEADLINE_HANJA for ch in form):
        out.extend(HEADLINE_HANJA[ch] for ch in form)
    reading = vocabulary.hanja_reading(form) if form not in HEADLINE_HANJA else None
    if reading and reading not in out:
        out.append(reading)
    return tuple(dict.fromkeys(out))


def segments(tokens) -> Iterator[tuple[list[Part], str]]:
    """Group Kiwi tokens into runs of content morphemes written together.

    Yields (parts, whole): `whole` is the run's text as one term (or "" when the run is a
    single plain morpheme). Function morphemes are skipped.
    """
    # (form, tag, start, end) once per token: a Kiwi token's attributes are built on each access.
    toks = [(t.form, t.tag, t.start, t.start + t.len) for t in tokens]
    n = len(toks)
    i = 0
    while i < n:
        form, tag, start, end = toks[i]
        if tag not in RUN_TAGS and tag != "XPN":
            if tag in CONTENT_TAGS and not (tag in ("VV", "VA") and form in STOP_STEMS):
                yield [Part(_norm(form, tag), start, end, tag)], ""
            i += 1
            continue
        parts: list[Part] = []
        glue = []  # (index in parts after which the glue stands, text)
        prefix = None
        j = i
        while j < n:
            tform, ttag, tstart, tend = toks[j]
            if j > i and toks[j - 1][3] != tstart:  # not written together with the previous token
                break
            nxt = toks[j + 1] if j + 1 < n else None
            if ttag == "XPN" and nxt is not None and nxt[1] in NOUN_TAGS and nxt[2] == tend:
                prefix = toks[j]
            elif ttag in RUN_TAGS:
                norm = _norm(tform, ttag)
                if prefix is not None:
                    parts.append(Part(prefix[0] + norm, prefix[2], tend, ttag, (norm,)))
                    prefix = None
                elif ttag == "SH":
                    parts.append(Part(norm, tstart, tend, ttag, hanja_variants(norm)))
                else:
                    parts.append(Part(norm, tstart, tend, ttag))
            elif ttag == "XSN" and parts and tform not in PLAIN_SUFFIXES:
                last = parts[-1]
                parts[-1] = Part(last.text + tform, last.start, tend, last.tag, last.variants + (last.text,))
            elif (tform in ALNUM_GLUE and parts and parts[-1].tag in ALNUM_TAGS and nxt is not None
                  and nxt[1] in ALNUM_TAGS and nxt[2] == tend) \
                    or (tform == "%" and parts and parts[-1].tag == "SN"):
                glue.append((len(parts), tform))
            else:
                break
            j += 1
        if j == i:
            j += 1
        if not parts:
            i = j
            continue
        whole = ""
        if len(parts) > 1 or glue:
            pieces = []
            glue_at = dict(glue)
            for k, p in enumerate(parts, 1):
                pieces.append(p.text)
                if k in glue_at:
                    pieces.append(glue_at[k])
            whole = "".join(pieces)
        yield parts, whole
        i = j


_BY_POSITION = attrgetter("pos", "start")


def terms_from_tokens(tokens) -> list[Term]:
    """Turn Kiwi tokens into index terms (see the module docstring for the rules)."""
    out: list[Term] = []
    pos = 0
    for parts, whole in segments(tokens):
        first = pos
        for p in parts:
            out.append(Term(p.text, pos, p.start, p.end))
            for v in p.variants:
                out.append(Term(v, pos, p.start, p.end))
            if p.tag in ("NNG", "NNP") and len(p.text) >= MIN_DECOMPOSE_LEN and not p.variants:
                for k, sub in enumerate(decompose(p.text)):
                    out.append(Term(sub, pos + k, p.start, p.end))
            pos += 1
        if whole:
            end = parts[-1].end + (1 if whole.endswith("%") and not parts[-1].text.endswith("%") else 0)
            out.append(Term(whole, first, parts[0].start, end))
    # Whoosh delta-encodes each term's positions: keep them ascending.
    out.sort(key=_BY_POSITION)
    return out


def tag_flags(tag: str) -> int:
    """The tag's classes above as bits, in the order _speedups.c numbers them."""
    bits = (tag in CONTENT_TAGS, tag in RUN_TAGS, tag in NOUN_TAGS, tag in ALNUM_TAGS,
            tag in ALNUM_TAGS or tag.startswith("W_"), tag == "XPN", tag == "XSN", tag == "SH", tag == "SN",
            tag in ("VV", "VA"), tag in ("NNG", "NNP"))
    return sum(1 << k for k, on in enumerate(bits) if on)


terms_from_tokens_py = terms_from_tokens
if speedups:
    speedups.configure(tag_flags, STOP_STEMS, PLAIN_SUFFIXES, ALNUM_GLUE, Term, hanja_variants, decompose,
                       _decompositions, MIN_DECOMPOSE_LEN)
    terms_from_tokens = speedups.terms_from_tokens  # noqa: F811 (the compiled twin)


@dataclass(frozen=True, slots=True)
class QueryUnit:
    """One concept of a query: any of `alternatives` matches (each a term or a phrase)."""

    alternatives: tuple[tuple[str, ...], ...]
    start: int
    end: int

    def terms(self) -> set[str]:
        return {t for alt in self.alternatives for t in alt}


def query_units(text: str, synonyms: bool = True) -> list[QueryUnit]:
    """The concepts of a free-text query, matching how documents were indexed."""
    units: list[QueryUnit] = []
    if not text.strip():
        return units
    syn = _synonym_map() if synonyms else {}
    for parts, whole in segments(get_kiwi().tokenize(text)):
        start, end = parts[0].start, parts[-1].end
        if whole:
            alts = [(whole,)]
            # `5G` must not match a lone 5 and G; a mixed run may also match as a phrase.
            if not all(p.tag in ALNUM_TAGS for p in parts):
                alts.append(tuple(p.text for p in parts))
        else:
            p = parts[0]
            alts = [(p.text,)]
            if p.tag == "SH":
                alts.extend((v,) for v in p.variants)
            elif p.tag in ("NNG", "NNP") and len(p.text) >= MIN_DECOMPOSE_LEN and not p.variants:
                sub = decompose(p.text)
                if sub:
                    alts.append(sub)
        for form in syn.get(alts[0], ()):
            if form not in alts:
                alts.append(form)
        units.append(QueryUnit(tuple(alts), start, end))
    return units


def _form(text: str) -> tuple[str, ...]:
    """A synonym's indexed form: its one concept's main form, or its concepts as a phrase."""
    units = query_units(text, synonyms=False)
    if len(units) == 1:
        return units[0].alternatives[0]
    return tuple(u.alternatives[0][0] for u in units)


@lru_cache(maxsize=4)
def _synonym_groups_analysed(groups: tuple[tuple[str, ...], ...]) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    out: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for group in groups:
        forms = [f for f in (_form(item) for item in group) if f]
        for f in forms:
            others = out.setdefault(f, [])
            others.extend(g for g in forms if g != f and g not in others)
    return {k: tuple(v) for k, v in out.items()}


def _synonym_map() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Form -> the forms of its synonyms, under the active dictionary."""
    return _synonym_groups_analysed(vocabulary.synonym_groups())


def alternative_terms(text: str) -> set[str]:
    """Terms of Kiwi's second and third readings of `text` (what its best reading misses)."""
    if not text.strip():
        return set()
    out: set[str] = set()
    for tokens, _score in get_kiwi().analyze(text, top_n=3)[1:]:
        for parts, whole in segments(tokens):
            out.update(p.text for p in parts if len(p.text) > 1 or p.tag not in ("NNG", "NNP"))
            if whole:
                out.add(whole)
    return out


def phrase_terms(text: str) -> list[str]:
    """The main terms of `text` in order, for an exact phrase query."""
    return [p.text for parts, _ in segments(get_kiwi().tokenize(text)) for p in parts]


def fingerprint() -> str:
    """Identifies the analysis rules and Kiwi version: a change means documents need re-analysis."""
    import kiwipiepy

    return f"a2:kiwi{kiwipiepy.__version__}"


def analyze(text: str) -> list[Term]:
    """Index terms of one text (runs Kiwi)."""
    if not text:
        return []
    return terms_from_tokens(get_kiwi().tokenize(text))


def analyze_many(texts: Iterable[str]) -> Iterator[list[Term]]:
    """Index terms of many texts, tokenized by Kiwi's worker threads in input order.

    Kiwi's `tokenize(iterable)` reads only ~16 texts per worker ahead of whoever consumes it.
    For short texts (reviews) an indexing loop that spends about as long per document as Kiwi
    does made the workers stop and restart for every text (idle most of the time, and burning
    CPU on the restarts). So when the first texts are short (mean under FEED_SHORT_CHARS), a
    helper thread drives Kiwi: it pulls `texts` (the iterable is then consumed on that thread),
    turns each result into terms and queues them, up to FEED_AHEAD texts ahead of the caller;
    the workers then run in long bursts. For long texts (articles) Kiwi's own read-ahead keeps
    the workers busy, and a second Python thread only adds GIL hand-offs (measured: 0.95 of Kiwi
    alone's throughput direct, 0.82 through the helper), so they are analysed on this thread.

    A long noun seen for the first time is decomposed right there by a single-text Kiwi call
    (`decompose`), so the workers keep going on the texts already handed to them.
    """
    texts = iter(texts)
    head = list(itertools.islice(texts, FEED_PROBE))
    if not head:
        return  # nothing to analyse: do not pay for loading Kiwi (a no-op re-index)
    short = sum(map(len, head)) < FEED_SHORT_CHARS * len(head)
    texts = itertools.chain(head, texts)
    if FEED_AHEAD <= 0 or not short:
        for tokens in get_kiwi().tokenize(texts):
            yield terms_from_tokens(tokens)
        return
    yield from _analyze_ahead(texts, FEED_AHEAD)


# How many texts analyze_many looks at to tell short from long ones, and the mean length (in
# characters) under which they count as short.
FEED_PROBE = 64
FEED_SHORT_CHARS = 200
# Texts analysed ahead of the consumer of analyze_many (0: analyse on the caller's thread).
FEED_AHEAD = 1024
# While the helper thread runs, the GIL changes hands after 1 ms instead of 5 ms: the helper
# then hands Kiwi its next texts before the workers run dry.
FEED_SWITCH_INTERVAL = 0.001
_END = object()


def _analyze_ahead(texts: Iterator[str], ahead: int) -> Iterator[list[Term]]:
    """analyze_many through a helper thread and a queue of at most `ahead` results.

    The helper waits when the queue is full until it is half empty. An exception on the helper
    (from Kiwi or from `texts`) is raised here, in order; closing this generator stops the helper.
    """
    queue: deque = deque()
    cond = threading.Condition()
    stop = []
    low = ahead // 2

    def run() -> None:
        end = (_END, None)
        try:
            for tokens in get_kiwi().tokenize(texts):
                terms = terms_from_tokens(tokens)
                with cond:
                    queue.append(terms)
                    if len(queue) == 1:
                        cond.notify()
                    if len(queue) >= ahead:
                        while len(queue) > low and not stop:
                            cond.wait()
                    if stop:
                        return
        except BaseException as e:  # handed to the consumer
            end = (_END, e)
        with cond:
            queue.append(end)
            cond.notify()

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(old_interval, FEED_SWITCH_INTERVAL))
    helper = threading.Thread(target=run, name="newsearch-analysis", daemon=True)
    helper.start()
    try:
        while True:
            with cond:
                while not queue:
                    cond.wait()
                item = queue.popleft()
                if len(queue) == low:
                    cond.notify()
            if type(item) is tuple and item[0] is _END:
                if item[1] is not None:
                    raise item[1]
                return
            yield item
    finally:
        with cond:
            stop.append(True)
            cond.notify_all()
        sys.setswitchinterval(old_interval)


class AnalyzedText(str):
    """A string that carries its terms, so the index never runs Kiwi twice on it."""

    __slots__ = ("terms",)

    def __new__(cls, text: str, terms: list[Term]):
        obj = super().__new__(cls, text)
        obj.terms = terms
        return obj

    def __reduce__(self):  # stored as a plain string
        return (str, (str(self),))


class KiwiTokenizer(Tokenizer):
    """Whoosh tokenizer over Kiwi terms; honours positions, chars, start_pos and start_char."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        terms = value.terms if isinstance(value, AnalyzedText) else analyze(value)
        for term in terms:
            token.text = term.text
            token.boost = 1.0
            if keeporiginal:
                token.original = term.text
            token.stopped = False
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


def KoreanAnalyzer():
    """The analyzer every text field of the index uses."""
    return KiwiTokenizer()
