"""`extract`: an article's title and body (with their Kiwi tokens) → `Entities`.

The title is read first (its names come first in the lists), then the body; boilerplate that names the
reporter or the agency is skipped, the reporter's name is never a person, and a name is kept in one
list only (a person before an organisation before a place).
"""

from __future__ import annotations

import re

from .bylines import byline_spans, inside, reporter_names
from .enumerated import enumerated_orgs
from .listed import listed_names
from .mentions import Found, bare_people, plain_reference, read_phrase, read_word
from .model import Entities
from .phrases import phrases_of
from .quotes import quotations
from .abbreviated import abbreviated_places
from .institutions import institutions
from .titled import ONE_LETTER_PLACES, joined_people, listed_before_people, titled_people
from .lexicon import KNOWN_ORGS, ORG_SUFFIXES, PLATFORMS
from .things import things
from .tokenlists import TokenLists
from .words import NATIONAL_ARMS

# One-letter particles Kiwi may leave on an organisation's name (`쿠팡이츠도`, `롯데홈쇼핑서` for 에서).
GLUED_PARTICLES = frozenset("도서은는이가의를을와과로")
LONG_ORG_ENDINGS = tuple(s for s in ORG_SUFFIXES if len(s) >= 2)
# A name listed with others as companies (`카카오페이와 토스 등 간편송금 업체에`).
LISTED_AS_COMPANIES = r"(?:와|과|,)\s?[^.\n]{0,30}?등\s?(?:[가-힣]+\s){0,2}(?:업체|기업|회사|사업자)"
COMPANIES_LISTED = re.compile(r"등\s?(?:[가-힣]+\s){0,2}(?:업체|기업|회사|사업자)")
# How a foreign region's name with its unit apart ends (`캘리포니아 주`, `후쿠시마 현`, `광둥 성`).
SPACED_UNIT_ENDINGS = (" 주", " 현", " 성", " 시", "화국")  # … 공화국
# Title offsets are moved before every body offset, so that the title's names are first mentions.
TITLE_SHIFT = -(1 << 40)


def extract(title: str, title_tokens, body: str, body_tokens, reporter: str | None = None) -> Entities:
    """People, organisations, places and quotations of one article (see the package docstring).

    `title_tokens` and `body_tokens` are Kiwi's tokens of `title` and `body` as the engine makes them;
    `title_tokens` None means the title is the body's first sentence and adds nothing."""
    found = Found()
    spans, byline_names = byline_spans(body)
    excluded = reporter_names(reporter) | byline_names
    if title_tokens is not None and title:
        _read(found, title, title_tokens, byline_spans(title)[0], TITLE_SHIFT)
    _read(found, body, body_tokens, spans, 0)
    found.sort()
    people, full_names = _people(found, excluded)
    people = _without_cut_names(people, full_names, title + "\n" + body)
    name_words = {word for name in people for word in name.split(" ")}
    orgs = [name for name in _ordered(found.orgs) if name not in excluded and name not in name_words]
    orgs = [name for name in _without_heads(found, orgs) if name not in PLATFORMS or _as_company(name, title, body)]
    orgs = _without_inner(found, orgs)
    orgs = list(dict.fromkeys(_without_particle(name, orgs) for name in orgs))
    made = things(orgs, title, body, _as_company)
    orgs = [name for name in orgs if name not in made]
    places = [name for name in _ordered(found.places) if name not in people and name not in orgs]
    places = _without_unitless(places, title + "\n" + body)
    names = {name: name for name in people + orgs}
    names.update((short, full) for short, full in full_names.items() if full in names)
    names.update((n, n.rsplit(" ", 1)[0]) for n in found.people if n not in names and n.rsplit(" ", 1)[0] in names)
    quotes = quotations(body, found, names)
    return Entities(tuple(people), tuple(orgs), tuple(places), quotes)


def _read(found: Found, text: str, tokens, skipped: list[tuple[int, int]], at_shift: int) -> None:
    """Add to `found` what the title (`at_shift` TITLE_SHIFT: no subjects) or the body names, leaving
    out the `skipped` spans (bylines, datelines)."""
    subjects = at_shift == 0
    runs = phrases_of(text, tokens, subjects)
    for phrase in runs.phrases:
        if not skipped or not inside(skipped, phrase.start):
            read_phrase(phrase, found, at_shift, subjects)
    for word in runs.words:
        if not skipped or not inside(skipped, word[0]):
            read_word(word, text, found, at_shift, subjects)
    for at, name, kind in listed_names(text):
        if not inside(skipped, at):
            found.listed(name, kind, at + at_shift)
    tl = TokenLists(tokens)
    for name, at in abbreviated_places(text, tl):
        if not skipped or not inside(skipped, at):
            found.place(name, at + at_shift)
    for name, at in institutions(text, tl, tokens):
        if (not skipped or not inside(skipped, at)) and name not in found.people:
            found.org(name, at + at_shift)
    listed = enumerated_orgs(text, tl, tokens) if any(name in KNOWN_ORGS for name in found.orgs) else ()
    for name, at in listed:  # only beside a known organisation the article names
        if (not skipped or not inside(skipped, at)) and name not in found.people and name not in found.places:
            found.org(name, at + at_shift)
    for name, title, at in titled_people(text, tokens, tl):
        if (not skipped or not inside(skipped, at)) and name not in found.orgs and name not in found.places:
            found.person(name, title, at + at_shift)
    people = list(found.people)
    for name, title, at in listed_before_people(text, tl, people) + joined_people(text, tl, people):
        if (not skipped or not inside(skipped, at)) and name not in found.orgs and name not in found.places:
            found.person(name, title, at + at_shift)
    found.subjects.extend((start, end, particle, plain_reference(text[start:end], word))
                          for start, end, particle, word in runs.plain_subjects)
    if subjects:
        bare_people(found, text)


