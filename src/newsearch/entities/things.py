"""Names the other passes read as organisations that the article shows to be things: an abbreviation that is no
body's (`CCTV`, `KTX`), one glossed as a thing (`전자의무기록(EMR)`, `DNN(Deep Neural Network)`, `공통
플랫폼(Common Platform)`) or written as a code (`PCC-772`, `AIA 171`, `APC/C`, a base sequence `ATTGCG`),
a service a company runs (`‘배달의민족’과 ‘배민라이더스’를 운영하는`, `배달 앱 쿠팡이츠`, `옥션과 G마켓 등의 이커머스
플랫폼을 운영하는`, `GS25와 GS샵 등 기존 브랜드`), a payment service (`삼성페이`, `열정페이`) unless the article
makes it the company, a make named only with what it made (`벤츠 승용차`, `아우디 V6 엔진`, `카카오 나무`), a
currency written as a company's name before an amount (`한화 240조원`), a legislator's title read as a clinic
(`연방상원의원`, `대전시의원`: 의원 after a legislature), a researcher's title read as an institute (`김설화 연구원`,
`서울대 연구원`: 연구원 written apart) and a city, province or district office named only as the site of something
(`경기도청에서 기자회견을 열고`, `서울시청 인근에서`; `서울시청 아마조네스`, a team, stays), as is a seat of government
(`청와대에서 국가안보회의를`, `백악관으로 되돌아`; `청와대는 "…"` stays).
"""

from __future__ import annotations

import re
from typing import Callable

from .lexicon import KNOWN_ORGS, NOT_ORG_ACRONYMS, ORG_SUFFIXES
from .listed import PARTICLES

LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9&.\-]*")
# Letters of a base sequence (`ATTGCG`, `TGCCGAT`): no acronym is made of them alone at that length.
BASES = re.compile(r"[ACGTU]{5,}")
# What writes an abbreviation as a code: a number or a part after it (`PCC-772`, `AIA 171`, `APC/C`).
CODE_AFTER = re.compile(r"[-/]?[0-9]|/[A-Za-z]| [0-9]")
# Kinds of thing an abbreviation is written onto as their modifier (`RDD방식`, `BIS 비율`, `LNG 가격`, `LPG 연료`):
# one so written at every mention names a method, a measure or a substance, not a body.
THING_HEADS = ("방식", "방법", "기법", "공법", "비율", "가격", "기준", "연료", "게임", "광고", "경계", "현상", "지수",
               "수치", "규격", "표준", "인증", "검사", "치료법", "가스", "생산기지", "충전소", "운반선", "기관총")
THING_AFTER = re.compile(r"\s?(?:" + "|".join(THING_HEADS) + r")(?:들)?(?:[은는이가을를의에과와도로]|에서|으로)?(?:는|도|의)?(?![가-힣])")
# Last letters of a Hangul gloss that make it an organisation's (`유럽우주국`, `기초과학연구원`, `…위원회`).
ORG_GLOSS_LAST = frozenset("국청처부원단회소대당")
ORG_GLOSS_ENDINGS = tuple(s for s in ORG_SUFFIXES if len(s) >= 2)
# Words of a Latin gloss that make it an organisation's name.
ORG_GLOSS_WORDS = re.compile(r"\b(?:Institutes?|Agency|Association|Organi[sz]ation|Corporation|Company|Inc|Ltd|"
                             r"Cent(?:er|re)|University|College|Council|Committee|Commission|Foundation|Society|"
                             r"Bureau|Department|Ministry|Laborator(?:y|ies)|Group|Administration|Authority|Office|"
                             r"Federation|Union|Bank|Fund|Party|Academy|Forum|Board|Services?)\b")
