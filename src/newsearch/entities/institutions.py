"""Organisations the phrase rules leave out: group companies, official bodies written in common nouns,
and companies listed or introduced as what they are.

- A word starting with a business group's name (`카카오엔터프라이즈`, `현대로보틱스`, `KT스카이라이프`, `현대HCN`,
  `카카오/NNP 브레인/NNG`): an affiliate of that group (not a product: `카카오톡`).
- A word of common nouns Kiwi does not know as one, ending in an institution's suffix and starting with
  what names an official or international body (`국립정신건강센터`, `세계경제포럼`, `한국과학기술원`,
  `소방방재청`), a committee of the National Assembly (`국회 국방위원회`), a state body (`국회`, `감사원`).
- A proper noun and a one-syllable `대`/`당` (`로체스터/NNP 대`, a university; a party).
- Proper nouns introduced as, or listed before, what they are (`의료 AI 기업 루닛`, `딥메디, 두잉랩 등 스타트업`).
"""

from __future__ import annotations

import re

from .gazetteer import COUNTRIES, DISTRICTS, PROVINCES, REGIONS, WORLD_CITIES
from .lexicon import KNOWN_ORGS, PLATFORMS
from .tokenlists import TokenLists
from .words import NATIONAL_ARMS, NOT_ORG_ENDINGS

WORD_TAGS = frozenset({"NNP", "NNG", "SL", "SN", "XSN"})
PROPER = frozenset({"NNP", "SL"})
# Business groups whose affiliates carry the group's name at the front (Latin ones as written).
GROUPS = frozenset("""카카오 현대 삼성 LG SK KT 롯데 한화 네이버 CJ GS 두산 포스코 신세계 효성 한진 금호 대우 코오롱 HD
농협 신한 하나 KB LS 셀트리온 아모레 넥슨 엔씨 NHN 쿠팡 배민 토스""".split())
GROUP_LENGTHS = sorted({len(g) for g in GROUPS}, reverse=True)
# What follows a group's name in a product's or a service's name, not a company's.
PRODUCT_ENDINGS = ("쇼핑", "톡", "워치", "폰", "앱", "맵", "뮤직", "웹툰", "TV", "카", "택시", "내비", "스토리", "메일", "페이지")
# Fronts of official, national or international bodies, and the suffixes of institutions.
OFFICIAL_FRONTS = ("국립", "국가", "한국", "대한", "세계", "국제", "중앙", "서울", "경기", "부산", "전국", "정부", "국회",
                   "소방", "기상", "특허", "조달", "병무", "산림", "관세", "국세", "통계", "해양", "질병", "식품의약품",
                   "방위사업", "문화재", "경찰", "검찰", "금융", "공정거래", "국민권익", "개인정보")
INSTITUTION_ENDINGS = ("센터", "위원회", "포럼", "기술원", "과학원", "연구원", "연구소", "연구단", "재단", "협회", "공사", "공단",
                       "진흥원", "학회", "기구", "연합", "연맹", "노조", "협의회", "은행", "병원", "대학교", "박물관",
                       "미술관", "도서관", "관리원", "평가원", "개발원", "정책원", "노동조합", "청", "처")
ENDING_LAST = frozenset(e[-1] for e in INSTITUTION_ENDINGS)
# State bodies Kiwi reads as common nouns, named all the same (`국회`, `감사원`).
STATE_BODIES = frozenset("""국회 대법원 헌법재판소 헌재 감사원 국정원 국가정보원 대통령실 국무조정실 중앙선관위 선관위 대검찰청
대검 서울중앙지검 서울고법 서울중앙지법 국방부 외교부 통일부 법무부 기획재정부 기재부 교육부 행정안전부 행안부 보건복지부
복지부 환경부 고용노동부 노동부 여성가족부 여가부 국토교통부 국토부 해양수산부 해수부 산업통상자원부 산업부
과학기술정보통신부 과기정통부 문화체육관광부 문체부 농림축산식품부 농식품부 중소벤처기업부 중기부 합참 합동참모본부""".split())
# Last letters of the words worth reading when they hold no proper noun (institutions and state bodies).
CHECKED_LAST = ENDING_LAST | frozenset(b[-1] for b in STATE_BODIES) | frozenset("서소관")  # local offices, missions
# What a company is called when it is introduced or listed (`AI 기업 루닛`, `… 등 스타트업`).
KINDS = ("스타트업", "기업", "업체", "회사", "기관", "단체", "병원", "대학", "은행", "협회", "계열사", "자회사", "플랫폼",
         "제약사", "벤처")
