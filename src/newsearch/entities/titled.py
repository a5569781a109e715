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

import re
from bisect import bisect_left

from .gazetteer import BARE_DISTRICTS, COUNTRIES, DISTRICTS, PROVINCES, REGIONS, WORLD_CITIES
from .lexicon import COMMON_SURNAMES, FOREIGN_NAME_STARTS, GIVEN_SYLLABLES, KNOWN_ORGS, MODIFIERS, ORG_SUFFIXES, PERSON_TITLES, SURNAMES, WEAK_TITLES
from .tokenlists import TokenLists
from .words import korean_name

# Nouns allowed between a name and its title (the organisation, department, rank: one noun phrase), and the
# tokens more that may be glued into those words (a committee's title Kiwi read in pieces).
MAX_BETWEEN = 6
MAX_GLUED = 8
NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SN", "NNB", "XSN", "XPN", "SH", "SW"})  # SW: KT&G
# Titles a compound may end in (`부사장`, `상임고문`, `수석연구원`), two syllables or more: one-syllable ones
# (`씨`, `군`) count only as a word of their own.
# Titles the lexicon's list lacks (doctors' and party ranks news uses after a name).
MORE_TITLES = frozenset({"매니저", "디렉터", "엔지니어", "컨설턴트", "펠로", "전문의", "전공의", "레지던트", "원내대변인", "수석대변인", "사무총장", "비대위원장", "당대표",
                         "후보", "당선인", "당선자", "의원장", "이사", "상임고문", "고문", "창업자", "대표이사"})
TITLE_ENDINGS = tuple(sorted((t for t in PERSON_TITLES - WEAK_TITLES if len(t) >= 2 and not t.isascii()), key=len,
                             reverse=True))
NOT_A_PERSON = COUNTRIES | PROVINCES | DISTRICTS | WORLD_CITIES | REGIONS | BARE_DISTRICTS | KNOWN_ORGS
# A last syllable that makes a proper noun an organisation or place rather than a name (`연세대`, `강남구`).
NOT_NAME_ENDINGS = frozenset(s for s in ORG_SUFFIXES if len(s) == 1) | frozenset("시군구도읍면동리주국")
LONG_ORG_SUFFIXES = tuple(s for s in ORG_SUFFIXES if len(s) >= 2)
LIST_MARKS = frozenset({",", "·", "ㆍ"})
# A list of names: three-syllable words apart, between them a comma or middle dot, or one space.
NAME_WORD = re.compile(r"(?<![가-힣])[가-힣]{3}(?![가-힣])")
LIST_GAP = re.compile(r"\s*[,·ㆍ]\s*| ")
# Share of a list's names that must be one proper noun to Kiwi (the rest it may have split).
LIST_PROPER_SHARE = 0.6
# Titles news puts after a surname alone to refer back to a person (`문 대통령`); not 전/현 (former, current:
# `전 대통령`) and not the titles that are also common words (WEAK_TITLES: `이 시장` is this market).
BACK_TITLES = sorted((t for t in PERSON_TITLES - WEAK_TITLES if not t.isascii()), key=len, reverse=True)
SURNAME_TITLE = re.compile(r"(?<![가-힣])([가-힣]) (?:" + "|".join(BACK_TITLES) + r")(?=[은는이가을를의에과와도께]|[^가-힣]|$)")
# Titles that are also common words, taken only with two syllables or more before them as one word
# (`미래창조과학방송통신위원`, `헌법재판소장`, `주미대사`, `총영사`).
HEADED_WEAK_TITLES = ("위원", "소장", "대사", "영사", "이사", "선수")
# Weak titles of envoys, taken after a country's name (`장용철 말레이시아 대사`, `쿠바 주재 북한 대사`).
POSTED_TITLES = frozenset({"대사", "영사", "공사", "특사"})
# Offices written onto their place as one word (`서울시장`, `경기도지사`).
LOCAL_OFFICES = ("시장", "도지사", "지사", "구청장", "군수", "교육감", "시의원", "도의원", "구의원")
# Titles too common as words to introduce a name from before it (`씨 김철수` is no pattern).
ONE_WORD_TITLES = frozenset({"씨", "군", "양", "후보", "위원", "대표팀", "의원실"})
# Words after a name for the person and his kin or party (`데이비드 베컴 부부`, `… 일행`).
KIN_AFTER = frozenset({"부부", "일가", "가족", "일행", "부자", "부녀", "모자", "모녀", "형제", "자매", "내외"})
# What joins two people in a list (`A와 B는`, `A, B`, `A 및 B`).
JOINED = re.compile(r"(?:와|과|,| 및) ")
TITLED_JOINED = re.compile(r" ([가-힣]{1,8})(?:와|과|,| 및) ")
# Marks a name may be written right before, as it ends.
NAME_CLOSERS = frozenset({",", ".", ")", "”", "’", "'", '"', "·", "ㆍ", "?", "!"})
# Callings written before a name (`러시아 물리학자 빅토르 …`, `민주주의 운동가인 류샤오보가`).
PROFESSIONS = ("학자", "운동가", "활동가", "사업가", "기업가", "정치가", "예술가", "음악가", "작곡가", "건축가", "혁명가", "사상가",
               "과학자", "연구자", "전문가", "투자가", "소설가", "영화감독", "시인", "우주인", "비행사", "모델", "배우", "가수",
               "선수", "감독")