def _as_company(name: str, title: str, body: str) -> bool:
    """A platform's name is the company somewhere in the article: its clause's subject or topic (`트위터는 …`,
    not `자신의 트위터는`), or with `측`, `관계자`, `본사`, `주가`, its leaders after it."""
    for text in (title, body):
        for m in re.finditer(re.escape(name) + "(?![가-힣A-Za-z])|" + re.escape(name) + " ?(측|관계자|본사|주가|최고경영자|"
                             "CEO|창업자|대변인|대표)|" + re.escape(name) + "(은|는|이|가|도)(?![가-힣])", text):
            owned = text[max(0, m.start() - 4):m.start()].rstrip().endswith(("의", "자신", "공식"))
            if (m.group(1) or m.group(2)) and not owned:
                return True
        if COMPANIES_LISTED.search(text) and re.search(re.escape(name) + LISTED_AS_COMPANIES, text):
            return True  # 카카오페이와 토스 등 간편송금 업체
    return False


def _without_cut_names(people: list[str], full_names: dict[str, str], text: str) -> list[str]:
    """The people less a two-syllable name read off a three-syllable one (`문태/NNP 현/MM` of `문태현`) that the
    text never writes alone; `full_names` maps it to the whole name (for the speakers)."""
    out = []
    for name in people:
        whole = next((p for p in people if len(name) == 2 and len(p) == 3 and p.startswith(name)), None)
        if whole is not None and text.count(name) == text.count(whole):
            full_names[name] = whole
        else:
            out.append(name)
    return out


def _country_letter_last(name: str) -> bool:
    """A name whose last written word is a one-letter country name (`존 케리 미`), not a syllable of it (`제프 딘`)."""
    return " " in name and name.rsplit(" ", 1)[1] in ONE_LETTER_PLACES


def _without_heads(found: Found, orgs: list[str]) -> list[str]:
    """The organisations less those named only as the first word of a longer one (`네이처` of `네이처
    나노테크놀로지`, `구글` of `구글 차이나`), and a national arm's word alone (`차이나`)."""
    at: dict[str, set[int]] = {}
    for name, offset in zip(found.org_mentions, found.org_offsets):
        at.setdefault(name, set()).add(offset)
    longer = [name for name in orgs if " " in name]
    return [name for name in orgs if name not in NATIONAL_ARMS and not any(
        other.startswith(name + " ") and at.get(name, set()) <= at.get(other, set()) for other in longer)]


def _without_particle(name: str, orgs: list[str]) -> str:
    """An organisation's name less a particle Kiwi left on it (`쿠팡이츠도`, `롯데홈쇼핑서`, `티몬의`) when the rest is an
    organisation too: one the article names, a listed one, or one with an organisation's ending."""
    if len(name) < 3 or name[-1] not in GLUED_PARTICLES:
        return name
    stem = name[:-1]
    return stem if stem in orgs or stem in KNOWN_ORGS or stem.endswith(LONG_ORG_ENDINGS) else name


def _without_unitless(places: list[str], text: str) -> list[str]:
    """The places less a foreign region's name the text writes only with its unit apart (`캘리포니아` of `캘리포니아
    주`, the name kept as written)."""
    spaced = [name for name in places if name.endswith(SPACED_UNIT_ENDINGS) and " " in name]
    if not spaced:
        return places
    out = []
    for name in places:
        with_unit = [other for other in spaced if other.startswith(name + " ")]
        if not with_unit or text.count(name) > sum(text.count(other) for other in with_unit):
            out.append(name)
    return out


def _without_inner(found: Found, orgs: list[str]) -> list[str]:
    """The organisations less those whose every mention lies inside a longer one's (`미국대사관` of `주한
    미국대사관`): the text names the longer one there."""
    spans: dict[str, list[int]] = {}
    for name, offset in zip(found.org_mentions, found.org_offsets):
        spans.setdefault(name, []).append(offset)
    longer = [(at, at + len(name)) for name in orgs if len(name) >= 4 for at in spans.get(name, ())]
    if not longer:
        return orgs
    return [name for name in orgs if not spans.get(name) or not all(
        any(a <= at and at + len(name) <= b and b - a > len(name) for a, b in longer) for at in spans[name])]


def _ordered(first_mentions: dict[str, int]) -> list[str]:
    """Names by their first offset (ties: in the order they were found)."""
    return sorted(first_mentions, key=first_mentions.__getitem__)


def _people(found: Found, excluded: set[str]) -> tuple[list[str], dict[str, str]]:
    """(people in order of first mention, without reporters, and with a foreign name's short form
    (`오바마`) folded into its full form (`버락 오바마`), which takes the earlier of the two places;
    the full form of each short form folded)."""
    people = found.people
    firsts = dict(people)
    full_of: dict[str, str] = {}
    for name in people:
        if " " in name:
            for part in (name.split(" ")[-1], name.split(" ")[0]):
                if part in people and part != name:
                    full_of[part] = name
                    firsts[name] = min(firsts[name], people[part])
    names = [n for n in firsts if n not in full_of and n not in excluded and n not in found.orgs
             and not any(len(w) >= 3 and w[-1] in "와과" for w in n.split(" ")[:-1])]  # `알렉사와 클라우드`: two words
    # `존 케리 미 국무장관`: a one-letter country name read as the name's last word
    for n in [n for n in names if _country_letter_last(n)]:
        firsts.setdefault(n.rsplit(" ", 1)[0], firsts[n])
    names = list(dict.fromkeys(n.rsplit(" ", 1)[0] if _country_letter_last(n) else n for n in names))
    return sorted(names, key=firsts.__getitem__), full_of