KIND_SET = frozenset(KINDS)
# The kinds that introduce a company's name right before it (`AI 기업 루닛`); not `병원`, `대학`, whose next word
# is a department (`세브란스병원 비뇨의학과`).
INTRODUCING = frozenset({"기업", "스타트업", "업체", "회사", "제약사", "벤처", "플랫폼", "기업인", "자회사", "계열사",
                         "포털", "학술지", "저널", "매체", "언론사", "통신사", "방송사", "제조사", "운영사", "증권사",
                         "보험사", "카드사", "유통사", "건설사", "항공사", "게임사", "기관", "약국", "쇼핑몰", "몰"})
# Verbs whose object is a company (`뉘앙스를 인수했다`), and nouns of a deal with a partner (`위뉴와 협약`).
ACQUIRED = frozenset({"인수", "합병", "매각", "흡수합병"})
DEAL_PARTICLES = frozenset({"와", "과", "와는", "과는"})
PARTNERED = frozenset({"제휴", "협약", "업무협약", "MOU", "손잡", "파트너십", "합작"})
# Kinds that introduce a name in quotation marks (`학술지 ‘네이처 나노테크놀로지’`, `업체인 "리얼미터"`), and the
# most words such a name has: a journal's name is long, a company's short.
QUOTED_KINDS = {"학술지": 6, "저널": 6, "과학지": 6, "업체": 2, "기업": 2, "회사": 2, "포털": 2, "스타트업": 2, "매체": 2,
                "단체": 3, "언론사": 2, "제약사": 2, "사이트": 2, "커뮤니티": 2, "일간지": 3, "신문": 3, "잡지": 3,
                "주간지": 3, "월간지": 3, "방송사": 2, "통신사": 2}
QUOTED_NAME = re.compile("(" + "|".join(sorted(QUOTED_KINDS, key=len, reverse=True)) +
                         r")(?:인|이자|로는)? ?[‘'\"“]([A-Za-z0-9가-힣][^‘’'\"“”\n]{0,40}?)[’'\"”]")
