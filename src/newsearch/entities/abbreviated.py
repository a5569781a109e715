"""Places written short: a district's name without 구/시/군 (`용산`, `강남`) that Kiwi reads as a proper noun, and
the one-letter country names of headlines and titles (`미 국무장관`, `英 하원`, `中 외교부`), kept as written."""

from __future__ import annotations

from .gazetteer import BARE_DISTRICTS, PLACES_NEEDING_NNP
from .tokenlists import TokenLists

COUNTRY_LETTERS = {"미": "미국", "美": "미국", "英": "영국", "中": "중국", "日": "일본", "러": "러시아", "露": "러시아",
                   "佛": "프랑스", "獨": "독일", "北": "북한", "韓": "한국", "中國": "중국"}
# What a short district name glued to a word makes of it: a station, a line, a market (`용산역`): no place then.
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SN", "SH", "NNB"})
GLUE_TAGS = NOUN_TAGS | {"XSN"}
LETTER_TAGS = frozenset({"SH", "NNG", "NNP"})


def _aside_places(tl: TokenLists) -> list[tuple[str, int]]:
    """Listed places written as proper nouns inside brackets (`(60 경기 구리시)`)."""
    out, depth = [], 0
    for i, tag in enumerate(tl.tags):
        if tag == "SSO" or tag == "SSC":
            depth = max(0, depth + (1 if tl.forms[i] == "(" else -1 if tl.forms[i] == ")" else 0))
        elif depth and tag == "NNP" and tl.forms[i] in PLACES_NEEDING_NNP:
            out.append((tl.forms[i], tl.starts[i]))
    return out


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
            if len(form) < 2 or form not in BARE_DISTRICTS or (starts[i] and text[starts[i] - 1].isalnum()):
                continue  # no district's name, or inside a word
            if not (i + 1 < n and starts[i + 1] == ends[i] and tags[i + 1] in GLUE_TAGS):
                out.append((form, starts[i]))
        elif tag in LETTER_TAGS and forms[i] in COUNTRY_LETTERS and i + 1 < n and starts[i + 1] == ends[i] + 1 \
                and tags[i + 1] in NOUN_TAGS and not (starts[i] and text[starts[i] - 1].isalnum()):
            out.append((forms[i], starts[i]))  # as written, like every name (`지역:미` finds it)
    return out
