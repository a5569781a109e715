"""Places written short: a district's name without 구/시/군 (`용산`, `강남`) that Kiwi reads as a proper noun, and
the one-letter country names of headlines and titles (`미 국무장관`, `英 하원`, `中 외교부`), kept as written."""

from __future__ import annotations

from .gazetteer import BARE_DISTRICTS

COUNTRY_LETTERS = {"미": "미국", "美": "미국", "英": "영국", "中": "중국", "日": "일본", "러": "러시아", "露": "러시아",
                   "佛": "프랑스", "獨": "독일", "北": "북한", "韓": "한국", "中國": "중국"}
# What a short district name glued to a word makes of it: a station, a line, a market (`용산역`): no place then.
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SN", "SH", "NNB"})


def abbreviated_places(text: str, tokens) -> list[tuple[str, int]]:
    """(place, offset) of the short place names in `text` (see the module docstring)."""
    out = []
    n = len(tokens)
    for i, t in enumerate(tokens):
        if t.start and text[t.start - 1].isalnum():
            continue  # inside a word
        end = t.start + t.len
        glued = i + 1 < n and tokens[i + 1].start == end and tokens[i + 1].tag in NOUN_TAGS | {"XSN"}
        if t.tag == "NNP" and t.len >= 2 and t.form in BARE_DISTRICTS and not glued:
            out.append((t.form, t.start))
        elif (t.form in COUNTRY_LETTERS and t.tag in ("NNP", "SH", "NNG") and i + 1 < n
              and tokens[i + 1].start == end + 1 and tokens[i + 1].tag in NOUN_TAGS):
            out.append((t.form, t.start))  # as written, like every name (`지역:미` finds it)
    return out