# A word of three syllables, a modifier or not, and a title word after it (`강한승 전 대통령법무비서관이`).
CUT_NAME_TITLE = re.compile(r"(?<![가-힣])([" + "".join(sorted(SURNAMES)) + r"][가-힣]{2}) (?:(?:전|현|前|現|신임) )?"
                            r"([가-힣]{0,10}?(?:" + "|".join(TITLE_ENDINGS) + r"))(?:은|는|이|가|의|을|를|에게|과|와|도)?(?![가-힣])")
# What only a person has, named after a name and 의 (`김학순의 증언`, `김태호의 발언`).
PERSONS_OWN = frozenset("""
증언 발언 회고록 자서전 유언 유족 아들 딸 부인 아내 남편 어머니 아버지 모친 부친 장남 장녀 차남 차녀 손자 손녀 동생
생일 생애 장례식 빈소 사망 별세 서거 타계 피살 암살 생전 자택 고향 본명 육성 친필 필체 저서 시집 소설 데뷔 은퇴 결혼
""".split())
# Kin, company and roles news writes right before a person's name, as a title (`멤버 남태현의`, `본처 성혜림`, `라이더
# 김영빈은`, `조카인 장용철`): only a Korean full name or a foreign name of two words after them is taken.
ROLES_BEFORE = frozenset("""
아내 부인 남편 아들 딸 장남 차남 삼남 장녀 차녀 막내 외아들 외동딸 조카 동생 남동생 여동생 형 누나 언니 오빠 형제
어머니 아버지 모친 부친 본처 손자 손녀 사위 며느리 삼촌 외삼촌 이모 고모 할머니 할아버지 약혼자 약혼녀 애인 연인
친구 동료 측근 멤버 회원 라이더 기사 운전기사 택배기사 배달원 주부 대학생 노동자 근로자 환자 피해자 유족 희생자
용의자 피의자 피고인 가해자 원고 제자 스승 후배 선배 전임 후임 전임자 후임자
""".split())
# Roles news writes between a country and a foreign person's name (`리비아의 독재자 카다피가`, `독일 정신과 의사
# 알로이스 알츠하이머에 의해`), besides titles and professions.
NATIONAL_ROLES = frozenset({"독재자", "지도자", "의사", "철학자", "왕"})
# A government or an era named after its leader (`윤석열 정부`, `문재인 정권`).
PERSON_ERAS = frozenset({"정부", "정권", "행정부", "집권", "내각"})
# One-syllable first words of foreign names (`존`, `폴`, `빌`), no Korean surname (`장`), may open a name's run.
SHORT_NAME_STARTS = frozenset(w for w in FOREIGN_NAME_STARTS if len(w) == 1 and w not in SURNAMES)
HEADLINE_QUOTES = frozenset("“\"")
OPENING_QUOTES = frozenset("'‘\"“")
CLOSING_QUOTES = frozenset("'’\"”")
# Tokens a name's bracketed aside may hold (Hanja, age, organisation, title).
MAX_ASIDE = 16
# One-letter country names that end a name's run as a place (`존 케리 미 국무장관`), not a name's syllable.
ONE_LETTER_PLACES = frozenset("미중일러영독불북남한英美中日")
# Particles after a foreign person's family name written alone (`이니에스타가`, `오바마는`, `오바마의`).
FAMILY_PARTICLE = re.compile(r"(?:은|는|이|가|의|에게|도|와|과|를|을)(?![가-힣])")
# Highest sovereign's number (`엘리자베스 2세`); beyond it, `세` is an age.
MAX_REGNAL = 30
SPLIT_NAME_TAGS = frozenset({"NNG", "NNP", "NR", "XSN", "MM"})
HANGUL_WORD = re.compile("[가-힣]+")
HANJA_ASIDE = re.compile(r"\([\u4e00-\u9fff]{2,4}\)")


def _is_title(form: str) -> bool:
    return (form in PERSON_TITLES or form in MORE_TITLES or (len(form) >= 3 and form.endswith(TITLE_ENDINGS))
            or (len(form) >= 4 and form.endswith(HEADED_WEAK_TITLES)) or _local_title(form))  # 헌법재판소장


def _local_title(form: str) -> bool:
    """A local office written as one word with its place (`서울시장`, `경기도지사`, `성남시장`, `강남구청장`)."""
    for office in LOCAL_OFFICES:
        if len(form) > len(office) + 1 and form.endswith(office):
            stem = form[:-len(office)]
            return stem in PROVINCES or stem in DISTRICTS or stem + "시" in DISTRICTS or stem + "군" in DISTRICTS
    return False