# A sentence, not a name, in quotation marks.
SAID = re.compile(r"(?:다|요|까|죠)[.!?]?$")
# What introduces a journal's name (`국제학술지 네이처 바이오테크놀로지`), and its most words.
JOURNAL_KINDS = frozenset({"학술지", "저널", "과학지", "국제학술지", "과학저널"})
MAX_JOURNAL_WORDS = 4
# Words after a journal's name that are not part of it (`네이처 온라인판에`).
JOURNAL_NOT_NAMES = frozenset({"온라인판", "인터넷판", "최신호", "최근호", "자매지", "논문", "표지", "편집장", "기사"})
# Journals whose name heads a family of journals (`네이처 커뮤니케이션즈`, `사이언스 어드밴시스`).
JOURNAL_HEADS = frozenset({"네이처", "네이쳐", "사이언스"})
# Institutions written apart from a foreign proper noun before them (`듀크 대학`, `로체스터 대학교`).
SPACED_ENDINGS = frozenset({"대학", "대학교", "연구소", "연구원", "재단", "병원", "대학병원", "협회", "학회", "통신"})
# What a union's name is not made of (`귀족노조`, `강성노조`: kinds of union).
GENERIC_UNIONS = frozenset({"귀족", "강성", "대형", "기업", "산별", "양대", "거대", "어용", "민주", "기존", "개별", "복수"})
# Institutions named apart from their place and field (`토고 축구 협회`, `아프리카 축구 연맹`).
SPACED_BODIES = frozenset({"협회", "연맹", "연합회", "위원회", "협의회", "재단", "학회", "연구소", "연구원", "노조", "노동조합"})
# Words after a company's name that make a national or regional arm of it (`구글 차이나`, `애플 코리아`, `…아시아`).
ARMS = NATIONAL_ARMS | {"아시아", "유럽"}
# A research centre named apart from its field, one or two words of nouns before `연구단` (`유전체교정 연구단`,
# `파동에너지 극한제어 연구단`): the field's last word four letters or more, so that no team of any kind is one
# (`국제 공동 연구단`); a word before it that ends like a verb or a particle is not of the name.
SPACED_CENTRE = re.compile(r"(?<![가-힣A-Za-z])((?:[가-힣A-Za-z]{2,} )?[가-힣A-Za-z]{4,}) 연구단(?=[은는이가을를의과와에도으로,.)’'\"”\s]|$)")
NOT_OF_A_NAME = re.compile(r"(?:[는은을를의에가이고며서한된인할던적]|에서|으로|하는)$")
# A journal of a family named with its head in quotation marks (`‘네이처 커뮤니케이션즈’(Nature …)`).
QUOTED_JOURNAL = re.compile(r"[‘'\"“]((?:네이처|네이쳐|사이언스) [가-힣A-Za-z]{2,}(?: [가-힣A-Za-z]{2,})?)\s*(?=[’'\"”(])")
# A company's research units, named as a word after its name (`SK텔레콤 종합기술원`, `LG전자 소재연구소`).
UNIT_ENDINGS = ("기술원", "연구소", "연구센터", "연구단", "연구실")
# Ministries, named by their fields and `부` (`안전행정부`, `농림수산식품부`, a country's `내무부`): not `지도부`,
# `사령부`, `본부`, `내부` (no field's word before the `부`), not `행정부` (a field alone: the branch of government),
# not a university's `생명과학부` (과학 is no ministry's last field).
MINISTRY = re.compile("^(?:[가-힣]+(?:행정|경제|식품|교육|통일|국방|외교|법무|환경|노동|복지|가족|교통|해양|자원|문화|관광|"
                      "체육|안전|보건|산업|통상|기획|재정|정보|통신|여성|국토|건설|농림|수산|축산|벤처|보훈|자치|인적|에너지)"
                      "|내무|외무|재무|상무|국무)부$")
# Local offices named after the city written before them (`광주 북부경찰서`): police, fire, education offices.
LOCAL_BODIES = ("경찰서", "소방서", "소방본부", "교육청", "경찰청", "보건소", "교육지원청")
# A country's missions, named with where they are (`주일대사관`, `주상하이총영사관`).
MISSIONS = ("대사관", "영사관")
# National institutes named with `국립` and `원` (`국립국어원`, `국립국악원`, `국립중앙의료원`), parks and gardens aside.
NATIONAL_INSTITUTE = re.compile("국립[가-힣]{2,8}원")
NOT_INSTITUTES = ("공원", "정원", "동물원", "식물원", "유치원", "현충원")
# A newspaper or magazine named in quotation marks before `지` (`‘워싱턴 포스트’ 지의 보도`).
QUOTED_PAPER = re.compile(r"[‘']([가-힣A-Za-z][가-힣A-Za-z ]{1,20}?)[’'] 지(?:의|는|가|에|를|도)?(?![가-힣])")
# A committee named apart from its field of four letters or more (`최저임금 위원회`), not one described by whose it is
# (`대통령직속 위원회`, `관련 위원회`).
SPACED_COMMITTEE = re.compile(r"(?<![가-힣A-Za-z])([가-힣]{4,8}) 위원회(?=[은는이가을를의과와에도로]|에서|\s|[,.)’”'\"]|$)")
NOT_COMMITTEE_NAMES = ("직속", "산하", "관련", "소속", "내부", "외부", "해당")
# A company named as a website, `닷컴` written onto its name or apart (`쓱닷컴`, `오백인 닷컴`, `스페이스닷컴`).
DOTCOM = "닷컴"
# A word apart before it that ends as a topic, subject or object (`우리는 닷컴 초창기`) is not the name's.
DOTCOM_NAME = re.compile(r"(?<![가-힣A-Za-z0-9])([가-힣A-Za-z0-9]{1,10}(?<![은는이가을를의에도와과]) ?닷컴|"
                         r"[가-힣A-Za-z0-9]{1,10}닷컴)"
                         r"(?=[은는이가을를의과와에도로]|에서|에게|\s|[,.)’”'\"]|$)")
