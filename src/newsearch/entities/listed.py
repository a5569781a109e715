"""Listed organisations, regions and public figures found in the text itself, whatever Kiwi made of them: it reads
ministries and agencies as common nouns (`국토교통부`, `식약처`), regions too (`수도권`), and splits some
companies (`배달/의/민족`); and institutions named with a common-noun stem and an institution's ending
(`국어학회`, `법제사법위원회`, `한국개발연구원`).

Reading the form of every common noun Kiwi produced would cost more than all the other rules; a set
intersection of the text's words with the listed names (written with or without a particle) and one
search for the institution endings cost a fraction of it.
"""

from __future__ import annotations

import re

from .gazetteer import COUNTRIES, REGIONS
from .lexicon import (COMMON_STEM_ORG_SUFFIXES, COMMON_SURNAMES, GIVEN_SYLLABLES, KNOWN_ORGS, PERSON_TITLES,
                      PUBLIC_FIGURES)
from .words import NOT_ORG_ENDINGS, ORG, PLACE

# Particles and endings a listed name is written with (`국방부는`, `수도권에서`, `식약처측`).
PARTICLES = ("", "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "로", "으로", "에서", "에게", "에는",
             "에서는", "과의", "와의", "만", "까지", "부터", "측", "측은", "측이", "측의", "이다", "이나", "나", "에도",
             "에선", "처럼", "보다", "과는", "와는", "에서도", "으로부터", "로부터", "이라는", "라는", "엔", "께", "에서의",
             "상", "상으로", "상에서", "상의", "일대", "일대에서", "일대의", "지역", "지역에서", "지역의", "지역은")  # 동해상으로
# A listed person's kind (`listed_names` gives it with ORG and PLACE).
PERSON = "person"
LISTED_KINDS = {name: ORG for name in KNOWN_ORGS if re.fullmatch("[가-힣]+", name)}
LISTED_KINDS.update((name, PLACE) for name in REGIONS)
LISTED_KINDS.update((name, PERSON) for name in PUBLIC_FIGURES)
# Hangul words that begin as a listed name begins (most words do not: fewer to look up).
LISTED_WORDS = re.compile("(?<![가-힣])[" + "".join(sorted({name[0] for name in LISTED_KINDS})) + "][가-힣]+")
# Each listed name with each particle → the name (read-only).
WRITTEN_NAMES = {name + particle: name for name in LISTED_KINDS for particle in PARTICLES}
# A name of two Hangul words with its Japanese original aside, family and given name written apart.
_KANA_KANJI = "[\u3040-\u30ff\u4e00-\u9fff]{1,6}"
JAPANESE_GLOSS = re.compile(r"\(" + _KANA_KANJI + "[ \u3000]" + _KANA_KANJI + r"[,)]")
JAPANESE_NAME_BEFORE = re.compile(r"(?<![가-힣])([가-힣]{2,6} [가-힣]{1,6})\s?$")
# A foreign name of two or three Hangul words (two syllables or more each) with its Latin original aside.
LATIN_GLOSS = re.compile(r"\(((?:[A-Z][a-z'\-]+ ){1,2}[A-Z][a-z'\-]+)[,)]")
NAME_BEFORE_GLOSS = re.compile(r"(?<![가-힣])([가-힣]{2,8}(?: [가-힣]{2,8}){1,2})[’'\"”]?\s?$")
MAX_NAME_BEFORE = 30
# Latin words of places and bodies, not of a person's name.
NOT_NAME_LATIN = frozenset("""
Japan Korea Korean China Chinese America American British English French German New San Santa Saint St Los Las
North South East West County City State States Center Centre Research University College Institute House Hands Party
Times Post News Group Company Bank Park Street Road River Lake Island Mountain Republic National International
Foundation Association Society Council Committee Agency Office Ministry Department Press Journal Review Magazine
Network Systems Technologies Labs Inc Ltd Corporation Charity Convention Partnership Railroad Communications Nano
Horizons Home Air Award Prize Festival Project Program Act Law Church Museum School Hospital Airport Station
Science Nature Scientific Reports Advances Materials Fund Green Climate Cell Letters Physics Chemistry Medicine Energy
Proceedings Annals Lancet Engineering Biology Academy Today World Global Digital Data Space Health
""".split())
# A diplomatic mission with the country it serves in after 주 (`주러시아 대한민국 대사관`, `주한 미국대사관`).
_COUNTRY = "|".join(sorted(COUNTRIES | {"한", "미", "일", "중", "러", "영", "독", "불", "북", "유엔"}, key=len, reverse=True))
EMBASSY = re.compile(r"(?<![가-힣])주(?:" + _COUNTRY + r")(?:\s?(?:" + "|".join(sorted(COUNTRIES, key=len, reverse=True))
                     + r"))?\s?(?:대사관|총영사관|영사관|대표부)(?=(?:" + "|".join(sorted((p for p in PARTICLES if p), key=len,
                                                                                  reverse=True)) + r")?(?![가-힣]))")
INSTITUTION_ENDING = re.compile("|".join(s + ("(?!원회)" if s.endswith("위") else "")  # 추진위, not 추진위원회's first letters
                                         for s in sorted(COMMON_STEM_ORG_SUFFIXES, key=len, reverse=True)))
