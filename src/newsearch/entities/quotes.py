"""Direct quotations and their speakers.

A quotation is text in “…” or paired "…" that is said (followed by 고/라고/라며/며 and a speech verb) or
reads as speech (three words or more, or a sentence ending); text in ‘…’ or '…' only when it is said
or comes right after a named subject (`A는 ‘…’`) and ends like a sentence — a term or a title in quotes
(‘로켓배송’) is none. The speaker is the named subject of the quotation's sentence (after the quotation
when it opens the sentence, else the topic before it), else the speaker of the previous sentence when
this one has no subject of its own. A headline's or sub-line's quotation no one is named for takes the speaker
of the body quotation it shortens.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .lexicon import PERSON_TITLES, SURNAMES
from .mentions import Found, latest_before
from .model import Quote

CURLY_QUOTED = re.compile(r"“([^“”\n]{1,1500})”")
# Where a quotation left open by the writer ends: the last words before its quoting particle (`…고민하겠다고
# 강조했다`: the mark that should close it was never written).
OPEN_QUOTE_END = re.compile(r"(?:다|것|까|요)(?=(?:고|라고|며|면서)\s)")
SINGLE_QUOTED = re.compile(r"‘([^‘’\n]{1,400})’|'([^'\n]{1,400})'")
# What follows a sentence in single quotes that reports someone's words (`‘…멈추지 않고 돌진했다’는 운전자의 주장`,
# `‘…모임을 금지하자’는 의견도`, `‘…신설하겠다’는 것으로`), or a document's (`‘…화면이 나타난다’고 돼 있다`).
REPORTED_AFTER = re.compile(r"(?:이?라?는|란)\s*(?:[가-힣]+의\s*)?(?:의견|주장|설명|지적|입장|목소리|비판|요구|말|얘기|이야기|"
                            r"것)(?:과는|와는|으로|이다|[이가은는을를도과와에의로])?(?![가-힣])|(?:이?라)?고\s*(?:돼|되어|적혀|쓰여)\s*있")
# What says whose words a quotation was, after it (`…의 설명이다`, `…의 말이다`).
WORDS_OF = re.compile(r"의\s(?:말|설명|주장|지적|전언|얘기|이야기|분석|평가|입장|생각|판단|전망|해석|답변|반응|귀띔|하소연)"
                      r"(?:이다|이었다|이에요|입니다|이었습니다)")
SURNAME_TITLE_END = re.compile(r"(?<![가-힣])([가-힣]) ([가-힣]{1,6})$")
# Where a writer closed a curly quotation with a straight mark and opened the next one so (`…있다"며 "단순히…`).
MIXED_JOINT = re.compile(r'"\s*(?:이?라며|며|면서|고|,)\s*"')
# A proposal's ending (`…하자`), a sentence's end in reported words.
PROPOSAL_END = ("하자", "자고")
# What follows a said quotation: a quoting particle, then (somewhere in the sentence) a speech verb.
SAID_MARK = re.compile(r"(?:이?라(?:고|며|면서)|고|며|면서|하고|하며|하면서)(?=[\s,.]|$)")
SPEECH_VERB = re.compile(
    r"(?:말|밝|강조|전했|전한|전하|전해|설명|덧붙|주장|지적|했|한다|하였|언급|당부|토로|호소|반박|비판|답|물었|질문|발표|"
    r"공개|촉구|요구|제안|경고|전망|분석|평가|기대|우려|소개|회고|회상|고백|역설|시사|선언|약속|다짐|부인|인정|해명|반문|"
    r"되물|적었|썼|알렸|요청|외쳤|얘기|이야기|귀띔|꼬집|일축|항변|진단|예상|내다봤|생각|하소연|조언|권고|격려|보도)")
SPEECH_END = re.compile(r"(?:말|밝혔|강조|전했|설명|덧붙|주장|지적|했|언급|말했|믿|생각|본다|봤다|보고 있)[가-힣]*\s*[.]?\s*$")
SENTENCE_LIKE = re.compile(r"(?:[다요죠까네라]|습니다|니다)\s*[.!?…]*\s*$|[.!?]\s*$")
SENTENCE_END = re.compile(r"[.!?](?=[\s”\"’']|$)|\n")
HANGUL = re.compile(r"[가-힣]")
TOPIC_PARTICLES = frozenset({"은", "는", "께서는", "에서는"})
# What stands between two quotations of one speaker in a sentence (`"…"면서 "…"`, `"…", "…"`).
CHAINED = re.compile(r"\s*(?:(?:이?라)?(?:며|면서|고)|하며|하면서)?\s*,?\s*")
# Words for one team, any of which names it after its organisation (`KAIST 연구팀` … `연구진은`).
RESEARCH = ("연구팀", "연구진", "연구단", "교수팀", "공동연구팀")  # 연구단: also a named institute's ending
TEAM_KINDS = (RESEARCH, ("재판부", "재판장"))
# The organisations a team speaks for, by their endings, when the text names none with the team's word.
RESEARCHERS = ("대", "대학", "대학교", "연구원", "연구소", "연구단", "과학원", "기술원", "병원", "연구센터", "IST", "POSTECH", "포스텍",
               "카이스트")
TEAM_ORGS = {**{word: RESEARCHERS for word in RESEARCH}, "재판부": ("법원", "지법", "고법", "재판소", "지원")}
UNIVERSITIES = ("대", "대학", "대학교", "IST", "POSTECH", "포스텍", "카이스트")
# Generic bodies whose `관계자` speaks for the office of that kind the article names (`경찰 관계자` → 송파경찰서).
GENERIC_BODIES = {"경찰": ("경찰서", "경찰청"), "검찰": ("검찰청", "지검", "고검", "지청"), "소방": ("소방서", "소방본부"),
                  "소방당국": ("소방서", "소방본부"), "법원": ("법원", "지법", "고법"),
                  **dict.fromkeys(("대학", "대학교"), UNIVERSITIES)}  # `대학 측은` → UNIST
# Subjects that speak though they name no one (their quotations have no speaker, not the last one's).
UNNAMED_SPEAKERS = frozenset("""정부 당국 정보당국 안보당국 보건당국 방역당국 검찰 경찰 법원 군 주민 시민 국민 네티즌 누리꾼 전문가
업계 야당 여당 야권 여권 소식통 학생 교사 의사 환자 소비자 응답자 사람 사람들 이들 누군가 단체 노조 회사 업체 기업 학교
병원 직원 관계자 관계자들 측 위원 의원 참석자 참가자 목격자 유족 가족 부모 어머니 아버지 아이 친구 동료 상인 누구 당""".split())
UNNAMED_ENDINGS = ("자들", "들", "씨", "님", "당국", "인사", "당국자")  # 고위인사, 정부 당국자
# A quotation that is a question put to someone (`“…”는 질문에`): the interviewer's, no one named.
ASKED = re.compile(r"\s*(?:이?라?는|란|이라는)\s*(?:질문|물음|질의|요청에)")
# Titles of two syllables or more a name may carry before a quotation (`임지선 박사 "…"`).
# Words after a name that say it too speaks (`… 부사장 역시 "…"`).
ALSO = (" 역시", " 또한")
LONG_TITLES = ("박사", "교수", "대표", "회장", "장관", "의원", "위원장", "사장", "대변인", "연구원", "씨")
# A survey's answer in quotation marks: what follows it, and the share or count its sentence gives.
SURVEY_ANSWER = re.compile(r"\s*(?:이?라?고|이?라는|하다는|는|란)\s*(?:생각하는\s*|답한\s*)?(?:응답|답변|대답|답했|답한|의견)")
SURVEY_COUNT = re.compile(r"\d\s*[%％]|\d\s*명|퍼센트")
# What a work's or an event's title in quotation marks is followed by (`“…” 연구용역 보고서`, `“…”는 제목의 대자보`).
WORK_AFTER = re.compile(r"\s?(?:(?:이?라는|는|란)\s?)?(?:연구용역|보고서|논문|저서|책|제목|토론회|세미나|포럼|심포지엄|캠페인|슬로건|전시회?|"
                        r"영화|드라마|노래|앨범|프로그램|행사|공모전|대회)(?:의|을|를|이|가|은|는|으로|로|에)?(?![가-힣])")
# What follows a name in quotation marks that is not someone's words (`“내셔널메모리얼파크”라고 하는 것으로`,
# `“…기념 행사”에 특사를`, `“지지하는 당 없음”, 즉 무당파`): a naming, `즉`, or a case particle after a noun phrase.
NAMED_AFTER = re.compile(r"(?:이?라고\s*(?:하는|불리|부르|이름)|이?라는\s*(?:이름|명칭|단어|표현|용어)|,?\s*즉\s)")
CASE_AFTER = re.compile(r"(?:에서|에|의)(?=[\s,.]|$)")
# What ends a list of titles in quotation marks (`“…”, “…”, “…” 등`).
LIST_END = re.compile(r"\s*등(?![가-힣])")
LIST_SEP = re.compile(r"\s*,\s*")
# How the names of laws, bills and treaties end (in quotation marks, they are no one's words).
LAW_ENDINGS = ("법률", "법안", "특별법", "개정안", "시행령", "조례", "조약", "협정", "법")
# A subject (이/가) this close before a quotation says it, even after a topic (a report of a report).
NEAR_SUBJECT = 12
# A bare official (`관계자는`, no body named with it) speaks for the organisation the text just said it contacted or
# asked (`자유와인권연구소에 연락해 … 물었다. 관계자는 "…"`), up to CONTACT_SPAN letters before.
BARE_OFFICIAL = "관계자"
CONTACTED = re.compile(r"(?:\s?측)?(?:에|에게)\s?(?:연락|문의|물었|묻자|물어|질의|전화)")
CONTACT_SPAN = 200
# A subject written right before the quotation's mark (its particle, a space and the mark between at most).
RIGHT_BEFORE = 3
# How far into the body a quotation is the headline's or its sub-line's (`KAIST 교수팀 논문 게재…"…"`).
LEAD = 200
# A headline's quotation echoes a body quotation it shares this many of its syllable pairs with, and this share.
ECHO_PAIRS, ECHO_SHARE = 2, 0.25
HANGUL_RUN = re.compile(r"[가-힣]+")
# How many letters of a person's name may stand before the subject phrase it opens (a surname Kiwi read apart).
HEAD_BEFORE = 2
# A second pair of marks around a whole quotation (the inner marks' kind must not occur inside it again).
WRAPPING = {("“", "”"): "“”", ("‘", "’"): "‘’", ('"', '"'): '"'}
# What may stand between an organisation and its unit named after it: a space, an aside (`(KIST) `).
ASIDE_GAP = re.compile(r"\s?(?:\([^()]{1,12}\)\s?)?")
MAX_ASIDE_GAP = 16
# Marks that open a line of a list or a subhead (`ㆍ“…”`, `▲“…”`), with the spaces around them.
BULLETS = " \tㆍ·•▲△■□◆◇○●-*"
# A sentence's opening that goes on from the sentence before: its quotation is the same speaker's.
# A source named before the marks of the words it gave (`KAI 내부 관계자에 의하면, “…”`, `주마 대통령의 발표를 인용해 “…”`).
ACCORDING_TO = re.compile(r"(?:에\s?따르면|에\s?의하면|의\s(?:발표|말|발언|성명|주장)[을를]\s인용(?:해|하여|하며))\s*,?\s*$")
# A sentence ending its line that says the lines after it are its subject's words (`… 이렇게 말했다.`), and how far
# before words opening a line it may stand.
INTRO_LINE = re.compile(r"(?:이같이|이렇게|다음과 같이)\s?(?:[가-힣]+\s)?(?:말|밝|강조|설명|주장|지적|언급|전)[가-힣]*[.:]?[ \t]*\n")
INTRO_REACH = 800
# An organisation made its sentence's topic as where the words come from (`국민의힘에서는`, `… 정당에서는`).
ORG_TOPIC_AT = re.compile(r"(?:에서는|에선)\s")
ORG_KIND_WORDS = frozenset({"정당", "측", "당국", "본사", "당", "정부"})
# A speech verb after a quotation modifying the noun phrase that follows (`…”고 인정한 감사원 고위 인사의`), and
# that phrase: up to three words, the last with a particle.
SAID_BY = re.compile(r"(?:이?라)?고\s?(?:말|밝|인정|주장|강조|설명|지적|언급|증언|폭로|시인|고백)[가-힣]{0,2}?(?:한|힌|했던|하던)\s")
NOUN_PHRASE = re.compile(r"((?:[가-힣A-Za-z0-9]+\s){0,2}[가-힣A-Za-z0-9]+?)(?:의|은|는|이|가|을|를|에게|도)(?![가-힣])")
# A joint team's word (`공동연구팀`), and what lists the bodies before it (`A, B, 경희대 공동연구팀`, `A와 B 공동연구팀`).
JOINT = "공동"
LIST_JOINTS = frozenset({",", "와", "과", "및", "),", "·"})
GOES_ON = re.compile(r"\s*(?:이어|이어서|그러면서|또|또한|아울러|덧붙여|특히)\s*,?\s*")
# A sentence that says the words before it are its subject's (`김 장관은 2일 …에서 이같이 말했다`).
LIKE_THIS = re.compile(r"(?:이같이|이렇게|이와 같이)\s?(?:[가-힣]+\s)?(?:말|밝|강조|설명|전|주장|지적|덧붙|언급|답|했|하였)")


def _said(body: str, end: int, sentence_end: int) -> bool:
    """The quotation closing at body[end] (its mark) is followed by a quoting particle and a speech verb."""
    mark = SAID_MARK.match(body, end + 1)
    return mark is not None and SPEECH_VERB.search(body, mark.end(), max(sentence_end, mark.end())) is not None


def _quoted_spans(body: str) -> tuple[list[tuple[int, int, bool]], list[tuple[int, int]]]:
    """(every quoted text as (start, end, double-quoted), the spans of double quotes marks included);
    single quotes inside double quotes are left out (a term quoted inside a quotation)."""
    doubles = [(m.start() + 1, m.end() - 1) for m in CURLY_QUOTED.finditer(body) if HANGUL.search(m.group())]
    if '"' in body:
        doubles = [part for span in doubles for part in _split_mixed(body, span)]
    after = doubles[-1][1] + 1 if doubles else 0
    if '"' in body:
        straight = [(a, b) for a, b in _straight_quoted(body) if HANGUL.search(body[a:b])]
        after = max([after] + [b + 1 for _a, b in straight])
        curly = set(doubles)
        doubles = sorted(doubles + [(a, b) for a, b in straight if (a + 1, b - 1) not in curly])  # "“…”": one
    cut = _cut_off(body, after)
    if cut is not None:
        doubles.append(cut)
    if "”" in body:
        doubles = sorted(doubles + _half_marked(body, doubles))
    marks = [(a - 1, b + 1) for a, b in doubles]
    found = [(a, b, True) for a, b in doubles]
    for m in SINGLE_QUOTED.finditer(body):
        if HANGUL.search(m.group()) and not _in_spans(marks, m.start()):
            found.append((m.start() + 1, m.end() - 1, False))
    found.sort()
    return found, marks


def _split_mixed(body: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """A span in curly marks that holds a straight closing and opening mark with a quoting particle between
    (`“…있다"며 "단순히…”`: two quotations whose marks the writer mixed) as its two quotations, else itself."""
    a, b = span
    m = MIXED_JOINT.search(body, a, b)
    return [(a, m.start()), (m.end(), b)] if m else [span]


def _straight_quoted(body: str) -> list[tuple[int, int]]:
    """The spans inside straight double quotes, paired line by line; a mark that opens (a space or the line's start
    before it, a letter after it) while another is open means that one was never closed: it ends at the last words
    before its quoting particle (OPEN_QUOTE_END), or is dropped."""
    out: list[tuple[int, int]] = []
    line_start = 0
    for line in body.split("\n"):
        pending = -1
        at = line.find('"')
        while at >= 0:
            opens = (at == 0 or line[at - 1] in " (['‘“") and at + 1 < len(line) and not line[at + 1].isspace()
            if pending < 0:
                pending = at
            elif opens and line[at - 1] == " " and at - pending > 1:
                ends = [m.end() for m in OPEN_QUOTE_END.finditer(line, pending + 1, at)]
                if ends:
                    out.append((line_start + pending + 1, line_start + ends[-1]))
                pending = at  # the earlier mark was never closed; this one opens
            else:
                if at - pending > 1:
                    out.append((line_start + pending + 1, line_start + at))
                pending = -1
            at = line.find('"', at + 1)
        line_start += len(line) + 1
    return out


def _half_marked(body: str, doubles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotations the writer marked on one side only, on a line of their own words chained to each other
    (`그간 …수 있었다”면서 “사퇴로만 …필요하다.`): a closing mark with no opening one before it on its line, followed by a
    quoting particle, closes words from the line's start; an opening mark after such a chain with no closing one after
    it opens words to the line's end. Each must read as a sentence of three words or more (the first one sentence).""" 
    out: list[tuple[int, int]] = []
    line_start = 0
    for line in body.split("\n"):
        close = line.find("”")
        if close > 0 and "“" not in line[:close] and SAID_MARK.match(line, close + 1):
            start = line_start + len(line) - len(line.lstrip(BULLETS))
            end = line_start + close
            if _reads_as_words(body, start, end) and not SENTENCE_END.search(body, start, end) and not any(
                    a < end and start < b for a, b in doubles):  # one sentence: no narrative before the words
                out.append((start, end))
                chain = CHAINED.match(line, close + 1)
                opening = chain.end() if chain and line.startswith("“", chain.end()) else -1
                if opening > 0 and "”" not in line[opening:]:
                    tail = line_start + len(line.rstrip().rstrip(".…· "))
                    if _reads_as_words(body, line_start + opening + 1, tail):
                        out.append((line_start + opening + 1, tail))
        line_start += len(line) + 1
    return out


