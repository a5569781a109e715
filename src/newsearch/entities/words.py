"""What one noun chunk is: a Korean or foreign name, an organisation, a place, a title, a pointer at an
organisation (`측`, `관계자`), a pronoun, a date or a modifier — decided from its surface, its Kiwi tags
and the word lists, without context (the phrase rules in `mentions.py` add the context).
"""

from __future__ import annotations

import re

from .gazetteer import BARE_DISTRICTS, DISTRICTS, LOCAL_SUFFIXES, PLACES_NEEDING_NNP, PROVINCES, REGIONS
from .lexicon import (COMMON_STEM_ORG_SUFFIXES, COMPOUND_HEADS, DOUBLE_SURNAMES, GIVEN_SYLLABLES, KNOWN_ORGS, MODIFIERS,
                      NOT_ORG_ACRONYMS, NOT_ORG_WORDS, ORG_POINTERS, ORG_STEMS, ORG_SUFFIXES, PERSON_TITLES, PRONOUNS,
                      SHORT_ORG_SUFFIXES, SURNAMES, TITLE_FOLLOWERS, WEAK_TITLES)
from .phrases import Chunk

# Kinds of chunk (plain strings: they are compared, never shown).
MOD, DATE, TITLE, POINTER, PRONOUN, ORG, PLACE, KNAME, FNAME, OTHER = (
    "mod", "date", "title", "pointer", "pronoun", "org", "place", "kname", "fname", "other")

HANGUL = re.compile(r"[가-힣]+")
# Latin organisation names: three capitals or more (two-letter ones are known ones: KT, LG, EU).
ACRONYM = re.compile(r"[A-Z][A-Z&]{2,7}")
LATIN_LEAD = re.compile(r"([A-Z][A-Za-z0-9&]*)[가-힣]")
PROPER_TAGS = frozenset({"NNP", "SL", "UN"})
NAME_TAGS = frozenset({"NNP", "NNG", "UN"})
SPLIT_NAME_TAGS = NAME_TAGS | {"XSN", "XPN"}
ORG_SUFFIX_SET = frozenset(ORG_SUFFIXES)
COMMON_STEM_SUFFIX_SET = frozenset(COMMON_STEM_ORG_SUFFIXES)
MAX_TAIL = max(len(s) for s in ORG_SUFFIXES)
# Court and prosecution endings: an organisation only after a place (`서울중앙지검`; not `표시광고법`).
COURT_SUFFIXES = frozenset({"지법", "고법", "지검", "고검", "지원"})
# Common words and facilities that end like an organisation (국회의사당, 전자출입명부, 덕평물류센터).
NOT_ORG_ENDINGS = ("의사당", "명부", "장부", "내부", "외부", "일부", "전부", "간부", "부부", "식당", "사당", "정당", "성당", "대회",
                   "기부", "어부", "농부", "신부", "잠수부", "상부", "하부",  # 재능기부, 도시어부: common nouns in 부
                   "물류센터", "풀필먼트센터", "콜센터", "데이터센터", "쇼핑센터", "배송센터", "캠프", "청사")
# Words after a place name in one chunk that keep it a mention of the place (`미국산`, `중국측`).
PLACE_TAILS = frozenset({"산", "측", "내", "발", "행", "현지", "전역", "정부", "당국", "쪽", "시장", "당국자", "지역", "일대",
                         "지방", "출신"})


# A company's national arm written after its name (`구글 차이나`): never a name's word.
NATIONAL_ARMS = frozenset({"코리아", "차이나", "재팬", "저팬", "아메리카", "인디아", "인터내셔널"})


def electoral_district(text: str) -> bool:
    """`서구을`, `부천병`: a district and the letter of its constituency, no name."""
    return len(text) >= 3 and text[-1] in "갑을병정" and (text[-2] in "구시군" or text[:-1] in BARE_DISTRICTS)


def korean_name(text: str, tags: tuple, forms: tuple = ()) -> bool:
    """`text` is written like a Korean name: a common surname and given-name syllables, 2-4 syllables.

    Two syllables need Kiwi's NNP (or a word it did not know, UN); three must not be one dictionary common
    noun (`이사회`, single NNG).
    `forms` (Kiwi's forms, if known) lets a surname read apart from the rest pass (`김/NNP 동/NNG 식/XSN`)."""
    n = len(text)
    if n < 2 or n > 4 or "NP" in tags or not HANGUL.fullmatch(text) or (n == 2 and text[1] == "모"):
        return False  # 김모 is a name withheld
    if (text in PLACES_NEEDING_NNP or text in BARE_DISTRICTS or text in REGIONS or text in KNOWN_ORGS
            or electoral_district(text) or text in NATIONAL_ARMS):
        return False
    if n == 4 or (n == 3 and text[:2] in DOUBLE_SURNAMES):
        return text[:2] in DOUBLE_SURNAMES and all(c in GIVEN_SYLLABLES for c in text[2:])
    if text[0] not in SURNAMES or not all(c in GIVEN_SYLLABLES for c in text[1:]):
        return False
    if n == 3 and text[2] == "대":
        return False  # 공주대, 경남대: a university written like a name
    if n == 2:
        return tags == ("NNP",) or tags == ("UN",)
    if text[:2] in ORG_STEMS or text[:2] in PROVINCES:
        return False
    if len(tags) > 1 and tags[0] == "NNP" and forms and len(forms[0]) == 1:
        return all(t in SPLIT_NAME_TAGS for t in tags)  # 김/NNP 동/NNG 식/XSN, 김/NNP 범/XPN 석/MM: a name split
    if tags == ("NNP", "NR") and forms and len(forms[0]) == 2:
        return True  # 김영/NNP 오/NR: a given name's last syllable read as a numeral
    return all(t == "NNP" or t == "UN" for t in tags) or (len(tags) > 1 and all(t in NAME_TAGS for t in tags))