def _titled(tokens, j: int, text: str) -> str:
    """The person's title the noun phrase from token `j` on ends in within MAX_BETWEEN nouns, or ""."""
    prev_end = tokens[j - 1].start + tokens[j - 1].len if j else 0
    word_start, glued = -1, 0
    for k in range(j, min(len(tokens), j + MAX_BETWEEN + MAX_GLUED + 1)):
        t = tokens[k]
        if t.tag not in NOUN_TAGS and not (t.tag == "MM" and t.form in MODIFIERS):
            return ""
        if t.start > prev_end and "\n" in text[prev_end:t.start]:
            return ""
        if t.start == prev_end and k > j:
            glued += 1
            if glued > MAX_GLUED:
                return ""
        else:
            word_start = t.start
        if k - j - glued > MAX_BETWEEN:
            return ""
        if _is_title(t.form) and (t.form not in WEAK_TITLES or all(tokens[x].tag == "MM" for x in range(j, k))
                                  or (t.form in POSTED_TITLES and tokens[k - 1].form in COUNTRIES)):
            return t.form  # a weak title (시장 market, 검사 test) only right after the name, or a country's envoy
        end = t.start + t.len
        if word_start < t.start and len(text[word_start:end]) >= 4 and _is_title(text[word_start:end]) \
                and text[word_start:end] not in WEAK_TITLES:
            return text[word_start:end]  # 미래/창조/과학/방송/통신/위원 read as one word
        prev_end = end
    return ""


def _title_before(tokens, i: int, text: str) -> str:
    """The title a name is introduced by (`스플래시데이터의 CEO인 모건 슬레인`, `부장 이정희`, `러시아 물리학자
    빅토르 …`), or ""."""
    if i >= 3 and tokens[i - 1].tag == "ETM" and tokens[i - 2].tag == "VCP":
        form = tokens[i - 3].form
        if _is_title(form) or form.endswith(PROFESSIONS) or form in ROLES_BEFORE:
            return form  # 조카인 장용철
        if (form + "인").endswith(PROFESSIONS) and text.startswith(form + "인 ", tokens[i - 3].start):
            return form + "인"  # 우주/NNG 이/VCP ᆫ/ETM: `우주인`, a calling Kiwi read as `우주 + 이다`
    if i >= 1 and tokens[i - 1].tag == "NNG" and text[tokens[i - 1].start + tokens[i - 1].len:tokens[i].start] == " ":
        form = tokens[i - 1].form
        if (_is_title(form) and form not in WEAK_TITLES and form not in ONE_WORD_TITLES) or form.endswith(PROFESSIONS) \
                or form in ROLES_BEFORE:
            return form
        k = i - 1
        while k and tokens[k - 1].tag == "NNG" and tokens[k - 1].start + tokens[k - 1].len == tokens[k].start:
            k -= 1  # 대표/NNG 이사/NNG: a title Kiwi read in two
        word = text[tokens[k].start:tokens[i - 1].start + tokens[i - 1].len]
        if k < i - 1 and _is_title(word) and word not in WEAK_TITLES and word not in ONE_WORD_TITLES:
            return word
    return ""


def _split_korean_at(text: str, tl: TokenLists, i: int) -> tuple[str, int]:
    """(a Korean full name Kiwi read as two or three glued common nouns, `유영/NNG 민/NNG`, the token after it) or
    ("", i): three syllables written like a name, a word of its own."""
    j = i + 1
    while j < tl.n and j - i < 3 and tl.glued(j) and tl.tags[j] in SPLIT_NAME_TAGS:
        j += 1
    word = text[tl.starts[i]:tl.ends[j - 1]]
    goes_on = j < tl.n and tl.glued(j) and tl.tags[j][0] not in "JS"  # a particle or a mark may follow: 김영빈은
    if j - i < 2 or len(word) != 3 or goes_on or not _name_shaped(word) or not HANGUL_WORD.fullmatch(word):
        return "", i
    return word, j


def _role_before(tokens, tl: TokenLists, i: int, j: int) -> str:
    """The kin or role word (ROLES_BEFORE) right before a name Kiwi cut into syllables (`라이더 김/NNP 영/NNG 빈/NNG은`,
    `본처 성/NNG 혜/NNG 림/NNG`), or "": a surname read alone, no suffix among the pieces (not `근로자 이동/NNG 권/XSN`)."""
    if tl.ends[i] - tl.starts[i] != 1 or any(tl.tags[k] == "XSN" for k in range(i, j)):
        return ""
    if i and tl.tags[i - 1] == "NNG" and tl.forms[i - 1] in ROLES_BEFORE and tl.ends[i - 1] + 1 == tl.starts[i]:
        return tl.forms[i - 1]
    return ""


def _foreign_word(form: str) -> bool:
    """One Hangul proper noun that may be a foreign name on its own: no listed place or organisation, no ending
    of one, no Korean full name (that is `_korean_at`'s)."""
    return ("가" <= form[0] <= "힣" and form not in NOT_A_PERSON and form[-1] not in NOT_NAME_ENDINGS
            and not form.endswith(LONG_ORG_SUFFIXES) and not korean_name(form, ("NNP",)))