# A country's national team, named with the country and its sport before it (`토고 축구 국가대표팀`).
NATIONAL_TEAM = "국가대표팀"
SPORTS = frozenset("축구 야구 농구 배구 핸드볼 하키 럭비 수구 탁구 테니스 배드민턴 아이스하키 컬링 여자축구 남자축구".split())
# The marks of a company's legal form before its name (`㈜누리플러스`, `(주)한빛소프트`).
INCORPORATED = frozenset({"㈜", "(주)"})


def _affiliate(word: str, first_tag: str) -> bool:
    """A word starting with a business group's name (`카카오엔터프라이즈`); not a product's (`카카오톡`) nor a
    facility's (`쿠팡물류센터`: the group's site, no company of its own)."""
    if first_tag not in PROPER or word in KNOWN_ORGS or word.endswith(PRODUCT_ENDINGS) or word.endswith(NOT_ORG_ENDINGS):
        return False
    return any(len(word) >= k + 2 and word[:k] in GROUPS for k in GROUP_LENGTHS)


def _unit_after(text: str, tl: TokenLists, j: int) -> str:
    """The research unit named as the word after a known company's name ending before token j (`종합기술원` of
    `SK텔레콤 종합기술원`, `소재연구소` of `LG전자 소재연구소`), common nouns with two letters or more before its
    ending; "" if none."""
    k = _next_word(tl, j)
    if k < 0:
        return ""
    end = k + 1
    while end < tl.n and tl.starts[end] == tl.ends[end - 1] and tl.tags[end] in WORD_TAGS:
        end += 1
    if any(tag != "NNG" for tag in tl.tags[k:end]):
        return ""  # `KIST 치매DTC융합연구단`: a unit with a name of its own is one alone
    unit = text[tl.starts[k]:tl.ends[end - 1]]
    ending = next((e for e in UNIT_ENDINGS if unit.endswith(e)), "")
    return unit if ending and len(unit) >= len(ending) + 2 else ""


def _official(word: str, proper: bool, before: str) -> bool:
    """An official body: a state body, a ministry by its field (`안전행정부`, `내무부`), a national institute
    (`국립국어원`), a union, or an institution's ending after what names an official body."""
    last = word[-1]
    if word in STATE_BODIES or (last == "부" and MINISTRY.search(word)) or (
            last == "원" and word.startswith("국립") and NATIONAL_INSTITUTE.fullmatch(word)
            and not word.endswith(NOT_INSTITUTES)):
        return True
    if (last == "서" or last == "소" or last == "청" or last == "부") and before in PLACES and \
            word.endswith(LOCAL_BODIES) and len(word) >= 4:
        return True  # 광주 북부경찰서, 대전 중부경찰서: a local office named after its city
    if last == "관" and word.endswith(MISSIONS) and len(word) >= 5:
        return True  # 주일대사관, 주한미국대사관: a country's mission
    if word.endswith("노조") and len(word) >= 4 and word[:-2] not in GENERIC_UNIONS:
        return True  # 철도노조, 공공운수노조
    if last not in ENDING_LAST or len(word) < 4 or not word.endswith(INSTITUTION_ENDINGS) \
            or word.endswith(NOT_ORG_ENDINGS):
        return False  # `쿠팡물류센터`, `서울콜센터`: a site, not a body
    if len(word) < 5 and word[-1] not in "청처":
        return False
    return proper or before == "국회" or word.startswith(OFFICIAL_FRONTS)


PLACES = COUNTRIES | PROVINCES | DISTRICTS | REGIONS | WORLD_CITIES