def foreign_part(chunk: Chunk) -> bool:
    """One word of a foreign or unknown proper name: Hangul that Kiwi tagged proper (or could not read).
    A one-syllable word (`존 리`'s 리) is one only inside a longer name (see `mentions._foreign_run`)."""
    tags, text = chunk.tags, chunk.text
    if ((len(text) == 2 and text[1] == "모") or (len(text) >= 3 and text[:2] in PROVINCES) or electoral_district(text)
            or text in NATIONAL_ARMS):
        return False  # 남모 씨; 인천서 (a place and a particle); 서구을; 구글 차이나
    return (tags[0] == "UN" or all(t == "NNP" for t in tags)) and HANGUL.fullmatch(text) is not None


def title_of(chunk: Chunk) -> tuple[str, str]:
    """(the title or role the chunk is, a name written onto it) — ("회장", ""), ("씨", "홍길동") — or ("", "")."""
    text, forms, tags = chunk.text, chunk.forms, chunk.tags
    if text in PERSON_TITLES:
        return text, ""
    if len(forms) > 1:
        last = forms[-1]
        if last in PERSON_TITLES:
            stem = text[:len(text) - len(last)]
            if korean_name(stem, tags[:-1], forms[:-1]):
                return last, stem
            if stem in PLACES_NEEDING_NNP and tags[0] == "NNP":
                return last, ""  # 부산시장, 경기도지사
            if (last not in WEAK_TITLES or last in COMPOUND_HEADS) and not any(t in PROPER_TAGS for t in tags[:-1]):
                return last, ""  # 국회의원, 원내대표
        if forms[0] in PERSON_TITLES and text[len(forms[0]):] in TITLE_FOLLOWERS:
            return forms[0], ""  # 교수팀
    return "", ""


def org_name(chunk: Chunk) -> str:
    """The organisation the chunk names ("" if none): a known one, a Latin acronym or company name
    (`KT`, `LG유플러스`; `BBC등` → `BBC`), or a proper word with an organisation ending
    (`카카오헬스케어`, `분당서울대병원`, `정의당`, `스탠퍼드대`)."""
    text, tags = chunk.text, chunk.tags
    if text in KNOWN_ORGS:
        return text
    if text in NOT_ORG_WORDS or text in PLACES_NEEDING_NNP:
        return ""
    if tags[0] == "SL":
        return _latin_org(chunk)
    if not any(t in PROPER_TAGS for t in tags):
        return text if _common_stem_org(chunk) else ""
    suffix = _longest_tail(text, ORG_SUFFIX_SET)
    if not suffix or text.endswith(NOT_ORG_ENDINGS):
        return ""
    if text + "시" in DISTRICTS or text + "군" in DISTRICTS:
        return ""  # 의정부(시), 남원(시): a city written without its unit, not a body in 부 or 원
    if suffix in SHORT_ORG_SUFFIXES:
        return text if _short_suffix_org(chunk) else ""
    if suffix in COURT_SUFFIXES and not (text[:2] in PROVINCES or chunk.forms[0] in PLACES_NEEDING_NNP):
        return ""
    return text


def _longest_tail(text: str, tails: frozenset) -> str:
    """The longest ending of `text` in `tails` that leaves two letters or more before it ("" if none)."""
    for k in range(min(len(text) - 2, MAX_TAIL), 0, -1):
        tail = text[-k:]
        if tail in tails:
            return tail
    return ""


def _common_stem_org(chunk: Chunk) -> bool:
    """A word of common nouns is an organisation when it ends in an institution's name with three
    syllables or more before it (`국어학회`, `법제사법위원회`; not `조사위원회`, a committee of any body)."""
    text = chunk.text
    if len(chunk.forms) < 2 or text.endswith(NOT_ORG_ENDINGS):
        return False
    suffix = _longest_tail(text, COMMON_STEM_SUFFIX_SET)
    return bool(suffix) and len(text) >= len(suffix) + 3