# A lead cut off inside its last item, a list of people with their bodies and titles (`정수현 현대건설 사장, 박철홍
# 한라건설..`): the item before it titled, the last a three-syllable Korean name and a word, then the cut mark.
CUT_LIST_END = re.compile(r"(?<![가-힣])([가-힣]{3}) [가-힣A-Za-z]{1,12}(?:\.\.+|…)\s*$")
TITLED_ITEM_END = re.compile(r"(?<![가-힣])[가-힣]{3} (?:[가-힣A-Za-z]+ ){1,2}([가-힣]+)\s?(?:,|과|와|및)\s?$")
MAX_CUT_ITEM = 24
# Letters an institution's name needs before its ending (`조사위원회` is any body's committee).
MIN_INSTITUTION_STEM = 3


def listed_names(text: str) -> list[tuple[int, str, str]]:
    """(offset, name, ORG or PLACE) of every listed name and institution written as a word of `text`."""
    out: list[tuple[int, str, str]] = []
    for written in WRITTEN_NAMES.keys() & LISTED_WORDS.findall(text):
        name = WRITTEN_NAMES[written]
        out.extend((at, name, LISTED_KINDS[name]) for at in _word_offsets(text, written))
    for match in INSTITUTION_ENDING.finditer(text):
        start = match.start()
        while start > 0 and "가" <= text[start - 1] <= "힣":
            start -= 1
        end = match.end()
        name = text[start:end]
        rest = end
        while rest < len(text) and "가" <= text[rest] <= "힣":
            rest += 1
        if (match.start() - start >= MIN_INSTITUTION_STEM and text[end:rest] in PARTICLES and name not in PERSON_TITLES
                and not name.endswith(NOT_ORG_ENDINGS) and name not in LISTED_KINDS):
            out.append((start, name, ORG))
    return out + _embassies(text) + _glossed_in_japanese(text) + _glossed_in_latin(text) + _cut_off_in_list(text)


def _cut_off_in_list(text: str) -> list[tuple[int, str, str]]:
    """(offset, name, PERSON) of the last person of a list of titled people that a lead's cut-off ends before their
    title (`김석중 현대인베스트먼트 대표, 정수현 현대건설 사장, 박철홍 한라건설..`): a name written like a Korean one
    (common surname, given-name syllables) after an item that ends with a person's title."""
    last = CUT_LIST_END.search(text, max(0, len(text) - MAX_CUT_ITEM - 8))
    if last is None:
        return []
    name = last.group(1)
    before = TITLED_ITEM_END.search(text, max(0, last.start() - 40), last.start())
    if (before is None or before.group(1) not in PERSON_TITLES or name[0] not in COMMON_SURNAMES
            or not all(c in GIVEN_SYLLABLES for c in name[1:])):
        return []
    return [(last.start(1), name, PERSON)]


def _glossed_in_japanese(text: str) -> list[tuple[int, str, str]]:
    """(offset, name, PERSON) of each name of two Hangul words written with its Japanese original aside, family and
    given name apart (`츠다 타카토시(津田 タカトシ)`): a Japanese person's name."""
    out = []
    for g in JAPANESE_GLOSS.finditer(text):
        m = JAPANESE_NAME_BEFORE.search(text, max(0, g.start() - MAX_NAME_BEFORE), g.start())
        if m is not None:
            out.append((m.start(1), m.group(1), PERSON))
    return out


def _glossed_in_latin(text: str) -> list[tuple[int, str, str]]:
    """(offset, name, PERSON) of each foreign name of two or three Hangul words glossed with as many capitalised Latin
    words (`릴라 트레티코프 (Lila Tretikov)`, `마이크 펜스(Mike Pence)`), none of them a word of places, bodies or
    journals (`퓨 리서치 센터(Pew Research Center)`, `재팬 핸즈(Japan Hands)`), no Hangul word a listed place or body or
    ending in a particle (`하나는 로키아케움`)."""
    out = []
    for g in LATIN_GLOSS.finditer(text):
        m = NAME_BEFORE_GLOSS.search(text, max(0, g.start() - MAX_NAME_BEFORE), g.start())
        if m is None:
            continue
        hangul, latin = m.group(1).split(" "), g.group(1).split(" ")
        if len(hangul) < len(latin) or NOT_NAME_LATIN & set(latin):
            continue
        name = " ".join(hangul[-len(latin):])  # `사무총장 릴라 트레티코프 (Lila Tretikov)`: the last words
        if not any(word in LISTED_KINDS or word in COUNTRIES or word[-1] in "은는을를의와과도" for word in name.split(" ")):
            out.append((m.end(1) - len(name), name, PERSON))
    return out


def _embassies(text: str) -> list[tuple[int, str, str]]:
    """(offset, name, ORG) of each mission named with the country it serves in (`주러시아 대한민국 대사관`, `주한
    미국대사관`, `주일대사관`), written as the text writes it."""
    if "관" not in text and "대표부" not in text:
        return []
    return [(m.start(), m.group(), ORG) for m in EMBASSY.finditer(text)]


def _word_offsets(text: str, word: str) -> list[int]:
    """Offsets where `word` stands as a whole Hangul word in `text`."""
    out = []
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not "가" <= text[at - 1] <= "힣") and (end == len(text) or not "가" <= text[end] <= "힣"):
            out.append(at)
        at = text.find(word, end)
    return out