def _named_apart(text: str) -> list[tuple[str, int]]:
    """Research centres and committees named apart from their field, journals of a family and newspapers in
    quotation marks, national teams and companies named as websites (see SPACED_CENTRE, SPACED_COMMITTEE,
    QUOTED_JOURNAL, QUOTED_PAPER, NATIONAL_TEAM and DOTCOM_NAME)."""
    out = [(m.group(1), m.start(1)) for m in QUOTED_JOURNAL.finditer(text)] \
        if "네이" in text or "사이언스" in text else []
    if "’ 지" in text or "' 지" in text:
        out += [(m.group(1), m.start(1)) for m in QUOTED_PAPER.finditer(text)]
    if NATIONAL_TEAM in text:
        out += _national_teams(text)
    if DOTCOM in text:
        out += [(m.group(1), m.start(1)) for m in DOTCOM_NAME.finditer(text)]
    if " 위원회" in text:
        out += [(m.group(1) + " 위원회", m.start(1)) for m in SPACED_COMMITTEE.finditer(text)
                if not NOT_OF_A_NAME.search(m.group(1)) and not m.group(1).endswith(NOT_COMMITTEE_NAMES)]
    if "연구단" not in text:
        return out
    for m in SPACED_CENTRE.finditer(text):
        field = m.group(1)
        if " " in field and NOT_OF_A_NAME.search(field.split(" ", 1)[0]):
            field = field.split(" ", 1)[1]
        if len(field.split(" ")[-1]) >= 4 and not NOT_OF_A_NAME.search(field.split(" ")[-1]):
            out.append((field + " 연구단", m.end(1) - len(field)))
    return out


def _national_teams(text: str) -> list[tuple[str, int]]:
    """A country's national team named with the country and its sport (`토고 축구 국가대표팀`, `중국 국가대표팀`)."""
    out = []
    at = text.find(NATIONAL_TEAM)
    while at > 0:
        words = text[max(0, at - 24):at].split()
        if text[at - 1] == " " and words:
            if len(words) >= 2 and words[-2] in COUNTRIES and words[-1] in SPORTS:
                name = f"{words[-2]} {words[-1]} {NATIONAL_TEAM}"
                out.append((name, at - len(name) + len(NATIONAL_TEAM)))
            elif words[-1] in COUNTRIES:
                out.append((f"{words[-1]} {NATIONAL_TEAM}", at - len(words[-1]) - 1))
        at = text.find(NATIONAL_TEAM, at + 1)
    return out


def _quoted_names(text: str) -> list[tuple[str, int]]:
    """Names in quotation marks after what they are (`여론조사 전문 업체인 "리얼미터"`, `국제 학술지 ‘네이처
    나노테크놀로지’`): a few words, not a sentence."""
    out = []
    for m in QUOTED_NAME.finditer(text):
        name = m.group(2).strip()
        if len(name.split()) <= QUOTED_KINDS[m.group(1)] and not SAID.search(name):
            out.append((name, m.start(2)))
    return out


def _spaced_body(text: str, tl: TokenLists, j: int) -> int:
    """Where a body named as a place, one or two common nouns and an institution's ending, each a word of its own,
    ends (`토고 축구 협회`), from token j after the place; 0 when the words that follow are no such name."""
    for k in range(j, min(tl.n, j + 3)):
        if tl.starts[k] != tl.ends[k - 1] + 1 or tl.tags[k] != "NNG" or (k + 1 < tl.n and tl.tags[k + 1] == "NNG"
                                                                           and tl.starts[k + 1] == tl.ends[k]):
            return 0
        if k > j and tl.forms[k] in SPACED_BODIES:
            return tl.ends[k]
    return 0


def _journals(text: str, tl: TokenLists) -> list[tuple[str, int]]:
    """A journal named after `학술지`/`저널` without quotation marks (`국제학술지 네이처 바이오테크놀로지에`): its words
    up to the one a particle ends, a proper noun or Latin letters first, at most MAX_JOURNAL_WORDS."""
    out = []
    for i in range(tl.n - 1):
        if tl.forms[i + 1] in JOURNAL_HEADS and tl.starts[i + 1] == tl.ends[i] + 1 and tl.forms[i] not in JOURNAL_KINDS:
            pass  # `네이처 커뮤니케이션즈에`, with no 학술지 before it: the head names the family
        elif tl.forms[i] not in JOURNAL_KINDS or tl.starts[i + 1] != tl.ends[i] + 1 or not (
                tl.tags[i + 1] in PROPER or _compound_noun(tl, i + 1)):
            continue
        j, words = i + 1, 1
        while j + 1 < tl.n and tl.tags[j + 1] in WORD_TAGS and words <= MAX_JOURNAL_WORDS:
            if tl.starts[j + 1] != tl.ends[j]:
                if tl.starts[j + 1] != tl.ends[j] + 1 or tl.forms[j + 1] in JOURNAL_NOT_NAMES:
                    break
                words += 1
            j += 1
        name = text[tl.starts[i + 1]:tl.ends[j]]
        if j + 1 < tl.n and _journal_ends(tl, j + 1) and words <= MAX_JOURNAL_WORDS and (
                tl.forms[i] in JOURNAL_KINDS or " " in name) and not JOURNAL_NOT_NAMES.intersection(name.split()):
            out.append((name, tl.starts[i + 1]))
    return out


