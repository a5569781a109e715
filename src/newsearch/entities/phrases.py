"""Kiwi tokens → the noun phrases every entity rule reads, cheaply.

A `Chunk` is a run of noun-like tokens with nothing between them (`분당`+`서울대병원`, `SK`+`텔레콤`,
`홍길동`+`씨`): one written word's nouns. A `Phrase` is chunks separated only by spaces, with an aside in
parentheses kept on the chunk it follows (`허우한민(侯漢敏)`, `김철수(45)`) — `황창규 KT 회장`,
`버락 오바마 미국 대통령` — and the particle that ends it (`은`, `이`, `와`...), which tells a subject.

Speed matters (this runs at indexing, beside Kiwi): each token becomes one letter of a string (a C-level
map over the tags and whether Kiwi knew the word; the forms of brackets and determiners are read one
by one) and regular expressions
find the noun runs in it; only runs with a proper noun, Latin or Hanja letters or an unknown word (UN,
or a common noun Kiwi did not know: names often are one) become
`Phrase`s, and only their tokens are read further. The other runs are skipped, except that a subject
(`정부는`, `관계자는`, `그는`) is kept as a span with its last word when the text quotes someone.
"""

from __future__ import annotations

import re
from itertools import repeat
from operator import attrgetter

from .lexicon import KNOWN_ORGS, MODIFIERS

TAG_AND_OOV = attrgetter("tag", "oov")
# One letter per Kiwi tag: nouns and what goes with them, unknown-word glue (determiners included: 이 사건),
# particles (J for those of a subject or topic, j for the others); brackets (and quotation marks) and
# determiners until their form says which (FORM_CODES).
_TAG_LETTERS = {
    "NNP": "P", "NNG": "G", "NNB": "B", "NR": "n", "SN": "N", "SL": "L", "SH": "H", "XSN": "S", "XPN": "X",
    "NP": "R", "UN": "U", "MM": "M", "SSO": "(", "SSC": ")", "IC": "g", "MAG": "g", "MAJ": "g", "XR": "g",
    "JKS": "J", "JX": "J", "JKC": "j", "JKG": "j", "JKO": "j", "JKB": "j", "JKV": "j", "JKQ": "j", "JC": "j",
}
# (tag, out of Kiwi's vocabulary) → letter: a common noun Kiwi did not know is an unknown word (U), as
# names often are (`최도윤/NNG` at the head of a sentence).
TAG_CODES = {**{(tag, False): letter for tag, letter in _TAG_LETTERS.items()},
             **{(tag, True): letter for tag, letter in _TAG_LETTERS.items()}, ("NNG", True): "U"}
_NOUN = r"[PGBnNLHSXRUM]"
_ASIDE = r"\([^()]{1,14}\)"
# Noun runs (asides of up to 14 tokens in brackets included) with a proper noun, Latin or Hanja letters
# or an unknown word in them, from at most three nouns before the first of these (a title put before a
# name, `비서 황장엽`; a name Kiwi read in pieces); and any noun run right before a subject's particle.
# Listed names Kiwi reads as common nouns (`국토교통부`, `수도권`) are found in the text itself
# (`listed.listed_names`).
INTERESTING_RUN = re.compile(f"{_NOUN}?[PLHU](?:{_NOUN}|{_ASIDE})*")
# Glue written onto the end of a run (a name Kiwi read as a surname and other parts: 김/NNP 범/XPN 석/MM),
# and the nouns after it: read as one run.
GLUE_AND_NOUNS = re.compile(f"g+(?:{_NOUN}|{_ASIDE})*")
RUN_BEFORE_PARTICLE = re.compile(f"{_NOUN}(?:{_NOUN}|{_ASIDE})*(?=J)")
# Tokens whose form decides their letter: brackets (or quotation marks) and determiners.
FORM_DECIDES = re.compile(r"[()M]")
# Form + tag letter → the letter the form gives: M for a determiner that modifies a title (`전 의원`;
# any other is glue, g), brackets for brackets (quotation marks are tagged like them: o). Read-only.
FORM_CODES = {**{word + "M": "M" for word in MODIFIERS}, "((": "(", "))": ")"}
OTHERWISE = {"M": "g", "(": "o", ")": "o"}
SUBJECT_PARTICLES = frozenset({"은", "는", "이", "가", "도", "께서", "께서는"})
QUOTE_MARKS = ("“", '"', "‘", "'")