def _aside_title(tokens, j: int, text: str) -> str:
    """The title a bracketed aside right after a name ends in (`오스미 요시노리(大隅良典, 71, 일본 도쿄공업대
    명예교수)`), or ""."""
    if j >= len(tokens) or tokens[j].form != "(" or tokens[j].start != tokens[j - 1].start + tokens[j - 1].len:
        return ""
    for k in range(j + 1, min(len(tokens), j + MAX_ASIDE)):
        if tokens[k].form == ")":
            word = tokens[k - 1].form
            return word if k > j + 1 and (_is_title(word) and word not in WEAK_TITLES) else ""
        if tokens[k].form == "(":
            return ""
    return ""


def _cut_short(tl: TokenLists, j: int) -> bool:
    """Token j, glued to the name before it, is a verb or an ending: Kiwi cut a word short (`베스/NNP 이/VCP
    라고/EC` of `베스라고가`), so the name is not whole."""
    return tl.glued(j) and tl.tags[j][0] in "VEX"


def _aside_end(tokens, j: int) -> int:
    """The token after a name's Hanja aside (`리카이푸(李開復) 전 … 사장`) starting at token j, or j."""
    if (j + 2 < len(tokens) and tokens[j].form == "(" and tokens[j + 1].tag == "SH" and tokens[j + 2].form == ")"
            and tokens[j].start == tokens[j - 1].start + tokens[j - 1].len):
        return j + 3
    return j


def _regnal(tokens, i: int, j: int, text: str) -> str:
    """A sovereign's name and number (`엘리자베스 2세`, `마르그레테 2세`): a foreign name, a number to 30, 세."""
    if j + 1 >= len(tokens) or tokens[j].tag != "SN" or tokens[j + 1].form != "세" or tokens[j + 1].tag != "NNB":
        return ""
    if not tokens[j].form.isdigit() or int(tokens[j].form) > MAX_REGNAL or korean_name(tokens[i].form, ("NNP",)):
        return ""
    if tokens[j + 1].start != tokens[j].start + tokens[j].len or text[tokens[j - 1].start + tokens[j - 1].len:
                                                                        tokens[j].start] != " ":
        return ""
    return text[tokens[i].start:tokens[j + 1].start + 1]


def listed_before_people(text: str, tl: TokenLists, names) -> list[tuple[str, str, int]]:
    """Korean full names listed right before a person the other rules found (`names`): `이대연·존 크로커 미국
    펜실베이니아대 교수`."""
    out = []
    for name in names:
        at = text.find(name)
        while at >= 2:
            if text[at - 1] in LIST_MARKS or (text[at - 1] == " " and text[at - 2] in LIST_MARKS):
                i = bisect_left(tl.starts, at)
                if i < tl.n and tl.starts[i] == at:
                    out += _listed_before(text, tl, i, "")
            at = text.find(name, at + len(name))
    return out


def joined_people(text: str, tl: TokenLists, names) -> list[tuple[str, str, int]]:
    """People joined to a person the other rules found (`names`), his title between or not, by `와`/`과`, a comma
    or `및`, with no title of their own: a foreign name of two proper nouns (`데이비드 휴벨과 토어스텐 비젤은`) or a Korean full name, before a
    particle or a mark; a place, an organisation or any other word is no person."""
    out = []
    for name in names:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            joint = JOINED.match(text, end)
            titled = TITLED_JOINED.match(text, end) if joint is None else None
            if titled and titled.group(1) in PERSON_TITLES:
                joint = titled  # 김철수 교수와 이영희는
            if joint and (at == 0 or not text[at - 1].isalnum()):
                i = bisect_left(tl.starts, joint.end())
                person = _joined_at(text, tl, i) if i < tl.n and tl.starts[i] == joint.end() else ""
                if person:
                    out.append((person, "", joint.end()))
            at = text.find(name, end)
    return out


def _joined_at(text: str, tl: TokenLists, i: int) -> str:
    """The name at token i a joined list may add: two proper nouns apart (neither listed as a place or an
    organisation, neither a Korean name) or one Korean full name, with a particle or a mark after it."""
    words = 2 if i + 1 < tl.n and tl.tags[i + 1] == "NNP" and tl.starts[i + 1] == tl.ends[i] + 1 else 1
    last = i + words - 1
    if any(tl.tags[k] != "NNP" or tl.forms[k] in NOT_A_PERSON for k in range(i, last + 1)):
        return ""
    if last + 1 < tl.n and tl.starts[last + 1] == tl.ends[last] and tl.tags[last + 1][0] != "J" \
            and tl.forms[last + 1] not in NAME_CLOSERS:
        return ""  # the word goes on (`크람프-카렌바우어`): not a name alone
    if last + 1 < tl.n and tl.starts[last + 1] > tl.ends[last] and tl.tags[last + 1][0] not in "S":
        return ""  # another word follows (a title, a noun it names): the other rules' reading
    if words == 1:
        form = tl.forms[i]
        return form if len(form) == 3 and _name_shaped(form) and korean_name(form, ("NNP",)) else ""
    if any(korean_name(tl.forms[k], ("NNP",)) or len(tl.forms[k]) < 2 for k in (i, last)):
        return ""
    return text[tl.starts[i]:tl.ends[last]]