HANGUL_ORGS = tuple(org for org in KNOWN_ORGS if len(org) >= 2 and re.fullmatch("[가-힣]+", org))
QUOTE = "['‘’\"“”]?"
# What a service's name is introduced by (`배달 애플리케이션(앱) 배달의민족`, `배달앱 ‘배달의민족’`).
SERVICE_KINDS = r"(?:앱|애플리케이션|어플|어플리케이션|앱\))"
# Payment services a company's name is written onto (`삼성페이`); the company's own name where the article makes it one.
PAY = "페이"
# What a make is named with when the article means the thing it made (`벤츠 승용차`).
PRODUCTS = ("승용차", "차량", "세단", "엔진", "나무", "열매", "농장", "산지", "계정", "폰", "서비스", "기기", "로켓")
WORD_CHAR = re.compile("[가-힣A-Za-z0-9]")
HANGUL_RUN = re.compile("[가-힣]*")
# A service's name: its end (a quote mark, or a particle and no more Hangul), what may follow it, what comes before.
NAME_END = re.compile(r"(?=['’”]|[은는을를의과와도로]?(?![가-힣]))" + QUOTE)
OPERATOR = re.compile(r"\s?운영사")
KIND_BEFORE = re.compile(SERVICE_KINDS + r"\s?" + QUOTE + "$")
# A list of services (`‘배달의민족’과 ‘배민라이더스’를 운영하는`): its items, at most MAX_LISTED after the first, and its end.
MAX_LISTED = 4
LIST_SEP = re.compile(r"\s*(?:,|과|와|및)\s*")
QUOTED_ITEM = re.compile(r"[‘'\"“][^’'\"”\n]{1,20}[’'\"”]")
LATIN_ITEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9가-힣]*")
RUN_TAIL = re.compile(r"(?:\s*등의?(?:\s+[가-힣]+){0,2}?)?(?:을|를)\s운영(?:하|해|중)")
BRAND_TAIL = re.compile(r"\s*등\s(?:[가-힣]+\s)?브랜드")
# Company names that are also currencies, and what follows one as a currency (an amount).
CURRENCY_NAMES = frozenset({"한화"})
CURRENCY_AFTER = re.compile(r"(?:로|으로)?\s?(?:약|대략|무려)?\s?[0-9]")
# A legislature before 의원 (a member of it, not a clinic: `미국연방상원의원`, `대전시의원`, `도의원`).
LEGISLATOR = re.compile(r"(?:상원|하원|국회|의회|[시도구군])의원")
# A researcher's title written apart after a name (`김설화 연구원`): an institute writes 연구원 onto its name.
RESEARCHER = " 연구원"
# A parent called by the child's name (`유민아빠`, `지유엄마`): a person's designation, no body's name.
TEKNONYMS = ("아빠", "엄마", "아버지", "어머니")
# A local government's office, and what follows it where the text names it as a site (`경기도청에서`, `…청 앞`).
OFFICES = ("시청", "도청", "구청", "군청")
SITE_AFTER = re.compile(r"\s?(?:앞|인근|주변|근처|광장|청사|본관|별관|(?:에서|로|으로)(?![가-힣]))")
# Seats of government named for the body in them (`청와대는 "…"`) or as the place (`청와대에서 국가안보회의를 열고`,
# `백악관으로 되돌아가`): the place also as an object or a dative (`청와대를 국민 품으로`), not a source (`에 따르면`).
SEATS = frozenset({"청와대", "백악관", "크렘린", "크렘린궁", "엘리제궁", "총리관저"})
SEAT_SITE_AFTER = re.compile(r"\s?(?:앞|인근|주변|근처|광장|경내|본관|(?:에서|로|으로|를|에(?!\s?(?:따르면|의하면)))(?![가-힣]))")
PRODUCT_AFTER = re.compile(r"\s?(?:[A-Z0-9]+\s)?(?:" + "|".join(PRODUCTS) + ")")