def _compound_noun(tl: TokenLists, i: int) -> bool:
    """Token i begins a word of two common nouns or more written together, three syllables or more (`나노레터`)."""
    return (tl.tags[i] == "NNG" and i + 1 < tl.n and tl.tags[i + 1] == "NNG" and tl.starts[i + 1] == tl.ends[i]
            and tl.ends[i + 1] - tl.starts[i] >= 3)


def _journal_ends(tl: TokenLists, k: int) -> bool:
    """A journal's name ends before token k: a particle, its Latin name in brackets (`사이언스 시그널링(Science
    Signaling)`) or a word of an issue (`나노레터 최신호에`)."""
    return (tl.tags[k].startswith("J") or (tl.forms[k] == "(" and k + 1 < tl.n and tl.tags[k + 1] == "SL")
            or (tl.forms[k] in JOURNAL_NOT_NAMES and tl.starts[k] == tl.ends[k - 1] + 1))


def _next_word(tl: TokenLists, j: int) -> int:
    """Token j when it starts the word right after token j - 1 (one space between), else -1."""
    return j if j < tl.n and tl.starts[j] == tl.ends[j - 1] + 1 else -1


def _listed_kind(tl: TokenLists, j: int) -> bool:
    """Token j starts `등 스타트업`-like words: what a list of names before it are."""
    return j + 1 < tl.n and tl.forms[j] == "등" and any(f.rstrip("들") in KIND_SET for f in tl.forms[j + 1:j + 3])


def _words(tl: TokenLists) -> list[tuple[int, int]]:
    """(first token, end token) of each run of nouns written together."""
    out, i, n, tags, starts, ends = [], 0, tl.n, tl.tags, tl.starts, tl.ends
    while i < n:
        if tags[i] not in WORD_TAGS:
            i += 1
            continue
        j = i + 1
        while j < n and (tags[j] in WORD_TAGS or (tl.forms[j] == "&" and j + 1 < n and tags[j + 1] == "SL")) \
                and starts[j] == ends[j - 1]:
            j += 1  # KT/SL &/SW G/SL 복지/NNG 재단/NNG: one word
        out.append((i, j))
        i = j
    return out


def _named(tokens, tl: TokenLists, i: int, j: int) -> bool:
    """Tokens i:j are one name: a proper noun, Latin letters, or a single word Kiwi did not know (`핏빗/NNG`)."""
    return tl.tags[i] in PROPER or (j - i == 1 and tokens[i].oov and len(tl.forms[i]) >= 2)


def _introduced(tl: TokenLists, i: int, spaced_before: str) -> bool:
    """The word at token i follows what it is: `AI 기업 루닛`, `유전체 분석 업체인 지니너스와는`."""
    if spaced_before in INTRODUCING:
        return True
    return (i >= 3 and tl.forms[i - 1] == "ᆫ" and tl.tags[i - 2] == "VCP" and tl.forms[i - 3] in INTRODUCING
            and tl.starts[i] == tl.ends[i - 1] + 1)


def _without_particle(tl: TokenLists, i: int, j: int) -> str:
    """The word of tokens i:j less a `와`/`과` Kiwi kept on an unknown name before a particle (`지니너스와/NNP 는`)."""
    form = tl.forms[i]
    if j - i == 1 and len(form) >= 3 and form[-1] in "와과" and j < tl.n and tl.tags[j].startswith("J"):
        return form[:-1]
    return form


def _dealt_with(tl: TokenLists, j: int) -> bool:
    """The word ending before token j is the company of a deal: `…를 인수했다`, `…와 협약을 맺었다`, `…와 손잡았다`."""
    if j + 1 >= tl.n:
        return False
    if tl.tags[j] == "JKO" and tl.forms[j + 1] in ACQUIRED:
        return True
    return tl.forms[j] in DEAL_PARTICLES and any(f in PARTNERED for f in tl.forms[j + 1:j + 4])


