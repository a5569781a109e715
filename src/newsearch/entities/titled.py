"""People named before their title at a distance, and Korean full names Kiwi reads as proper nouns.

The phrase rules (mentions.py) read a name with the words right around it. News often puts an
organisation, a department or a rank between a name and its title: `황희 카카오헬스케어 대표`,
`김수진 정신건강의학과 전문의`, `맥스 피터슨 AWS 월드와이드 공공사업 부문 부사장`, `문재인 민주통합당 상임고문`.
Here a name (a Korean full name, or two or three foreign proper nouns written apart) followed by up to
MAX_BETWEEN nouns of one noun phrase ending in a person's title is a person.

Three or more Korean full names listed together, each one proper noun to Kiwi (`김무성, 서청원, 이인제`), are
people too, titles or not (a list of members carries none): one such word alone is as often a place or a
facility (`노량진`, `현충원`).
"""

from __future__ import annotations

from .gazetteer import BARE_DISTRICTS, COUNTRIES, DISTRICTS, PROVINCES, REGIONS, WORLD_CITIES
from .lexicon import KNOWN_ORGS, MODIFIERS, ORG_SUFFIXES, PERSON_TITLES, SURNAMES, WEAK_TITLES
from .tokenlists import TokenLists
from .words import korean_name

# Nouns allowed between a name and its title (the organisation, department, rank: one noun phrase).
MAX_BETWEEN = 6
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SN", "NNB", "XSN", "XPN", "SH"})
# Titles a compound may end in (`부사장`, `상임고문`, `수석연구원`), two syllables or more: one-syllable ones
# (`씨`, `군`) count only as a word of their own.
# Titles the lexicon's list lacks (doctors' and party ranks news uses after a name).
MORE_TITLES = frozenset({"전문의", "전공의", "레지던트", "원내대변인", "수석대변인", "사무총장", "비대위원장", "당대표",
                         "후보", "당선인", "당선자", "의원장", "이사", "상임고문", "고문", "창업자", "대표이사"})
TITLE_ENDINGS = tuple(sorted((t for t in PERSON_TITLES - WEAK_TITLES if len(t) >= 2 and not t.isascii()), key=len,
                             reverse=True))
NOT_A_PERSON = COUNTRIES | PROVINCES | DISTRICTS | WORLD_CITIES | REGIONS | BARE_DISTRICTS | KNOWN_ORGS
# A last syllable that makes a proper noun an organisation or place rather than a name (`연세대`, `강남구`).
NOT_NAME_ENDINGS = frozenset(s for s in ORG_SUFFIXES if len(s) == 1) | frozenset("시군구도읍면동리주국")
LONG_ORG_SUFFIXES = tuple(s for s in ORG_SUFFIXES if len(s) >= 2)
LIST_MARKS = frozenset({",", "·", "ㆍ"})


def _is_title(form: str) -> bool:
    return form in PERSON_TITLES or form in MORE_TITLES or (len(form) >= 3 and form.endswith(TITLE_ENDINGS))


def _titled(tokens, j: int, text: str) -> str:
    """The person's title the noun phrase from token `j` on ends in within MAX_BETWEEN nouns, or ""."""
    prev_end = tokens[j - 1].start + tokens[j - 1].len if j else 0
    for k in range(j, min(len(tokens), j + MAX_BETWEEN + 1)):
        t = tokens[k]
        if t.tag not in NOUN_TAGS and not (t.tag == "MM" and t.form in MODIFIERS):
            return ""
        if t.start > prev_end and "\n" in text[prev_end:t.start]:
            return ""
        if _is_title(t.form) and (t.form not in WEAK_TITLES or all(tokens[x].tag == "MM" for x in range(j, k))):
            return t.form  # a weak title (시장 market, 검사 test) only right after the name
        prev_end = t.start + t.len
    return ""


def _title_before(tokens, i: int) -> str:
    """The title a name is introduced by (`스플래시데이터의 CEO인 모건 슬레인`), or ""."""
    if i >= 3 and tokens[i - 1].tag == "ETM" and tokens[i - 2].tag == "VCP" and _is_title(tokens[i - 3].form):
        return tokens[i - 3].form
    return ""