def things(orgs: list[str], title: str, body: str, as_company: Callable[[str, str, str], bool]) -> set[str]:
    """The names of `orgs` the article shows to be things (see the module docstring); `as_company(name, title,
    body)` tells whether the article makes a payment service's name its company's."""
    text = title + "\n" + body
    out = set()
    for name in orgs:
        if LATIN_NAME.fullmatch(name):
            if _latin_thing(name, text):
                out.add(name)
        elif name.endswith(PAY) and len(name) > len(PAY) and not as_company(name, title, body):
            out.add(name)
        if _service(name, text, orgs) or _make_named_with_product(name, text) or _currency(name, text):
            out.add(name)
        elif _title(name) or _site(name, text):
            out.add(name)
    return out


def _title(name: str) -> bool:
    """A person's title read as a body's name: a legislator's (`미국연방상원의원`: 의원 is no clinic after a
    legislature), a researcher's written apart (`김설화 연구원`, `서울대 연구원`), or a parent named by the child
    (`유민아빠 김영오씨`)."""
    return (LEGISLATOR.search(name) is not None and name.endswith("의원") or name.endswith(RESEARCHER)
            or name.endswith(TEKNONYMS))


def _site(name: str, text: str) -> bool:
    """A local government's office named at every mention as the site of something (`경기도청에서 긴급
    기자회견을 열고`, `서울시청 인근에서`): the building (LABELLING), not the body."""
    after = SEAT_SITE_AFTER if name in SEATS else SITE_AFTER if name.endswith(OFFICES) else None
    if after is None:
        return False
    ends = [i + len(name) for i in _mentions(name, text)]
    return bool(ends) and all(after.match(text, end) for end in ends)


def _currency(name: str, text: str) -> bool:
    """A company's name that is also a currency's, written before an amount at every mention (`한화 240조원`,
    `한화로 약 1조원`: Korean won, not the 한화 group)."""
    if name not in CURRENCY_NAMES:
        return False
    at = text.find(name)
    while at >= 0:
        if not CURRENCY_AFTER.match(text, at + len(name)):
            return False
        at = text.find(name, at + len(name))
    return True


def _latin_thing(name: str, text: str) -> bool:
    """A Latin name that is no organisation's: an abbreviation of a thing (`CCTV`), a base sequence, an unlisted one
    written as a code at every mention or glossed only as a thing."""
    if name in NOT_ORG_ACRONYMS or BASES.fullmatch(name):
        return True
    if name in KNOWN_ORGS:
        return False
    ends = _ends_of(name, text)
    after = [text[end:end + 3] for end in ends]
    if after and all(CODE_AFTER.match(a) for a in after):
        return True
    if ends and all(THING_AFTER.match(text, end) for end in ends):
        return True  # RDD방식, BIS 비율: the modifier of a kind of thing
    glosses = _glosses(name, text)
    return bool(glosses) and not any(_org_gloss(g) for g in glosses)


def _glosses(name: str, text: str) -> list[str]:
    """What the text says a Latin name stands for: the Hangul word before it in brackets (`국제우주정거장(ISS)`,
    `엑스포(IAAPA Attractions Expo 2016)`) or what is in brackets after it (`KIST(한국과학기술연구원)`)."""
    out = []
    at = text.find("(" + name)
    while at >= 0:  # 국제우주정거장(ISS): the Hangul word before the bracket, a closing mark between or not
        end = at + 1 + len(name)
        if not (end < len(text) and _latin_letter(text[end])):
            k = at - 1 if at and text[at - 1] in "'’”" else at
            j = k
            while j and "가" <= text[j - 1] <= "힣":
                j -= 1
            if j < k:
                out.append(text[j:k])
        at = text.find("(" + name, at + 1)
    at = text.find(name + "(")
    while at >= 0:  # KIST(한국과학기술연구원): what the brackets after it hold
        start = at + len(name) + 1
        close = next((i for i in range(start, min(len(text), start + 61)) if text[i] in "()\n"), -1)
        if close >= 0 and text[close] == ")" and 2 <= close - start <= 60:
            out.append(text[start:close].strip())
            at = text.find(name + "(", close + 1)
        else:
            at = text.find(name + "(", at + 1)
    return out