def institutions(text: str, tl: TokenLists, tokens) -> list[tuple[str, int]]:
    """(name, offset) of the organisations this pass finds (see the module docstring); `tokens`, Kiwi's, for the
    words it did not know."""
    out: list[tuple[str, int]] = []
    pending: list[tuple[str, int]] = []  # proper nouns of a list, until what they are is said
    before, prev_end = "", -2  # the last form of the word before, and where it ends
    tags, forms, starts, ends = tl.tags, tl.forms, tl.starts, tl.ends
    for i, j in _words(tl):
        start, first, last = starts[i], tags[i], forms[j - 1]
        spaced_before = before if prev_end + 1 == start else ""
        before, prev_end = last, ends[j - 1]
        proper = first in PROPER or any(t in PROPER for t in tags[i + 1:j])
        if j - i == 1 and (spaced_before in INTRODUCING or forms[i - 1] == "ᆫ" or (
                j < tl.n and (tags[j] == "JKO" or forms[j] in DEAL_PARTICLES))) and forms[i] not in KNOWN_ORGS \
                and _named(tokens, tl, i, j) and (_introduced(tl, i, spaced_before) or _dealt_with(tl, j)):
            out.append((_without_particle(tl, i, j), start))
            pending = []
            continue
        if not proper and last[-1] not in CHECKED_LAST and (j >= tl.n or forms[j] not in SPACED_ENDINGS):
            pending = []
            continue  # common nouns that end like no institution or state body: the most words, skipped fast
        word = forms[i] if j - i == 1 else text[start:prev_end]
        if spaced_before in INCORPORATED or (i and forms[i - 1] in INCORPORATED and starts[i] == ends[i - 1]):
            out.append((word, start))
        if j - i == 1 and first == "NNP" and word in PLACES:
            named = _spaced_body(text, tl, j)
            if named:
                out.append((text[start:named], start))  # 토고 축구 협회, 아프리카 축구 연맹
        k = _next_word(tl, j) if j < tl.n and (forms[j] in SPACED_ENDINGS or forms[j] in ARMS) and (
            (first == "NNP" and (j - i == 1 or all(t == "NNP" for t in tags[i + 1:j]))) or (
                j - i == 1 and _named(tokens, tl, i, j))) else -1  # 리아/NNP 노보스티/NNP 통신; 아나돌루/NNG 통신
        if k >= 0 and word not in PLACES and (
                (forms[k] in SPACED_ENDINGS and (k + 1 == tl.n or starts[k + 1] != ends[k] or tags[k + 1][0] == "J"))
                or (forms[k] in ARMS and (word in KNOWN_ORGS or word in GROUPS))):
            out.append((text[start:ends[k]], start))
        unit = _unit_after(text, tl, j) if (word in KNOWN_ORGS or word in GROUPS) and word not in PLATFORMS else ""
        if unit:
            out.append((word + " " + unit, start))  # SK텔레콤 종합기술원, 네이버 AI연구소
        if j - i == 1 and first == "NNP" and len(word) >= 5 and word[-1] == "서" and _affiliate(word[:-1], first):
            word = word[:-1]  # 롯데홈쇼핑서: the particle 서 (에서) Kiwi kept on the name
        if ((j - i == 2 and first == "NNP" and len(forms[i]) >= 2 and last in ("대", "당") and word not in KNOWN_ORGS)
                or (j - i == 1 and first == "NNP" and len(word) >= 3 and word[-1] == "대" and word not in PLACES
                    and word not in KNOWN_ORGS)  # 예일대, 도쿄공업대, 카롤린스카의대
                or _affiliate(word, first) or _official(word, proper, spaced_before)
                or (first in PROPER and spaced_before in INTRODUCING and word not in KNOWN_ORGS)):
            out.append((word, start))

        if j - i == 1 and first == "NNP" and word not in KNOWN_ORGS:
            pending.append((word, start))
        else:
            pending = []
            continue
        if j < tl.n and forms[j] == ",":
            continue  # the list goes on
        if len(pending) >= 2 and _listed_kind(tl, j):
            out.extend(pending)
        pending = []
    return out + _quoted_names(text) + _journals(text, tl) + _named_apart(text)