def _reads_as_words(body: str, start: int, end: int) -> bool:
    """body[start:end] has three words or more and ends like a sentence."""
    text = body[start:end].strip()
    return text.count(" ") >= 2 and HANGUL.search(text) is not None and SENTENCE_LIKE.search(text) is not None


def _cut_off(body: str, after: int) -> tuple[int, int] | None:
    """A quotation the body's end cuts off (a lead cut at 200 characters: `… 말했다. “무거운 물건 …`): an opening
    mark on the body's last line, after every closed quotation, with no closing one."""
    opening = max(body.rfind("“", after), body.rfind('"', after) if body.count('"', after) % 2 else -1)
    if opening < 0 or "\n" in body[opening:].rstrip() or "”" in body[opening:]:
        return None
    end = len(body.rstrip().rstrip(".…· "))
    text = body[opening + 1:end]
    return (opening + 1, end) if text.count(" ") >= 2 and HANGUL.search(text) else None


def _in_spans(spans: list[tuple[int, int]], at: int) -> bool:
    """`at` lies within one of the sorted, disjoint `spans`."""
    i = bisect_right(spans, (at, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= at < spans[i][1]


def sentence_ends(body: str, marks: list[tuple[int, int]]) -> list[int]:
    """Offsets just past each sentence end (., ?, ! before a space, or a line break) outside quotations; a line
    break right after a sentence's end ends no sentence of its own (`…대답하였다.` / `"…"면서 "…"이라고 밝혔다`:
    the sentence before is the one with words)."""
    out: list[int] = []
    for m in SENTENCE_END.finditer(body):
        if not _in_spans(marks, m.start()) and not (out and m.group() == "\n" and not body[out[-1]:m.start()].strip()):
            out.append(m.end())
    return out


def _is_quotation(body: str, span: tuple[int, int, bool], said: bool, subject_before: bool, sentence: str) -> bool:
    """Whether the quoted text is words someone says (see the module docstring): not a survey's answer (`응답자의
    79.4%가 ‘더 낫다’고 답변했다`), a term named (`‘초소수성’이라고 한다`) or the title of a work (`“…” 연구용역
    보고서`)."""
    start, end, double = span
    text = body[start:end].strip()
    if SURVEY_ANSWER.match(body, end + 1) and SURVEY_COUNT.search(sentence):
        return False
    if WORK_AFTER.match(body, end + 1) or (not double and " " not in text and not SENTENCE_LIKE.search(text)):
        return False
    if not said and text.endswith(LAW_ENDINGS):
        return False  # a law's or a bill's name: “…처벌 등에 관한 법률”
    if not SENTENCE_LIKE.search(text) and (NAMED_AFTER.match(body, end + 1) or CASE_AFTER.match(body, end + 1)):
        return False  # a name: “…”라고 하는 것, “…기념 행사”에
    if said:
        return True
    if double:
        return text.count(" ") >= 2 or SENTENCE_LIKE.search(text) is not None
    if text.count(" ") < 1:
        return False
    if REPORTED_AFTER.match(body, end + 1):  # `‘…모임을 금지하자’는 의견`: a proposal ends a sentence too
        return SENTENCE_LIKE.search(text) is not None or text.endswith(PROPOSAL_END)
    return subject_before and SENTENCE_LIKE.search(text) is not None


def quotations(body: str, found: Found, names: dict[str, str]) -> tuple[Quote, ...]:
    """The body's quotations in order with their speakers: `names` maps each name a speaker may be
    found as to the listed name (`오바마` → `버락 오바마`); a speaker not in it is None."""
    spans, marks = _quoted_spans(body)
    if not spans:
        return ()
    titles = _listed_titles(body, spans)
    ends = sentence_ends(body, marks)
    subjects = [s for s in found.subjects if not _in_spans(marks, s[0])]
    subject_starts = [s[0] for s in subjects]
    speakers: dict[int, str | None] = {}
    out: list[Quote] = []
    unsaid_leads: list[int] = []
    for span in spans:
        start, end, _double = span
        index = bisect_right(ends, start - 1)
        first = ends[index - 1] if index else 0
        after_end = bisect_right(ends, end)  # a sentence end inside a quotation in ‘…’ does not end its sentence
        last = ends[after_end] if after_end < len(ends) else len(body)
        said = _said(body, end, last)
        before = [s for s in subjects[bisect_right(subject_starts, first - 1):bisect_right(subject_starts, start)]
                  if s[1] < start]
        if start in titles or not _is_quotation(body, span, said, bool(before) and start - before[-1][1] <= 2, body[first:last]):
            continue
        after = [s for s in subjects[bisect_right(subject_starts, end):bisect_right(subject_starts, last - 1)]] \
            if said else []
        if out and index in speakers and CHAINED.fullmatch(body, out[-1].end + 1, start - 1):
            speaker = speakers[index]  # "…"면서 "…": the next words of the same speaker
        else:
            speaker = _who(body, found, names, (ends, speakers, before, after), (first, index, start, end, last))
        speakers[index] = speaker
        start, end = _unwrapped(body, start, end)
        out.append(Quote(body[start:end], names.get(speaker) if speaker else None, start, end))
        if speaker is None and start < LEAD and not said:
            unsaid_leads.append(len(out) - 1)
    for i in unsaid_leads:
        out[i] = _echoed(out, i)
    return tuple(out)


def _unwrapped(body: str, start: int, end: int) -> tuple[int, int]:
    """The quotation's span less the spaces at its ends and a second pair of marks around it all
    (`"“우리를 함께 보내주세요”"`: a writer's quotation marks doubled)."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if end - start > 2 and (body[start], body[end - 1]) in WRAPPING and not any(
            mark in body[start + 1:end - 1] for mark in WRAPPING[body[start], body[end - 1]]):
        return start + 1, end - 1
    return start, end


def _pairs(text: str) -> set[str]:
    """The syllable pairs within the text's Hangul words (`핵심 기술` → 핵심, 기술)."""
    return {run[i:i + 2] for run in HANGUL_RUN.findall(text) for i in range(len(run) - 1)}


def _echoed(quotes: list[Quote], i: int) -> Quote:
    """A headline's or sub-line's quotation with no speaker (`게재…"전기차 등에 핵심 기술 전망"`) given the speaker
    of the later quotation it shortens, the one sharing the most of its syllable pairs (at least ECHO_PAIRS and
    ECHO_SHARE of them; a tie names no one)."""
    quote = quotes[i]
    pairs = _pairs(quote.text)
    best, best_shared, tied = None, 0, False
    for later in quotes[i + 1:]:
        if later.speaker is None:
            continue
        shared = len(pairs & _pairs(later.text))
        if shared > best_shared:
            best, best_shared, tied = later.speaker, shared, False
        elif shared == best_shared and later.speaker != best:
            tied = True
    if best is None or tied or best_shared < ECHO_PAIRS or best_shared < ECHO_SHARE * len(pairs):
        return quote
    return Quote(quote.text, best, quote.start, quote.end)


def _listed_titles(body: str, spans: list[tuple[int, int, bool]]) -> set[int]:
    """The starts of quoted texts listed with commas and closed by `등` (`“우정리 노트”, “토깽뎐” 등`): titles."""
    out: set[int] = set()
    run: list[int] = []
    for i, (start, end, _double) in enumerate(spans):
        run.append(start)
        nxt = spans[i + 1][0] if i + 1 < len(spans) else None
        if nxt is not None and LIST_SEP.fullmatch(body, end + 1, nxt - 1):
            continue
        if len(run) >= 2 and LIST_END.match(body, end + 1):
            out.update(run)
        run = []
    return out


def _speaker(body: str, found: Found, before: list, after: list, sentence: tuple[int, int, int],
             speakers: dict[int, str | None]) -> str | None:
    """Who says a quotation: a named subject (이/가) just before it (`관계자가 이날 "…"`), else the last
    topic (은/는) before it in its sentence, else the first subject after it (`"…"고 황희 대표는
    밝혔다`) unless it names no one (`"…"는 내용이 담긴`), else the last subject before it, else the previous
    sentence's speaker. `sentence` is (its start, its index, the quotation's start)."""
    first, index, start = sentence
    last_speaker = speakers[max(speakers)] if speakers else None
    topics = [s for s in before if s[2] in TOPIC_PARTICLES]
    if before and before[-1][2] not in TOPIC_PARTICLES and start - before[-1][1] <= NEAR_SUBJECT:
        nearest = resolve(before[-1], found, first, last_speaker, body)  # A는 B 관계자가 이날 "…"고 밝혔다고 전했다
        if nearest:
            return nearest
        if start - before[-1][1] <= RIGHT_BEFORE and _someone(before[-1], body):
            return None  # A는 "…"라고 주장했지만, 유가족들이 "…"라고: the words of someone unnamed, not the topic's
    if topics or (before and not after):
        subject = (topics or before)[-1]
        who = resolve(subject, found, first, last_speaker, body)
        if who or _someone(subject, body):
            return who
        who = _person_subject(before, found, first, last_speaker, body) if topics else None
        if not who and len(topics) > 1 and topics[-2][3][0] in ("person", "org", "name"):
            who = resolve(topics[-2], found, first, last_speaker, body)  # 코레일은 대학생은 "…"이라고 했지만
        if who:  # `16일은 윤석열 대통령이 … 만난 날인데, "…"이라고 발언한`: a topic naming no one, a person's clause
            return who
        before = []  # `질문에는 "…"고 대답했다`: no one named; the speaker goes on from the sentences before
    if after:
        who = resolve(after[0], found, first, last_speaker, body)
        if who or _someone(after[0], body):
            return who  # `"…"며 "…"는 내용이 담긴 메시지를`: the words' content, no one; the speaker goes on
    if index - 1 in speakers:
        return speakers[index - 1]
    go_on = GOES_ON.fullmatch(body, first, max(first, start - 1)) is not None  # 이어 "…"라고 말했다
    return _previous_speech(body, found, first, last_speaker, go_on)


def _person_subject(before: list, found: Found, first: int, last_speaker: str | None, body: str) -> str | None:
    """The person the last subject (이/가) before the quotation names, when it names one (None otherwise)."""
    for subject in reversed(before):
        if subject[2] not in TOPIC_PARTICLES and subject[3][0] in ("person", "surname", "name"):
            who = resolve(subject, found, first, last_speaker, body)
            return who if who in found.people else None
    return None


def _aside_after(body: str, found: Found, close: int) -> str | None:
    """The person named in brackets right after the closing mark at `close` (`“…”(유룡 KAIST 화학과 교수)`)."""
    if not body.startswith("(", close + 1):
        return None
    end = body.find(")", close + 1, close + 60)
    if end < 0:
        return None
    i = bisect_right(found.person_offsets, close)
    return found.person_mentions[i][0] if i < len(found.person_offsets) and found.person_offsets[i] < end else None


def _someone(subject: tuple, body: str) -> bool:
    """The subject phrase stands for a speaker, named or not (a pointer, a team, `한 주민은`, `한 측근은`, `정부는`), so that a
    quotation it says has no one else's words."""
    if subject[3][0] != "none":
        return True
    word = body[subject[0]:subject[1]].rsplit(" ", 1)[-1]
    return (word in UNNAMED_SPEAKERS or word.endswith(UNNAMED_ENDINGS)
            or body[max(0, subject[0] - 3):subject[0]] in (" 한 ", "\n한 ") or subject[0] == 2 and body.startswith("한 "))


def _named_at(body: str, mark: int, names: dict[str, str], found: Found) -> str | None:
    """The person or organisation written right before the quotation mark at `mark`, with no particle, as
    headlines and leads attribute (`임지선 박사 "…"`, `쿠팡 “…” 입장문`): a name of `names`, with a title, a
    research team's word (`서울대 연구팀 "…"`) or not, or `역시`/`또한` after it (`샤오우엔 혼 마이크로소프트
    부사장 역시 "…"`: the person named before the title, not the organisation between them)."""
    lo = max(0, mark - 40)
    before = body[lo:mark].rstrip(" ")
    if len(before) == mark - lo:
        return None  # no space before the mark: `…했다"`
    also = before.endswith(ALSO)
    if also:
        before = before.rsplit(" ", 1)[0] if " " in before else ""
    words = before.rsplit(" ", 1)
    if len(words) == 2 and (words[1] in PERSON_TITLES or words[1].endswith(LONG_TITLES) or words[1] in RESEARCH):
        if also:  # the person named last before the title, the organisation between them no speaker
            at, who = max(((before.rfind(name), name) for name in found.people if name in names), default=(-1, ""))
            if at >= 0:
                return names[who]
        before = words[0]  # 임지선 박사 "…"; 서울대 연구팀 "…": the team speaks for its organisation
    for name in sorted(names, key=len, reverse=True):
        if before.endswith(name) and (len(before) == len(name) or not _letter(before[-len(name) - 1])):
            return names[name]
    return None


def _source_before(body: str, found: Found, first: int, mark: int) -> str | None:
    """The person or organisation named last before `에 따르면`, `에 의하면` or `의 발표를 인용해` right before the
    quotation's mark at `mark`, in its sentence from `first` (`KAI 내부 관계자에 의하면, “…”`: KAI), or None."""
    m = ACCORDING_TO.search(body, max(first, mark - 24), mark)
    if m is None:
        return None
    p = latest_before(found.person_offsets, m.start())
    o = latest_before(found.org_offsets, m.start())
    p_at = found.person_offsets[p] if p >= 0 else -1
    o_at = found.org_offsets[o] if o >= 0 else -1
    if max(p_at, o_at) < first:
        return None
    return found.person_mentions[p][0] if p_at >= o_at else found.org_mentions[o]


def _org_from(body: str, mark: int, names: dict[str, str], found: Found) -> str | None:
    """The organisation named right before `에서` and the quotation's mark at `mark` (`대통령실에서 "…"라고
    했다`: an organisation's words), or None."""
    before = body[max(0, mark - 40):mark].rstrip(" ")
    if not before.endswith("에서") or len(before) == min(40, mark):
        return None
    before = before[:-2]
    for name in sorted(names, key=len, reverse=True):
        if names[name] in found.orgs and before.endswith(name) and (
                len(before) == len(name) or not _letter(before[-len(name) - 1])):
            return names[name]
    return None


def _org_topic(body: str, found: Found, first: int, start: int) -> str | None:
    """The organisation its sentence (from `first`) makes the topic of the words at `start` with `에서는`, a word for
    what it is between or not (`국민의힘 정당에서는 … "…"이라고 표현하였다`, `국민의힘에서는 "…"`), or None."""
    m = ORG_TOPIC_AT.search(body, first, start)
    if m is None:
        return None
    i = latest_before(found.org_offsets, m.start())
    if i < 0 or found.org_offsets[i] < first:
        return None
    gap = body[found.org_offsets[i] + len(found.org_mentions[i]):m.start()]
    return found.org_mentions[i] if gap == "" or gap.strip() in ORG_KIND_WORDS else None


def _said_by_noun(body: str, found: Found, end: int) -> tuple[str | None] | None:
    """(the speaker,) when the quotation closing at `end` is said by a speech verb modifying the noun phrase after it
    (`“…”고 인정한 감사원 고위 인사의`, `“…”고 말한 김철수 교수는`): the person named in that phrase, or no one when its
    head is someone unnamed (`인사`, `관계자`); None when the phrase is no speaker's (`말한 바`, `밝힌 뒤`)."""
    m = SAID_BY.match(body, end + 1)
    if m is None:
        return None
    words = NOUN_PHRASE.match(body, m.end())
    if words is None:
        return None
    i = latest_before(found.person_offsets, words.end())
    if i >= 0 and found.person_offsets[i] >= m.end():
        return (found.person_mentions[i][0],)
    head = words.group(1).rsplit(" ", 1)[-1]
    return (None,) if head in UNNAMED_SPEAKERS or head.endswith(UNNAMED_ENDINGS) else None


def _letter(char: str) -> bool:
    """A Hangul syllable, a Latin letter or a digit: part of a word (`ㆍ`, a list's bullet, is none)."""
    return "가" <= char <= "힣" or (char.isascii() and char.isalnum())


def _stands_alone(body: str, mark: int, close: int) -> bool:
    """The quotation (marks at `mark` and `close`) is a paragraph of its own: a lead or a subhead, a list's bullet
    before it or not (`ㆍ“독립 브랜드로 키우기 전략”`)."""
    line_start = body.rfind("\n", 0, mark) + 1
    line_end = body.find("\n", close)
    line_end = len(body) if line_end < 0 else line_end
    return not body[line_start:mark].strip(BULLETS) and not body[close + 1:line_end].strip(" .")


def _told_after(body: str, found: Found, end: int, ends: list[int], index: int) -> str | None:
    """Who the two sentences after a quotation standing alone name as its speaker: their first subject that
    resolves (`네이버 관계자가 최근 한 말이다`; `중앙방역대책본부(방대본)는 …`, an organisation the phrase rules did
    not read as one), else the first person they name (`… 김영달 소방위(45)의 목소리가`)."""
    stop = ends[index + 2] if index + 2 < len(ends) else len(body)
    for subject in found.subjects:
        if end < subject[0] < stop and subject[3][0] != "pronoun":
            who = resolve(subject, found, end, None, body)
            if who:
                return who
    i = bisect_right(found.person_offsets, end)
    return found.person_mentions[i][0] if i < len(found.person_offsets) and found.person_offsets[i] < stop else None


def _who(body: str, found: Found, names: dict[str, str], context: tuple, at: tuple) -> str | None:
    """The speaker of the quotation at `at` (its sentence's start and index, its start and end, its sentence's end);
    `context` holds the sentence ends, the speakers so far and the subjects before and after it in its sentence.
    A question put to someone is no one's; then a name written before the mark, a sentence that says whose words
    they are (when no subject comes before them), a name in brackets after the quotation, the subjects around it,
    and for a quotation standing alone the sentences after it."""
    ends, speakers, before, after = context
    first, index, start, end, last = at
    if ASKED.match(body, end + 1):
        return None
    said_by = _said_by_noun(body, found, end)  # “…”고 인정한 감사원 고위 인사의: the words of the one after them
    if said_by is not None:
        return said_by[0]
    named = _named_at(body, start - 1, names, found) or _source_before(body, found, first, start - 1)
    if named:  # 임지선 박사 "…"; 쿠팡 “…” 입장문; 관계자에 의하면 “…”
        return named
    if not any(_someone(s, body) for s in before) and _said(body, end, last):
        org = _org_from(body, start - 1, names, found) or _org_topic(body, found, first, start)
        if org:  # 대통령실에서 "…"라고 했다: no one else is its sentence's subject
            return org
    if not before:
        told = _words_of(body, found, end, ends, last)  # “…”는 게 김 장관의 설명이다
        if told is not None:
            return told[0]
    if not before and _said_next(body, ends, (first, index, start, end, last)):
        told = _told_after(body, found, end, ends, index)  # “…”. 피터 리 부사장은 …에서 이같이 강조했다
        if told:
            return told
    speaker = (_aside_after(body, found, end)  # “…”(유룡 KAIST 화학과 교수)
               or _speaker(body, found, before, after, (first, index, start), speakers))
    if speaker is None and _stands_alone(body, start - 1, end + 1):
        speaker = _told_after(body, found, end, ends, index)  # “…” / … 김영달 소방위의 목소리가 떨렸다
    if speaker is None and not body[body.rfind("\n", 0, start) + 1:start].strip(BULLETS + "“\""):
        speaker = _introduced_before(body, found, start)  # 상담소는 … 이렇게 말했다. / … / 그간 …”면서
    return speaker


def _introduced_before(body: str, found: Found, start: int) -> str | None:
    """For words opening their line: the subject of a sentence ending a line at most INTRO_REACH letters before them
    that says the lines after it are its words (`부산성폭력상담소는 보도자료를 내고 이렇게 말했다.`), or None."""
    lo = max(0, start - INTRO_REACH)
    intro = None
    for m in INTRO_LINE.finditer(body, lo, start):
        intro = m
    if intro is None:
        return None
    line_start = body.rfind("\n", 0, intro.start()) + 1
    stop = body.rfind(". ", line_start, intro.start())
    cut = stop + 2 if stop >= 0 else line_start
    topics = [s for s in found.subjects if cut <= s[0] < intro.start() and s[2] in TOPIC_PARTICLES]
    return resolve(topics[0], found, cut, None, body) if topics else None


def _said_next(body: str, ends: list[int], at: tuple) -> bool:
    """The quotation at `at` is a sentence of its own (nothing but marks and a stop around it) and the next
    sentence says whose words they are (`이같이 말했다`, `이렇게 밝혔다`)."""
    first, index, start, end, last = at
    if body[first:start - 1].strip(BULLETS + "\n"):
        return False
    if body[end - 1] in ".!?" and LIKE_THIS.search(body, end + 1, last):
        return True  # “…한다.” 박 회장은 이렇게 말했다: a stop inside the marks ends no sentence of the splitter's
    if body[end + 1:last].strip(" .\n"):
        return False
    k = bisect_right(ends, last)
    stop = ends[k] if k < len(ends) else len(body)
    return LIKE_THIS.search(body, last, stop) is not None


def _words_of(body: str, found: Found, end: int, ends: list[int], last: int) -> tuple[str | None] | None:
    """(whom the rest of the quotation's sentence, or the next one when nothing follows the quotation in its own,
    says the words are of,) — `“…”는 게 김 장관의 설명이다`, `“…”. 김철수 장관의 말이다.` — or None when it says
    nothing of it: the last person named between the quotation and `의 말이다`, else a surname and title there,
    else the last organisation, else no one (`업계의 설명이다`)."""
    stop = last
    if not body[end + 1:last].strip(" .”’\"'\n"):
        k = bisect_right(ends, last)
        stop = ends[k] if k < len(ends) else len(body)
    m = WORDS_OF.search(body, end + 1, stop)
    if m is None:
        return None
    i = latest_before(found.person_offsets, m.start())
    if i >= 0 and found.person_offsets[i] > end:
        return (found.person_mentions[i][0],)
    titled = SURNAME_TITLE_END.search(body, end + 1, m.start())
    if titled and titled.group(1) in SURNAMES and titled.group(2) in PERSON_TITLES:
        surname, title = titled.group(1), titled.group(2)
        return (_latest_person(found, end, lambda n, t: n[0] == surname and " " not in n and t == title)
                or _latest_person(found, end, lambda n, t: n[0] == surname and " " not in n),)
    i = latest_before(found.org_offsets, m.start())
    return (found.org_mentions[i] if i >= 0 and found.org_offsets[i] > end else None,)


def _previous_speech(body: str, found: Found, first: int, last_speaker: str | None, go_on: bool = False) -> str | None:
    """The subject of the sentence before offset `first` when that sentence reports speech
    (`그는 이렇게 말했다.` before a quotation standing alone) or the quotation's sentence opens by going on from it
    (`go_on`: `이어 "…"라고 말했다`, `그러면서 "…"`), else None."""
    previous = body[max(0, first - 300):first]
    if not go_on and not SPEECH_END.search(previous):
        return None
    cut = max(previous.rfind(". ", 0, len(previous) - 2), previous.rfind("\n", 0, len(previous) - 1))
    start = first - len(previous) + cut + 1
    topics = [s for s in found.subjects if start <= s[0] < first and s[2] in TOPIC_PARTICLES] or [
        s for s in found.subjects if start <= s[0] < first]  # `… 대표 베너드 체카소브도 … 환영했다.` / “…”
    return resolve(topics[0], found, start, last_speaker, body) if topics else None


def resolve(subject: tuple, found: Found, sentence_start: int, last_speaker: str | None, body: str = "") -> str | None:
    """The person or organisation a subject phrase (start, end, particle, reference) stands for."""
    at, ref = subject[0], subject[3]
    kind = ref[0]
    if kind == "person":
        return ref[1]
    if kind == "org":  # `박범근 연구성과실용화진흥원 매니저는`: a role no list holds; the person named first speaks
        return _person_heading(found, subject[0], subject[1]) or _longest_org(found, subject[0], subject[1], ref[1])
    if kind == "pronoun":
        return last_speaker or _latest_person(found, at, lambda name, title: True)
    if kind == "pointer":  # the organisation named last before the pointer, in its phrase or sentence
        i = latest_before(found.org_offsets, subject[1])
        if i >= 0 and found.org_offsets[i] >= sentence_start:
            return found.org_mentions[i]
        if body[at:subject[1]] == BARE_OFFICIAL:
            return _contacted_before(body, found, at)  # X에 연락해 … 물었다. 관계자는 "…"
        generic = body[subject[0]:subject[1]].split(" ", 1)[0] if body else ""
        return _last_of_kind(found, at, GENERIC_BODIES[generic]) if generic in GENERIC_BODIES else None
    if kind == "team":  # a team or a court speaks for its organisation: the last one named with that word
        return _team_of(found, subject[0], ref[1], body)
    if kind == "surname":
        surname, title = ref[1], ref[2]
        return (_latest_person(found, at, lambda n, t: n[0] == surname and " " not in n and t == title)
                or _latest_person(found, at, lambda n, t: n[0] == surname and " " not in n))
    if kind == "title":
        surname = _surname_before(body, at)
        return ((surname and _latest_person(found, at, lambda n, t: n[0] == surname and " " not in n and t == ref[1]))
                or _latest_person(found, at, lambda n, t: t == ref[1]))
    if kind == "name":
        text = ref[1]
        for name in found.people:
            if name == text or name.endswith(" " + text) or name.startswith(text + " "):
                return name
        return text if text in found.orgs else None
    return _person_inside(found, subject[0], subject[1])


def _contacted_before(body: str, found: Found, at: int) -> str | None:
    """The last organisation named within CONTACT_SPAN letters before `at` that the text says it contacted or asked
    (`…연구소에 연락해`, `쿠팡 측에 묻자`), or None."""
    for i in range(latest_before(found.org_offsets, at), -1, -1):
        off, name = found.org_offsets[i], found.org_mentions[i]
        if off < at - CONTACT_SPAN:
            return None
        if CONTACTED.match(body, off + len(name)):
            return name
    return None


def _surname_before(body: str, at: int) -> str:
    """The one-syllable surname written as a word of its own before offset `at` ("" if none): `이 후보는`, whose
    `이` Kiwi reads as the determiner `this`; it names the person of that surname and title named before."""
    if at >= 2 and body[at - 1] == " " and body[at - 2] in SURNAMES and (at == 2 or not _letter(body[at - 3])):
        return body[at - 2]
    return ""


def _team_of(found: Found, at: int, team: str, body: str) -> str | None:
    """The organisation of `team` (`연구팀`, `재판부`) at offset `at`: the last one before it that the text names
    with a word of that team's kind (`로체스터대 컴퓨터학과 연구팀`, then `연구진은`), else the last one of the
    kind the team belongs to (a court for `재판부`, a university or institute for `연구진`), else the last
    organisation named before it."""
    last = latest_before(found.org_offsets, at)
    words = next((group for group in TEAM_KINDS if team in group), (team,))
    for i in range(last, -1, -1):
        off, name = found.org_offsets[i], found.org_mentions[i]
        if name.endswith(words) and not _after_org(found, i, body):
            return name  # `시냅스뇌질환연구단이 …. 연구진은`: the organisation is the team (not `KIST 치매…연구단`)
        for word in words:
            w = body.find(word, off + len(name), off + len(name) + 20)
            if w >= 0 and "따르면" not in body[off + len(name):w]:  # not `한국일보에 따르면 재판부는`
                if body[max(0, w - 3):w].strip().endswith(JOINT) and body[max(0, off - 2):off].strip() in LIST_JOINTS:
                    return None  # `A, B, 경희대 공동연구팀은`: a team of several bodies speaks for none of them
                return name
    endings = TEAM_ORGS.get(team)
    if endings:
        return _last_of_kind(found, at, endings) or (found.org_mentions[last] if last >= 0 else None)
    return found.org_mentions[last] if last >= 0 else None


def _after_org(found: Found, i: int, body: str) -> bool:
    """The organisation of mention i is somewhere written right after another one, its aside between or not
    (`KIST 치매DTC융합연구단`, `한국과학기술연구원(KIST) 치매…연구단`): a unit of that one."""
    name = found.org_mentions[i]
    for m, off in enumerate(found.org_offsets):
        if found.org_mentions[m] != name:
            continue
        for k in range(m - 1, max(-1, m - 4), -1):
            end = found.org_offsets[k] + len(found.org_mentions[k])
            if found.org_mentions[k] != name and 0 <= off - end <= MAX_ASIDE_GAP and ASIDE_GAP.fullmatch(body, end, off):
                return True
    return False


def _last_of_kind(found: Found, at: int, endings: tuple[str, ...]) -> str | None:
    """The last organisation named before offset `at` whose name ends in one of `endings`."""
    for i in range(latest_before(found.org_offsets, at), -1, -1):
        if found.org_mentions[i].endswith(endings):
            return found.org_mentions[i]
    return None


def _person_inside(found: Found, start: int, end: int) -> str | None:
    """The last person mentioned inside a subject phrase the rules could not read (`맥스 피터슨 AWS 월드와이드
    공공사업 부문 부사장은`: titled.py found the name at a distance from its title), else its last organisation,
    or the organisation whose name ends where the phrase ends (`우아한형제들은`, read `형제들은`); a phrase that
    starts inside an organisation's name is the words of the person named right before that name."""
    i = latest_before(found.person_offsets, end)
    if i >= 0 and found.person_offsets[i] >= start:
        return found.person_mentions[i][0]
    i = latest_before(found.org_offsets, end)  # `로체스터대 연구팀은`: the organisation's words
    if i < 0:
        return None
    at, name = found.org_offsets[i], found.org_mentions[i]
    if at < start < at + len(name):  # `주호영 국민의힘 원내대표는`, read `힘 원내대표는`: the person named before it
        j = latest_before(found.person_offsets, at)
        if j >= 0 and found.person_offsets[j] + len(found.person_mentions[j][0]) + 1 == at:
            return found.person_mentions[j][0]
    # `우아한/VA 형제들은`: a listed organisation Kiwi read in pieces, the subject only its last ones
    return name if at >= start or at + len(name) == end else None


def _person_heading(found: Found, start: int, end: int) -> str | None:
    """The person whose name opens the subject phrase at [start, end) (the other passes found it; the phrase, read
    up to an organisation and a word for a role that is no listed title, refers to the organisation), or None.
    A name begins at most HEAD_BEFORE letters before the phrase (`옥/NNG 호남/NNG …`: the phrase begins at `호남`)."""
    i = bisect_right(found.person_offsets, start - HEAD_BEFORE - 1)
    if i < len(found.person_offsets) and found.person_offsets[i] < end:
        name = found.person_mentions[i][0]
        if found.person_offsets[i] + len(name) > start and found.person_offsets[i] <= start:
            return name
    return None


def _longest_org(found: Found, start: int, end: int, name: str) -> str:
    """The longest organisation named inside the subject phrase [start, end) that goes on from `name` (`SK텔레콤
    종합기술원` for `SK텔레콤` in `SK텔레콤 종합기술원 관계자는`), else `name`."""
    best = name
    for i in range(bisect_right(found.org_offsets, start - 1), len(found.org_offsets)):
        at, other = found.org_offsets[i], found.org_mentions[i]
        if at >= end:
            break
        if len(other) > len(best) and other.startswith(name + " ") and at + len(other) <= end:
            best = other
    return best


def _latest_person(found: Found, at: int, fits) -> str | None:
    """The last person mentioned before offset `at` whose (name, title) `fits`."""
    for i in range(latest_before(found.person_offsets, at), -1, -1):
        name, title = found.person_mentions[i]
        if fits(name, title):
            return name
    return None