class Chunk:
    """One written word's nouns: surface `text` at body offsets [start, end), forms and Kiwi tags, and the
    text of a parenthesised aside written right after it ("" if none)."""

    __slots__ = ("text", "start", "end", "forms", "tags", "aside")

    def __init__(self, text: str, start: int, end: int, forms: tuple, tags: tuple):
        self.text, self.start, self.end, self.forms, self.tags = text, start, end, forms, tags
        self.aside = ""

    def __repr__(self) -> str:
        return f"Chunk({self.text!r}@{self.start})"


class Phrase:
    """Chunks separated only by spaces, and the particle right after the last one ("" if none)."""

    __slots__ = ("chunks", "particle", "start", "end")

    def __init__(self, chunks: list[Chunk], particle: str, end: int):
        self.chunks, self.particle = chunks, particle
        self.start, self.end = chunks[0].start, end

    def __repr__(self) -> str:
        return f"Phrase({' '.join(c.text for c in self.chunks)!r}+{self.particle!r})"


class Tokens:
    """A text's Kiwi tokens and one code letter per token (TAG_CODES, then FORM_CODES for the few tokens
    FORM_DECIDES picks), from which the regular expressions above pick the runs to read: one C-level map
    over every token's tag; forms and offsets are read token by token where needed."""

    __slots__ = ("text", "tokens", "codes")

    def __init__(self, text: str, tokens):
        self.text, self.tokens = text, tokens
        codes = "".join(map(TAG_CODES.get, map(TAG_AND_OOV, tokens), repeat("o")))
        letters = None
        for match in FORM_DECIDES.finditer(codes):
            i = match.start()
            letter = codes[i]
            new = FORM_CODES.get(tokens[i].form + letter, OTHERWISE[letter])
            if new != letter:
                letters = letters or list(codes)
                letters[i] = new
        self.codes = "".join(letters) if letters else codes


# Title brackets a publication's name is written in (`<자유일보>는`), each closer with its opener.
TITLE_CLOSERS = {">": "<", "》": "《", "〉": "〈"}
MAX_TITLED_NAME = 20


class Runs:
    """What `phrases_of` found in a text: `phrases` of two tokens or more; `words`, the runs of one token
    (most runs: kept as (start, end, (form, tag), particle) tuples, no objects); `plain_subjects`, with
    `subjects` and a quotation mark in the text, every other noun run its particle marks as a subject,
    as (start, end, particle, its last word: `그`, `관계자`, `장관`)."""

    __slots__ = ("phrases", "words", "plain_subjects")

    def __init__(self):
        self.phrases: list[Phrase] = []
        self.words: list[tuple[int, int, tuple[str, str], str]] = []
        self.plain_subjects: list[tuple[int, int, str, str]] = []


def phrases_of(text: str, tokens, subjects: bool) -> Runs:
    """The noun runs worth reading in `text`, in order (see `Runs`)."""
    toks = Tokens(text, tokens)
    codes = toks.codes
    runs = Runs()
    words, phrases = runs.words, runs.phrases
    read: list[int] = []
    size = len(codes)
    consumed = 0
    for match in INTERESTING_RUN.finditer(codes):
        i, j = match.span()
        if i < consumed:
            continue
        after = codes[j] if j < size else ""
        if after == "g" and tokens[j].start == tokens[j - 1].end:  # 김/NNP 범/XPN 석/MM 쿠팡 대표
            j = consumed = GLUE_AND_NOUNS.match(codes, j).end()
            after = ""
        read.append(j)
        before = codes[i - 1] if i else ""
        if j == i + 1 and before != "g" and after != "g":
            if before == "(" and codes[i] == "L" and tokens[i].form not in KNOWN_ORGS:
                continue  # 태풍(SANBA): Latin letters alone in brackets are no organisation, unless known (IMF)
            token = tokens[i]
            start, end = token.span
            particle = tokens[j].form if j < size and codes[j] == "J" and tokens[j].start == end else \
                _from_particle(toks, j, end)
            words.append((start, end, (token.form, "UN") if codes[i] == "U" else token.form_tag, particle))
        else:
            phrase = _phrase_of(toks, i, j)
            if phrase is not None:
                phrases.append(phrase)
    if subjects and any(mark in text for mark in QUOTE_MARKS):
        read_ends = set(read)
        for match in RUN_BEFORE_PARTICLE.finditer(codes):
            i, j = match.span()
            if j in read_ends:
                continue
            particle = tokens[j].form
            if particle in SUBJECT_PARTICLES and tokens[j].start == tokens[j - 1].end:
                runs.plain_subjects.append((tokens[i].start, tokens[j - 1].end, particle, tokens[j - 1].form))
    return runs