def _korean_at(tokens, i: int, text: str) -> tuple[str, int]:
    """(a Korean full name starting at token i, the token after it) or ("", i): one proper noun (`문재인`), or a
    surname and given name Kiwi split (`황/NNP 희/NNG`)."""
    t = tokens[i]
    if t.tag == "NNP" and 2 <= t.len <= 3 and korean_name(t.form, ("NNP",)):
        return t.form, i + 1
    if (t.tag == "NNP" and t.len == 1 and t.form in SURNAMES and i + 1 < len(tokens)
            and tokens[i + 1].start == t.start + 1 and tokens[i + 1].tag in ("NNG", "NNP") and tokens[i + 1].len <= 2):
        name = t.form + tokens[i + 1].form
        glued = i + 2 < len(tokens) and tokens[i + 2].start == tokens[i + 1].start + tokens[i + 1].len
        if korean_name(name, ("NNP",)) and not glued:  # 김/NNP 동/NNG 식/XSN is no 김동
            return name, i + 2
    return "", i


def _foreign_at(tokens, i: int, text: str) -> tuple[str, int]:
    """(two or three Hangul proper nouns written apart on one line, `맥스 피터슨`, the token after them) or ("", i)."""
    j = i
    while (j < len(tokens) and j - i < 3 and tokens[j].tag == "NNP" and tokens[j].len >= 2
           and tokens[j].form not in NOT_A_PERSON and "가" <= tokens[j].form[0] <= "힣"
           and tokens[j].form[-1] not in NOT_NAME_ENDINGS and not tokens[j].form.endswith(LONG_ORG_SUFFIXES)
           and tokens[j].form[-1] not in "의가는를을와과"  # a particle Kiwi kept on an unknown name
           and not (tokens[j].len == 3 and korean_name(tokens[j].form, ("NNP",)))
           and (j == i or text[tokens[j - 1].start + tokens[j - 1].len:tokens[j].start] == " ")):
        j += 1
    if j - i < 2:
        return "", i
    return text[tokens[i].start:tokens[j - 1].start + tokens[j - 1].len], j


def _listed_names(tl: TokenLists) -> list[tuple[str, str, int]]:
    """Runs of three or more Korean full names (one NNP each) separated by commas or middle dots."""
    out, run, last = [], [], -3
    tags, forms = tl.tags, tl.forms
    for i in [k for k, tag in enumerate(tags) if tag == "NNP"]:
        form = forms[i]
        if len(form) != 3 or form in NOT_A_PERSON or not korean_name(form, ("NNP",)):
            continue
        if not (run and last == i - 2 and forms[i - 1] in LIST_MARKS):
            out += run if len(run) >= 3 else []
            run = []
        run.append((form, "", tl.starts[i]))
        last = i
    return out + (run if len(run) >= 3 else [])


def titled_people(text: str, tokens, tl: TokenLists | None = None) -> list[tuple[str, str, int]]:
    """(name, title or "", offset) of the people this pass finds in `text` (see the module docstring); `tl`: the
    tokens as lists, when the caller has them."""
    tl = tl or TokenLists(tokens)
    out = []
    i, n, tags, starts = 0, tl.n, tl.tags, tl.starts
    while i < n:
        if tags[i] != "NNP" or (starts[i] and text[starts[i] - 1].isalnum()):  # a name begins a word
            i += 1
            continue
        name, j = _foreign_at(tokens, i, text)
        if not name:
            name, j = _korean_at(tokens, i, text)
        if name and name not in NOT_A_PERSON and name not in PERSON_TITLES:
            title = (_titled(tokens, j, text) if j < n else "") or _title_before(tokens, i)
            if title and len(name) == 2 and not (_is_title(tokens[j].form) or tokens[j].tag in ("NNP", "SL", "MM")):
                title = ""  # a two-syllable name needs its title, a modifier or an organisation right after it
            if title:
                out.append((name, title, starts[i]))
                i = j
                continue
        i += 1
    return out + _listed_names(tl)