def _latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _ends_of(name: str, text: str) -> list[int]:
    """Where each mention of `name` not going on in Latin letters ends (what `re.finditer(name + "(?![A-Za-z])")`
    finds, without compiling a pattern per name)."""
    out = []
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if end < len(text) and _latin_letter(text[end]):
            at = text.find(name, at + 1)
        else:
            out.append(end)
            at = text.find(name, end)
    return out


def _org_gloss(gloss: str) -> bool:
    """A gloss that names an organisation: a listed one, a Hangul word with an institution's ending or a listed
    company's name at its front, or Latin words of an organisation's name."""
    first = gloss.split()[0] if gloss.split() else gloss
    if gloss in KNOWN_ORGS or first in KNOWN_ORGS:
        return True
    if re.fullmatch(r"[가-힣]+", first):  # `아마존웹서비스(AWS)`: a company's name at its front
        return (first[-1] in ORG_GLOSS_LAST or first.endswith(ORG_GLOSS_ENDINGS)
                or any(first.startswith(org) for org in HANGUL_ORGS if len(first) > len(org)))
    return ORG_GLOSS_WORDS.search(gloss) is not None


def _service(name: str, text: str, orgs: list[str]) -> bool:
    """The text writes `name` as a service a company runs: its object, alone or in a list of `orgs`, quoted or Latin
    names (`‘배달의민족’과 ‘배민라이더스’를 운영하는`), before `운영사`, after an app's kind (`배달 앱 쿠팡이츠`), or among
    a company's brands (`GS25와 GS샵 등 기존 브랜드`). Fixed patterns tried at each mention (one made per name cost
    about 10 ms to compile)."""
    others = [o for o in orgs if o != name]
    for i in _mentions(name, text):
        end = NAME_END.match(text, i + len(name))
        if end is not None and (OPERATOR.match(text, end.end()) or KIND_BEFORE.search(text, max(0, i - 12), i)
                                or _run_ends(text, end.end(), others, MAX_LISTED)):
            return True
    return False


def _run_ends(text: str, pos: int, others: list[str], left: int) -> bool:
    """From `pos`, up to `left` more items of a list (`, X`, `과 ‘X’`, `및 X`: one of `others`, a quoted name of up
    to 20 characters, or a Latin one) and then a company running them or its brands."""
    if RUN_TAIL.match(text, pos) or BRAND_TAIL.match(text, pos):
        return True
    sep = LIST_SEP.match(text, pos) if left else None
    if sep is None:
        return False
    at = sep.end()
    ends = [at + len(o) for o in others if text.startswith(o, at)]
    quoted = QUOTED_ITEM.match(text, at)
    ends += [quoted.end()] if quoted else []
    latin = LATIN_ITEM.match(text, at)
    ends += range(at + 1, latin.end() + 1) if latin else []
    return any(_run_ends(text, e, others, left - 1) for e in ends)


def _mentions(name: str, text: str):
    """Where `name` is written in `text` (str.find: no pattern made per name)."""
    i = text.find(name)
    while i >= 0:
        yield i
        i = text.find(name, i + 1)


def _make_named_with_product(name: str, text: str) -> bool:
    """Every mention of `name` as a word of its own (with a particle or not; `LG전자` is another name) is of a
    thing it made or is: the product's noun right after it (`벤츠 승용차`, `아우디 V6 엔진`, `카카오 나무`, `LG폰`)."""
    products = 0
    for i in _mentions(name, text):
        if i and WORD_CHAR.match(text[i - 1]):
            continue  # inside another word
        rest = text[i + len(name):i + len(name) + 12]
        tail = HANGUL_RUN.match(rest).group()
        if PRODUCT_AFTER.match(rest):
            products += 1
        elif not tail or tail in PARTICLES:
            return False
    return products > 0