def _phrase_of(toks: Tokens, i: int, j: int) -> Phrase | None:
    """The phrase of the noun run tokens[i:j], with the glue of an unknown word's first syllables
    (`허우/IC 한/MM 민/NNG` → `허우한민`, tagged UN)."""
    text, codes, tokens = toks.text, toks.codes, toks.tokens
    chunks: list[Chunk] = []
    first = i
    while i > 0 and codes[i - 1] == "g" and tokens[i].start == tokens[i - 1].end:
        i -= 1
    chunk_start = tokens[i].start
    forms, tags = ([text[chunk_start:tokens[first].start]], ["UN"]) if i < first else ([], [])
    last_end = tokens[first].start if forms else -1
    k = first
    while k < j:
        if codes[k] == "(":
            close = codes.index(")", k)
            if forms:
                chunks.append(Chunk(text[chunk_start:last_end], chunk_start, last_end, tuple(forms), tuple(tags)))
                forms, tags = [], []
            if chunks:
                chunks[-1].aside = text[tokens[k].end:tokens[close].start]
            last_end, k = tokens[close].end, close + 1
            continue
        token = tokens[k]
        start, end = token.span
        if forms and (start != last_end or codes[k] == "M" or tags[-1] == "MM"):
            chunks.append(Chunk(text[chunk_start:last_end], chunk_start, last_end, tuple(forms), tuple(tags)))
            forms, tags = [], []
        if not forms:
            chunk_start = start
        last_end = end
        form, tag = token.form_tag
        forms.append(form)
        tags.append("UN" if codes[k] in "Ug" else tag)
        k += 1
    if forms:
        chunks.append(Chunk(text[chunk_start:last_end], chunk_start, last_end, tuple(forms), tuple(tags)))
    return Phrase(chunks, _particle(toks, j, last_end), last_end) if chunks else None


def _particle(toks: Tokens, j: int, end: int) -> str:
    """The particle token j is, if it is one and is written right at `end` ("" otherwise); `에서는` as one."""
    if j < len(toks.codes) and toks.codes[j] == "J":
        token = toks.tokens[j]
        if token.start == end:
            return token.form
    return _from_particle(toks, j, end)


def _from_particle(toks: Tokens, j: int, end: int) -> str:
    """`에서는` written at `end` (tokens j and j + 1): an organisation speaking as a topic (`리얼미터에서는 "…"`); or
    the particle after the closing mark of a name written in title brackets (`<자유일보>는`, `《뉴욕타임스》가`)."""
    tokens = toks.tokens
    if j + 1 < len(tokens) and tokens[j].start == end and tokens[j].form in TITLE_CLOSERS:
        opener = toks.text.rfind(TITLE_CLOSERS[tokens[j].form], max(0, end - MAX_TITLED_NAME), end)
        if opener >= 0 and toks.codes[j + 1] == "J" and tokens[j + 1].start == tokens[j].end:
            return tokens[j + 1].form
    if (j + 1 < len(tokens) and tokens[j].form == "에서" and tokens[j].start == end and tokens[j + 1].form == "는"
            and tokens[j + 1].start == tokens[j].end):
        return "에서는"
    return ""