def _listed_before(text: str, tl: TokenLists, i: int, title: str) -> list[tuple[str, str, int]]:
    """Korean full names listed right before a titled one, sharing its title (`이대연·존 크로커 … 교수`,
    `김철수, 이영희 교수`)."""
    out = []
    while i >= 2 and tl.forms[i - 1] in LIST_MARKS:
        k = i - 2  # the first token of the word before the mark: one proper noun, or a name Kiwi cut (`이/MM 우연/NNG`)
        while k and tl.glued(k) and k > i - 4:
            k -= 1
        form, at = text[tl.starts[k]:tl.ends[i - 2]], tl.starts[k]
        if len(form) != 3 or (at and text[at - 1].isalnum()) or not _name_shaped(form) or _is_title(form) or \
                not korean_name(form, ("NNP",)) or not all(tl.tags[x] in SPLIT_NAME_TAGS for x in range(k, i - 1)):
            break
        if k < i - 2 and tl.tags[k] != "NNP" and not title:
            break  # a cut name needs the titled one's company: `이우연, 주동식 주필`
        out.append((form, title, at))
        i = k
    return out


def _korean_at(tokens, i: int, text: str) -> tuple[str, int]:
    """(a Korean full name starting at token i, the token after it) or ("", i): one proper noun (`문재인`), or a
    surname and given name Kiwi split (`황/NNP 희/NNG`)."""
    t = tokens[i]
    if (t.tag == "NNP" and t.len == 2 and i + 1 < len(tokens) and tokens[i + 1].len == 1
            and tokens[i + 1].start == t.start + 2 and tokens[i + 1].tag in ("MM", "NNG", "XSN")
            and not (i + 2 < len(tokens) and tokens[i + 2].start == t.start + 3 and tokens[i + 2].tag[0] not in "JS")):
        word = text[t.start:t.start + 3]
        if _name_shaped(word) and korean_name(word, ("NNP",)):
            return word, i + 2  # 문태/NNP 현/MM: the given name's last syllable read apart
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
    while (j < len(tokens) and j - i < 3 and tokens[j].tag == "NNP"
           and (tokens[j].len >= 2 or (j > i and tokens[i].len >= 2 and tokens[j].form not in ONE_LETTER_PLACES)
                or (j == i and tokens[j].form in SHORT_NAME_STARTS))  # 존 웰터 경찰청장
           and tokens[j].form not in NOT_A_PERSON and "가" <= tokens[j].form[0] <= "힣"
           and (tokens[j].form[-1] not in NOT_NAME_ENDINGS or (j == i and tokens[j].form in FOREIGN_NAME_STARTS)
                or (tokens[j].form[-1] == "리" and tokens[j].len >= (3 if j > i else 4)))  # 오니시 다쿠야
           and not tokens[j].form.endswith(LONG_ORG_SUFFIXES)  # 오스미 요시노리, 아나톨리: 리 ends a name, not a village
           and tokens[j].form[-1] not in "의가는를을와과"  # a particle Kiwi kept on an unknown name
           and (j == i or not _korean_word(tokens[j]) or tokens[i].form in FOREIGN_NAME_STARTS)  # 민변 이종훈 변호사
           and (j == i or text[tokens[j - 1].start + tokens[j - 1].len:tokens[j].start] == " ")):
        j += 1
    if j - i < 2 or _korean_word(tokens[i]):
        return "", i  # a Korean full name stands alone (`천신일 세중나모여행`); `세키야 나오야` is one name
    if j - i == 3 and j < len(tokens) and tokens[j].tag == "NNG" and not _is_title(tokens[j].form):
        j -= 1  # `앨런 스턴 뉴호라이즌 연구 책임자`: the third word names what the common noun after it is of
    return text[tokens[i].start:tokens[j - 1].start + tokens[j - 1].len], j


