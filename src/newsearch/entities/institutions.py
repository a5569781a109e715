"""Organisations the phrase rules leave out: group companies, official bodies written in common nouns,
and companies listed as what they are.

- A word starting with a known group's name (`카카오엔터프라이즈`, `현대로보틱스`, `KT스카이라이프`, `현대HCN`,
  `카카오/NNP 브레인/NNG`): an affiliate of that group.
- A word of common nouns Kiwi does not know as one, ending in an institution's suffix and starting with
  what names an official or international body (`국립정신건강센터`, `세계경제포럼`, `한국과학기술원`), or
  a committee of the National Assembly (`국회 국방위원회`).
- Proper nouns listed before what they are (`휴먼스케이프, 딥메디, 두잉랩 등 스타트업`).
"""

from __future__ import annotations

import re

from .lexicon import KNOWN_ORGS

WORD_TAGS = frozenset({"NNP", "NNG", "SL", "SN", "XSN"})
# Business groups whose affiliates carry the group's name at the front (Latin ones as written).
GROUPS = tuple(sorted("""카카오 현대 삼성 LG SK KT 롯데 한화 네이버 CJ GS 두산 포스코 신세계 효성 한진 금호 대우 코오롱 HD
농협 신한 하나 KB LS 셀트리온 아모레 넥슨 엔씨 NHN 쿠팡 배민 토스""".split(), key=len, reverse=True))
# What follows a group's name in a product's or a service's name, not a company's.
PRODUCT_ENDINGS = ("톡", "워치", "폰", "앱", "맵", "뮤직", "웹툰", "TV", "카", "택시", "내비", "스토리", "메일", "페이지")
# Fronts of official, national or international bodies, and the suffixes of institutions.
OFFICIAL_FRONTS = ("국립", "국가", "한국", "대한", "세계", "국제", "중앙", "서울", "경기", "부산", "전국", "정부", "국회",
                   "소방", "기상", "특허", "조달", "병무", "산림", "관세", "국세", "통계", "해양", "질병", "식품의약품",
                   "방위사업", "문화재", "경찰", "검찰", "금융", "공정거래", "국민권익", "개인정보")
INSTITUTION_ENDINGS = ("센터", "위원회", "포럼", "기술원", "과학원", "연구원", "연구소", "재단", "협회", "공사", "공단",
                       "진흥원", "학회", "기구", "연합", "연맹", "노조", "협의회", "은행", "병원", "대학교", "박물관",
                       "미술관", "도서관", "관리원", "평가원", "개발원", "정책원", "노동조합", "청", "처", "위원회")
# State bodies Kiwi reads as common nouns, named all the same (`국회`, `감사원`).
STATE_BODIES = frozenset("""국회 대법원 헌법재판소 헌재 감사원 국정원 국가정보원 대통령실 국무조정실 중앙선관위 선관위 대검찰청
대검 서울중앙지검 서울고법 서울중앙지법 국방부 외교부 통일부 법무부 기획재정부 기재부 교육부 행정안전부 행안부 보건복지부
복지부 환경부 고용노동부 노동부 여성가족부 여가부 국토교통부 국토부 해양수산부 해수부 산업통상자원부 산업부
과학기술정보통신부 과기정통부 문화체육관광부 문체부 농림축산식품부 농식품부 중소벤처기업부 중기부 합참 합동참모본부""".split())
KINDS_LISTED = frozenset({"스타트업", "기업", "업체", "회사", "기관", "단체", "병원", "대학", "은행", "협회", "계열사",
                          "자회사", "플랫폼", "제약사", "바이오기업", "벤처"})
_HANGUL = re.compile(r"[가-힣]")


def _words(text: str, tokens) -> list[tuple[int, int, int, int]]:
    """(first token, end token, start, end) of each run of nouns written together."""
    out, i, n = [], 0, len(tokens)
    while i < n:
        if tokens[i].tag not in WORD_TAGS:
            i += 1
            continue
        j = i + 1
        while j < n and tokens[j].tag in WORD_TAGS and tokens[j].start == tokens[j - 1].start + tokens[j - 1].len:
            j += 1
        out.append((i, j, tokens[i].start, tokens[j - 1].start + tokens[j - 1].len))
        i = j
    return out


def _affiliate(word: str, first_tag: str) -> bool:
    group = next((g for g in GROUPS if word.startswith(g)), "")
    return (first_tag in ("NNP", "SL") and len(word) >= len(group) + 2 and group and word not in KNOWN_ORGS
            and not word.endswith(PRODUCT_ENDINGS) and bool(_HANGUL.search(word[2:]) or word[2:].isupper()))


def _official(word: str, tags: list[str], before: str) -> bool:
    if word in STATE_BODIES:
        return True
    if not word.endswith(INSTITUTION_ENDINGS) or len(word) < 4 or (len(word) < 5 and not word.endswith(("청", "처"))):
        return False
    return word.startswith(OFFICIAL_FRONTS) or before == "국회" or "NNP" in tags or "SL" in tags


def _listed_kind(tokens, j: int) -> bool:
    """Token j starts `등 스타트업`-like words: what a list of names before it are."""
    return (j + 1 < len(tokens) and tokens[j].form == "등"
            and any(t.form.rstrip("들") in KINDS_LISTED for t in tokens[j + 1:j + 3]))


def institutions(text: str, tokens) -> list[tuple[str, int]]:
    """(name, offset) of the organisations this pass finds (see the module docstring)."""
    out: list[tuple[str, int]] = []
    words = _words(text, tokens)
    pending: list[tuple[str, int]] = []  # proper nouns of a list, until what they are is said
    for k, (i, j, start, end) in enumerate(words):
        word = text[start:end]
        tags = [tokens[x].tag for x in range(i, j)]
        before = text[words[k - 1][2]:words[k - 1][3]] if k and words[k - 1][3] + 1 == start else ""
        short_suffix = (j - i == 2 and tags[0] == "NNP" and tokens[i].len >= 2 and tokens[i + 1].form in ("대", "당")
                        and word not in KNOWN_ORGS)  # 로체스터/NNP 대/NNG: a university; 정의/NNP 당: a party
        if (short_suffix or _affiliate(word, tags[0]) or _official(word, tags, before)
                or (tags[0] in ("NNP", "SL") and before.endswith(tuple(KINDS_LISTED)) and word not in KNOWN_ORGS)):
            out.append((word, start))
        if j - i == 1 and tags[0] == "NNP" and word not in KNOWN_ORGS:
            pending.append((word, start))
        else:
            pending = []
            continue
        if j < len(tokens) and tokens[j].form == ",":
            continue  # the list goes on
        if _listed_kind(tokens, j) and len(pending) >= 2:
            out.extend(pending)
        pending = []
    return out
