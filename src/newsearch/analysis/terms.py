"""Index terms from Kiwi tokens: the rules that decide what a search can match.

What becomes an index term:
- nouns (NNG, NNP, NR), roots (XR), verb and adjective stems (VV, VA), Hanja (SH),
  Latin words lower-cased (SL), numbers (SN), URLs, e-mails and hashtags;
- a run of nouns, Latin words and numbers written together (no space between) is also
  indexed whole, so that `헬스케어사업` and `헬스케어 사업` find each other, and `5G` is a term;
- a meaning-carrying prefix (XPN: 비, 무, 반, ...) is kept on its noun (`비급여`), and the noun
  alone is indexed too;
- a long noun that Kiwi keeps whole is also indexed by the parts Kiwi finds in it alone
  (`아산카카오메디컬데이터` -> `아산`, `카카오`, ...), so that a part finds the whole;
- a counter written right after a number (NNB after SN) joins it like a suffix: `3호기` is a term
  and so is `3`, so that `3호기` does not match every `3` and every `호기`;
- headline Hanja abbreviations are indexed with their Korean word as well (`美` -> `미국`).
Particles (J*), endings (E*), punctuation and other function morphemes are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import Callable, Iterator

from ..compiled import speedups
from . import hanja
from .vocabulary import HEADLINE_HANJA

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
MIN_DECOMPOSE_LEN = 3



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


def _norm(form: str, tag: str) -> str:
    return form.lower() if tag in ALNUM_TAGS or tag.startswith("W_") else form


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
    reading = hanja.reading(form) if form not in HEADLINE_HANJA else None
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
        parts, glue, j = _run(toks, i)
        if parts:
            yield parts, _whole(parts, glue)
        i = j


def _run(toks: list[tuple], i: int) -> tuple[list[Part], list[tuple[int, str]], int]:
    """The run of morphemes written together from token i: its parts, the glue between them
    (index in parts after which it stands, text), and the index of the first token after it."""
    parts: list[Part] = []
    glue = []
    prefix = None
    n = len(toks)
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
        elif (ttag == "XSN" and parts and tform not in PLAIN_SUFFIXES) \
                or (ttag == "NNB" and parts and j > i and toks[j - 1][1] == "SN"):
            last = parts[-1]
            parts[-1] = Part(last.text + tform, last.start, tend, last.tag, last.variants + (last.text,))
        elif (tform in ALNUM_GLUE and parts and parts[-1].tag in ALNUM_TAGS and nxt is not None
              and nxt[1] in ALNUM_TAGS and nxt[2] == tend) \
                or (tform == "%" and parts and parts[-1].tag == "SN"):
            glue.append((len(parts), tform))
        else:
            break
        j += 1
    return parts, glue, max(j, i + 1)


def _whole(parts: list[Part], glue: list[tuple[int, str]]) -> str:
    """A run's text as one term ("" for a single morpheme without glue)."""
    if len(parts) == 1 and not glue:
        return ""
    pieces = []
    glue_at = dict(glue)
    for k, p in enumerate(parts, 1):
        pieces.append(p.text)
        if k in glue_at:
            pieces.append(glue_at[k])
    return "".join(pieces)


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
                for k, sub in enumerate(_bound.decompose(p.text)):
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
            tag in ("VV", "VA"), tag in ("NNG", "NNP"), tag == "NNB")
    return sum(1 << k for k, on in enumerate(bits) if on)


class Decomposer:
    """Splits long nouns into the parts Kiwi sees in them alone (an `analysis.Analyzer` is one)."""

    decompositions: dict[str, tuple[str, ...]]

    def decompose(self, word: str) -> tuple[str, ...]:
        raise NotImplementedError


_bound: Decomposer | None = None


def bind(decomposer: Decomposer) -> None:
    """Make `decomposer` the one terms_from_tokens asks about long nouns (its user dictionary decides)."""
    global _bound
    if decomposer is _bound:
        return
    _bound = decomposer
    if speedups:
        speedups.configure(tag_flags, STOP_STEMS, PLAIN_SUFFIXES, ALNUM_GLUE, Term, hanja_variants,
                           decomposer.decompose, decomposer.decompositions, MIN_DECOMPOSE_LEN)


terms_from_tokens_py = terms_from_tokens
terms_from_tokens: Callable = speedups.terms_from_tokens if speedups else terms_from_tokens_py  # noqa: F811