def _known_foreign(text: str, tl: TokenLists, i: int, j: int) -> tuple[str, int] | None:
    """(the name, the token after it) when tokens i..j-1 read by `_foreign_at` start with a word of
    FOREIGN_NAME_STARTS, or their last word is written again alone before a particle (`안드레스 이니에스타의 … 이니에스타가`:
    a foreign person named in full, then by the family name), and the name's last word (with what Kiwi cut off it:
    `샌/NNP 델/NNG`) ends before a particle, a punctuation mark or `이다`, not before a noun it names (`제임스 웹
    우주망원경`)."""
    if tl.forms[i] not in FOREIGN_NAME_STARTS and not (
            _may_open_name(tl.forms[i]) and text.count(text[tl.starts[i]:tl.ends[j - 1]]) == 1
            and _family_name_again(text, tl.forms[j - 2], tl.forms[j - 1])):
        return None  # named in full once, then by the family name alone (not `증강현실 아바타` … `증강현실 아바타`)
    k = j
    while k < tl.n and tl.starts[k] == tl.ends[k - 1] and tl.tags[k] in ("NNP", "NNG", "UN"):
        k += 1
    if k < tl.n and not (tl.tags[k][0] == "J" or tl.tags[k] in ("SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "VCP")
                         or (tl.forms[k] in KIN_AFTER and tl.starts[k] == tl.ends[k - 1] + 1)):
        return None
    return text[tl.starts[i]:tl.ends[k - 1]], k


def _family_name_again(text: str, before: str, last: str) -> bool:
    """The last word of a foreign name (… `before` `last`) stands alone elsewhere in the text, a word of its own before
    a particle (`이니에스타가`, `이니에스타의`; not after `before`): the way news refers back to a foreign person named in
    full."""
    if len(last) < 2:
        return False
    at = text.find(last)
    while at >= 0:
        end = at + len(last)
        if (at == 0 or not text[at - 1].isalnum()) and FAMILY_PARTICLE.match(text, end) \
                and not text.endswith(before + " ", 0, at):
            return True
        at = text.find(last, end)
    return False


def _may_open_name(word: str) -> bool:
    """A first word that may open a foreign name: no title or role (`유튜버 갑수목장`), no language or edition (`한국어
    위키배움터`, `슬로바키아어판`)."""
    return word not in PERSON_TITLES and word not in ROLES_BEFORE and not word.endswith(("어", "어판", "판"))


def _korean_word(token) -> bool:
    """A three-syllable token written like a Korean full name."""
    return token.len == 3 and korean_name(token.form, ("NNP",))


def _name_shaped(word: str) -> bool:
    """Three syllables written like a Korean full name (a common surname, given-name syllables), not a listed
    place or organisation and not ending like one."""
    return (word[0] in SURNAMES and word[1] in GIVEN_SYLLABLES and word[2] in GIVEN_SYLLABLES
            and word not in NOT_A_PERSON and word[2] not in NOT_NAME_ENDINGS and word[:2] not in PROVINCES)


def _listed_names(text: str, tl: TokenLists) -> list[tuple[str, str, int]]:
    """Runs of three or more Korean full names written as words of their own, separated by commas, middle dots or
    single spaces (`김무성, 서청원, 이인제`; a list of members: `강석호 김광림 김명연`), most of them one proper noun
    to Kiwi: then every name-shaped word of the run is a person, also one Kiwi split (`김/NNP 영/NR 록/NNG`)."""
    nnp = {tl.starts[i] for i in range(tl.n) if tl.tags[i] == "NNP" and tl.ends[i] - tl.starts[i] == 3}
    if len(nnp) < 3:
        return []  # a list needs three names Kiwi read as one proper noun each
    out, run, last_end = [], [], -1
    for m in NAME_WORD.finditer(text):
        word, at = m.group(), m.start()
        if not _name_shaped(word):
            continue
        if not (run and LIST_GAP.fullmatch(text, last_end, at)):
            out += _proper_run(run, nnp)
            run = []
        run.append((word, at))
        last_end = m.end()
    return out + _proper_run(run, nnp)


def _proper_run(run: list[tuple[str, int]], nnp: set[int]) -> list[tuple[str, str, int]]:
    """The people of a run of name-shaped words: all of them when it holds three or more and at least
    LIST_PROPER_SHARE of them are one proper noun each; else none."""
    proper = sum(at in nnp for _, at in run)
    if len(run) < 3 or proper < 3 or proper < LIST_PROPER_SHARE * len(run):
        return []
    return [(word, "", at) for word, at in run]


def _joined_pair(text: str, tl: TokenLists) -> list[tuple[str, str, int]]:
    """Two Korean full names with common surnames joined by `와`/`과`, each one proper noun to Kiwi, the second before a
    particle (`이용하와 장수길을`): people, as one such word alone is not."""
    out = []
    for j in tl.tagged("JC"):
        i = j - 1
        if i < 0 or j + 2 >= tl.n or tl.forms[j] not in ("와", "과") or not tl.glued(j):
            continue
        k = i + 2
        if not (tl.tags[k + 1][0] == "J" and tl.glued(k + 1)) or tl.glued(k):
            continue
        if all(tl.tags[x] == "NNP" and tl.ends[x] - tl.starts[x] == 3 and _name_shaped(tl.forms[x])
               and tl.forms[x][0] in COMMON_SURNAMES  # not 경부선과 경의선
               and korean_name(tl.forms[x], ("NNP",)) and not (tl.starts[x] and text[tl.starts[x] - 1].isalnum())
               for x in (i, k)):
            out += [(tl.forms[i], "", tl.starts[i]), (tl.forms[k], "", tl.starts[k])]
    return out


def _cut_before_title(text: str, tl: TokenLists) -> list[tuple[str, str, int]]:
    """Korean full names Kiwi cut into a verb and an ending (`강하/VA ᆫ/ETM 승/NNB 전 대통령법무비서관이`): a word of three
    syllables written like a name, read as two tokens or more one of them no noun, before a title (a modifier such as
    `전` between or not)."""
    out = []
    for m in CUT_NAME_TITLE.finditer(text):
        title = m.group(2)
        if title not in PERSON_TITLES and not title.endswith(TITLE_ENDINGS):
            continue
        i = bisect_left(tl.starts, m.start(1))
        j = bisect_left(tl.starts, m.end(1))
        if j - i < 2 or not any(tl.tags[k][0] in "VE" for k in range(i, j)):
            continue  # one token, or nouns only: the other passes' reading
        word = m.group(1)
        if _name_shaped(word) and korean_name(word, ("NNP",)) and _is_title(title) and title not in WEAK_TITLES:
            out.append((word, title, m.start(1)))
    return out


def _possessor(text: str, tl: TokenLists) -> list[tuple[str, str, int]]:
    """Korean full names with a common surname, one proper noun each, whose words or kin the text names with 의 (`김학순의
    증언`, `김태호의 발언`, `성혜림의 아들`): only a person testifies or has a son."""
    out = []
    tags = tl.tags
    for j in tl.tagged("JKG"):
        i = j - 1
        if i < 0 or j + 1 >= tl.n or tl.forms[j + 1] not in PERSONS_OWN or tl.starts[j + 1] != tl.ends[j] + 1:
            continue
        form = tl.forms[i]
        if tags[i] == "NNP" and len(form) == 3 and tl.glued(j) and form[0] in COMMON_SURNAMES and _name_shaped(form) \
                and korean_name(form, ("NNP",)) and not (tl.starts[i] and text[tl.starts[i] - 1].isalnum()):
            out.append((form, "", tl.starts[i]))
    return out


def _surname_titled(text: str) -> set[str]:
    """Surnames the text writes before a title (`문 대통령은`, `김 위원장`): the way news refers back to a person
    it has named in full."""
    return {m.group(1) for m in SURNAME_TITLE.finditer(text)}


def _referred_back(text: str, tl: TokenLists, surnames: set[str]) -> list[tuple[str, str, int]]:
    """Korean full names Kiwi reads as one proper noun, standing bare (`김정은은 …`), whose surname the text
    also writes before a title (`김 위원장은`), or with the name in Hanja aside (`김정은(金正恩)`)."""
    out = []
    for i in range(tl.n):
        if tl.ends[i] - tl.starts[i] != 3 or (tl.tags[i] != "NNP" and tl.tags[i] != "NNG"):
            continue
        form, at = tl.forms[i], tl.starts[i]
        if (at and text[at - 1].isalnum()) or not _name_shaped(form):
            continue
        aside = HANJA_ASIDE.match(text, tl.ends[i])
        if (aside and len(aside.group()) == 5) or (tl.tags[i] == "NNP" and form[0] in surnames
                                                    and korean_name(form, ("NNP",))):
            out.append((form, "", at))  # 한도윤(韓道允): as many Hanja as syllables
    return out


def _other_person_at(text: str, tokens, tl: TokenLists, i: int) -> tuple[tuple[str, str, int] | None, int]:
    """A person the name passes miss at token i, (name, title, offset) and the token after it, or (None, i): a Korean
    name Kiwi read as glued common nouns before its title (`유영/NNG 민/NNG KAIST 화학과 교수`), one foreign word
    with a title as written (`민주주의 운동가인 류샤오보가`), a sovereign (`엘리자베스 2세`)."""
    n, tags, starts = tl.n, tl.tags, tl.starts
    if tags[i] in SPLIT_NAME_TAGS and i + 1 < n:
        name, j = _split_korean_at(text, tl, i)
        title = (_titled(tokens, j, text) if name and j < n else "") or (_role_before(tokens, tl, i, j) if name else "")
        if title and title not in WEAK_TITLES:
            return (name, title, starts[i]), j
    if tags[i] != "NNP":
        return None, i
    if tl.ends[i] - starts[i] >= 3 and _foreign_word(tl.forms[i]) and not (i + 1 < n and _cut_short(tl, i + 1)):
        after = _aside_end(tokens, i + 1)
        title = (_titled(tokens, after, text) if i + 1 < after < n else "") or _title_before(tokens, i, text)
        if title and (title in PERSON_TITLES or title in MORE_TITLES or title.endswith(PROFESSIONS)):
            return (tl.forms[i], title, starts[i]), i + 1  # not a word ending like a title: 출판사인 교학사
    if i < n - 1 and tl.ends[i] - starts[i] >= 2 and tl.forms[i] not in NOT_A_PERSON:
        regnal = _regnal(tokens, i, i + 1, text)
        if regnal:
            return (regnal, "", starts[i]), i + 3
    return None, i


def titled_people(text: str, tokens, tl: TokenLists | None = None) -> list[tuple[str, str, int]]:
    """(name, title or "", offset) of the people this pass finds in `text` (see the module docstring); `tl`: the
    tokens as lists, when the caller has them."""
    tl = tl or TokenLists(tokens)
    out = []
    i, n, tags, starts = 0, tl.n, tl.tags, tl.starts
    while i < n:
        if (tags[i] != "NNP" and (tags[i] != "NNG" or i + 1 == n or not tl.glued(i + 1))) or (
                starts[i] and text[starts[i] - 1].isalnum()):  # a name begins a word (NNG: one Kiwi split)
            i += 1
            continue
        name, j = _foreign_at(tokens, i, text)
        if not name:
            name, j = _korean_at(tokens, i, text)
        if not name:
            person, j = _other_person_at(text, tokens, tl, i)
            if person:
                out.append(person)
                i = j
                continue
        if name and name not in NOT_A_PERSON and name not in PERSON_TITLES:
            after = _aside_end(tokens, j) if j < n else j
            if after < n - 1 and tl.forms[after] in CLOSING_QUOTES and i and tl.forms[i - 1] in OPENING_QUOTES:
                after += 1  # '김상조' 교수를
            title = (_titled(tokens, after, text) if after < n else "") or _aside_title(tokens, j, text) or (
                _title_before(tokens, i, text) if j == n or not _cut_short(tl, j) else "")
            if title and len(name) == 2 and (j == n or not (_is_title(tokens[j].form) or tokens[j].tag in ("NNP", "SL",
                                                                                                      "MM"))):
                title = ""  # a two-syllable name needs its title, a modifier or an organisation right after it
            if not title and len(name) == 3 and j < n and tl.forms[j] in PERSON_ERAS and tags[j] == "NNG":
                title = tl.forms[j]  # 윤석열 정부
            if not title and len(name) == 3 and j < n and tl.forms[j] in HEADLINE_QUOTES and \
                    text[tl.ends[j - 1]:starts[j]] == " ":
                out.append((name, "", starts[i]))  # a headline's speaker: 류호정 “…”
                i = j
                continue
            known = _known_foreign(text, tl, i, j) if not title and " " in name else None
            if known:
                out.append((known[0], "", starts[i]))  # 마이클 샌델은: a foreign name by its first word, no title needed
                i = known[1]
                continue
            if title:
                out.append((name, title, starts[i]))
                out += _listed_before(text, tl, i, title)
                i = j
                continue
        i += 1
    surnames = _surname_titled(text)
    return out + _listed_names(text, tl) + _referred_back(text, tl, surnames) + _joined_pair(text, tl) + \
        _cut_before_title(text, tl) + _possessor(text, tl) + _national_role(text, tl)


def _national_role(text: str, tl: TokenLists) -> list[tuple[str, str, int]]:
    """(name, role, offset) of a foreign person introduced by country and role (`러시아 물리학자 빅토르 …`, `미국 모델
    카일리/NNG 제너/NNP`, `리비아의 독재자 카다피가`): a country, its 의 or not, one or two common nouns ending in a
    profession or role, then two Hangul words written apart (one a proper noun; Kiwi reads some first names as common
    nouns) or one proper noun of three syllables or more, and a particle or a mark right after."""
    out = []
    for i in range(tl.n - 3):
        if tl.tags[i] != "NNP" or tl.forms[i] not in COUNTRIES:
            continue
        k = i + 2 if tl.tags[i + 1] == "JKG" else i + 1
        for role_at in (k, k + 1):
            if role_at + 1 >= tl.n or tl.tags[role_at] != "NNG" or (role_at > k and tl.tags[k] != "NNG"):
                break
            role = tl.forms[role_at]
            if role in NATIONAL_ROLES or role.endswith(PROFESSIONS) or role in MORE_TITLES or (
                    role in PERSON_TITLES and role not in WEAK_TITLES):
                person = _named_after_role(text, tl, role_at + 1)
                if person:
                    out.append((person, role, tl.starts[role_at + 1]))
                break
    return out


def _named_after_role(text: str, tl: TokenLists, j: int) -> str:
    """The foreign name written from token j (see `_national_role`), or ""."""
    two = (j + 1 < tl.n and tl.tags[j] in ("NNP", "NNG") and tl.tags[j + 1] == "NNP" and tl.starts[j + 1] == tl.ends[j] + 1)
    last = j + 1 if two else j
    if not two and (tl.tags[j] != "NNP" or tl.ends[j] - tl.starts[j] < 3):
        return ""
    words = range(j, last + 1)
    if tl.starts[j] != tl.ends[j - 1] + 1 or not all(
            tl.ends[x] - tl.starts[x] >= 2 and (_foreign_word(tl.forms[x]) if not two else _foreign_part(tl.forms[x]))
            for x in words):
        return ""
    if last + 1 < tl.n and not (tl.tags[last + 1][0] in "JS" and (tl.starts[last + 1] == tl.ends[last]
                                                                  or tl.tags[last + 1][0] == "S")):
        return ""  # the word goes on (`카다피정권`) or another follows (`알로이스 알츠하이머/NNG`: not half of it)
    return text[tl.starts[j]:tl.ends[last]]


def _foreign_part(form: str) -> bool:
    """A word of a foreign name of two (`카일리 제너`): Hangul, no listed place or organisation, no institution's ending."""
    return "가" <= form[0] <= "힣" and form not in NOT_A_PERSON and not form.endswith(LONG_ORG_SUFFIXES) and \
        not korean_name(form, ("NNP",))
