"""Places written short: a district's name without 구/시/군 (`용산`, `강남`) that Kiwi reads as a proper noun, and
the one-letter country names of headlines and titles (`미 국무장관`, `英 하원`, `中 외교부`), kept as written; and
foreign regions named with their unit apart (`테네시 주`, `아커쑤 시`)."""

from __future__ import annotations

from .gazetteer import BARE_DISTRICTS, COUNTRIES, DISTRICTS, PLACES_NEEDING_NNP, PROVINCES
from .tokenlists import TokenLists

COUNTRY_LETTERS = {"미": "미국", "美": "미국", "英": "영국", "中": "중국", "日": "일본", "러": "러시아", "露": "러시아",
                   "佛": "프랑스", "獨": "독일", "北": "북한", "韓": "한국", "中國": "중국"}
# What a short district name glued to a word makes of it: a station, a line, a market (`용산역`): no place then.
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SN", "SH", "NNB"})
GLUE_TAGS = NOUN_TAGS | {"XSN"}
LETTER_TAGS = frozenset({"SH", "NNG", "NNP"})
# A foreign region's unit written apart after its name (`테네시 주`, `아커쑤 시`, `아이치 현`, `광둥 성`).
SPACED_UNITS = frozenset({"주", "시", "현", "성", "자치구", "자치주"})
AUTONOMOUS = frozenset({"자치구", "자치주"})
# A country's last word written apart (`남아프리카 공화국`, `도미니카 공화국`).
REPUBLIC = "공화국"
# Units of foreign regions only (no Korean place is written with them apart): a listed region keeps one.
FOREIGN_UNITS = frozenset({"주", "현", "성"})  # named with two words before them (`옌볜 조선족 자치주`)


def _aside_places(tl: TokenLists) -> list[tuple[str, int]]:
    """Listed places written as proper nouns inside brackets (`(60 경기 구리시)`)."""
    out, depth = [], 0
    for i, tag in enumerate(tl.tags):
        if tag == "SSO" or tag == "SSC":
            depth = max(0, depth + (1 if tl.forms[i] == "(" else -1 if tl.forms[i] == ")" else 0))
        elif depth and tag == "NNP" and tl.forms[i] in PLACES_NEEDING_NNP:
            out.append((tl.forms[i], tl.starts[i]))
    return out


def _spaced_unit(text: str, tl: TokenLists, i: int) -> bool:
    """Token i, a proper noun no list holds (or a listed foreign region before 주, 현 or 성), and the next token, a
    region's unit written apart as a word of its own (`테네시 주`, `일리노이 주의회`, `아커쑤 시`, `광둥 성`, `캘리포니아
    주`), name a foreign region."""
    form, k = tl.forms[i], i + 1
    if len(form) < 2 or (tl.starts[i] and text[tl.starts[i] - 1].isalnum()):
        return False
    if tl.forms[k] == REPUBLIC:
        return form + REPUBLIC in COUNTRIES and tl.starts[k] == tl.ends[i] + 1  # 남아프리카 공화국
    if form in PLACES_NEEDING_NNP and (tl.forms[k] not in FOREIGN_UNITS or form in COUNTRIES or form in PROVINCES
                                       or form in DISTRICTS):
        return False  # a listed foreign region keeps its unit (`캘리포니아 주`), not `미국 주 정부`, `서울 시`
    if tl.tags[k] != "NNG" or tl.starts[k] != tl.ends[i] + 1:
        return False
    after = k + 1
    return (after >= tl.n or tl.starts[after] > tl.ends[k] or tl.tags[after][0] == "J"
            or (tl.forms[k] == "주" and tl.forms[after] == "의회"))


def abbreviated_places(text: str, tl: TokenLists) -> list[tuple[str, int]]:
    """(place, offset) of the short place names in `text` (see the module docstring), and the places written in a
    bracketed aside, which the phrase rules read as part of the name before it (`최명자 씨(60 경기 구리시)`)."""
    out = []
    tags, forms, starts, ends, n = tl.tags, tl.forms, tl.starts, tl.ends, tl.n
    if "(" in text:
        out += _aside_places(tl)
    for i, tag in enumerate(tags):
        if tag == "NNP" and forms[i] not in COUNTRY_LETTERS:
            form = forms[i]
            if i + 1 < n and (forms[i + 1] in SPACED_UNITS or forms[i + 1] == REPUBLIC) and _spaced_unit(text, tl, i):
                first = i - 1 if forms[i + 1] in AUTONOMOUS and i and tags[i - 1] == "NNP" and \
                    starts[i] == ends[i - 1] + 1 else i  # 옌볜 조선족 자치주
                out.append((text[starts[first]:ends[i + 1]], starts[first]))  # 테네시 주, 아커쑤 시
                continue
            if len(form) < 2 or form not in BARE_DISTRICTS or (starts[i] and text[starts[i] - 1].isalnum()):
                continue  # no district's name, or inside a word
            if not (i + 1 < n and starts[i + 1] == ends[i] and tags[i + 1] in GLUE_TAGS):
                out.append((form, starts[i]))
        elif tag in LETTER_TAGS and forms[i] in COUNTRY_LETTERS and i + 1 < n and starts[i + 1] == ends[i] + 1 \
                and tags[i + 1] in NOUN_TAGS and not (starts[i] and text[starts[i] - 1].isalnum()):
            out.append((forms[i], starts[i]))  # as written, like every name (`지역:미` finds it)
    return out