def _latin_org(chunk: Chunk) -> str:
    """The organisation a chunk opening in Latin letters names: an acronym (`UNIST`), a Latin name with a
    proper or organisation-ending Hangul part (`LG유플러스`, `SK텔레콤`), else its acronym alone (`BBC등`)."""
    text, tags = chunk.text, chunk.tags
    lead = LATIN_LEAD.match(text)
    if lead is None:
        return text if ACRONYM.fullmatch(text) and text not in NOT_ORG_ACRONYMS else ""
    latin = lead.group(1)
    if latin in NOT_ORG_ACRONYMS or len(latin) < 2:
        return ""
    rest = text[len(latin):]
    if (len(tags) > 1 and tags[1] == "NNP") or rest.endswith(ORG_SUFFIXES) and len(rest) >= 2:
        return text
    return latin if latin in KNOWN_ORGS or ACRONYM.fullmatch(latin) else ""


def _short_suffix_org(chunk: Chunk) -> bool:
    """A proper noun ending in 당, 대, 청, 처 or 부 is an organisation when Kiwi read it as one word of
    three syllables or more that is not a name or a common word (`정의당`, `연세대`; not `국회의사당`)."""
    text = chunk.text
    return len(chunk.forms[-1]) >= 3 and chunk.tags[-1] == "NNP" and not korean_name(text, chunk.tags)


def place_name(chunk: Chunk, after_place: bool) -> str:
    """The place the chunk names ("" if none); `after_place`: a province or city is written just before,
    so a bare district name (`경북 영주`) or a 시/군/구/동 word (`부천시 오정동`) counts too."""
    text, tags = chunk.text, chunk.tags
    if text in REGIONS:
        return text
    if tags[0] == "NNP" or tags[0] == "UN":
        if text in PLACES_NEEDING_NNP:
            return text
        first = chunk.forms[0]
        if len(chunk.forms) > 1 and first in PLACES_NEEDING_NNP and text[len(first):] in PLACE_TAILS:
            return first
    if after_place and tags[0] == "NNP" and HANGUL.fullmatch(text):
        if text in BARE_DISTRICTS or (len(text) >= 2 and text.endswith(LOCAL_SUFFIXES)):
            return text
    return ""


def kind_of(chunk: Chunk, after_place: bool) -> str:
    """The chunk's kind (MOD, DATE, TITLE, ...: see the constants), the first that applies in that order."""
    text, tags = chunk.text, chunk.tags
    if len(tags) == 1:  # one token: most chunks; the lists answer for most of them at once
        tag = tags[0]
        if tag == "NNP":
            kind = COMMON_PROPER_KINDS.get(text)
            if kind is not None:
                return kind  # 미국, 서울, 쿠팡
        elif tag in ONE_TOKEN_KINDS:
            return ONE_TOKEN_KINDS[tag] or COMMON_NOUN_KINDS.get(text, OTHER)
        elif tag == "NP":
            return PRONOUN if text in PRONOUNS else OTHER
    if tags[0] == "MM" or text in MODIFIERS:
        return MOD
    if title_of(chunk)[0]:
        return TITLE  # before DATE: 119구조대장
    if tags[0] == "SN" or (text.startswith("제") and len(tags) > 1 and tags[1] == "SN"):
        return DATE
    if text in ORG_POINTERS:
        return POINTER
    if tags == ("NP",):
        return PRONOUN if text in PRONOUNS else OTHER
    if org_name(chunk):
        return ORG
    if place_name(chunk, after_place):
        return PLACE
    if korean_name(text, tags, chunk.forms):
        return KNAME
    if foreign_part(chunk):
        return FNAME
    return OTHER


# The kind of a one-token chunk by its tag ("": look its text up in COMMON_NOUN_KINDS: 씨, 측, 수도권).
ONE_TOKEN_KINDS = {"NNG": "", "NNB": "", "XSN": "", "NR": "", "SN": DATE, "MM": MOD}
# What a word Kiwi read as one common noun can be: a title, a pointer, a known organisation or region
# (`kind_of` gives any other such word OTHER; the rules below cannot make more of it).
COMMON_NOUN_KINDS = {  # read-only
    **{word: PLACE for word in REGIONS}, **{word: ORG for word in KNOWN_ORGS},
    **{word: POINTER for word in ORG_POINTERS}, **{word: TITLE for word in PERSON_TITLES},
    **{word: MOD for word in MODIFIERS},
}
# A listed place or organisation Kiwi read as one proper noun: what `kind_of` would find, looked up at once.
COMMON_PROPER_KINDS = {  # read-only
    **{word: PLACE for word in PLACES_NEEDING_NNP | REGIONS if word not in PERSON_TITLES and word not in KNOWN_ORGS},
    **{word: ORG for word in KNOWN_ORGS if word not in PERSON_TITLES},
}
