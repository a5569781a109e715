"""The line classifier shared by text dumps and HTML pages.

Text is normalised (`normalise`) and split into cleaned lines (`lines`, `clean_line`); every line is then
judged as article prose (`is_sentence`) or page furniture (`is_cruft`: share buttons, weather, bylines,
captions, related-article lists, comment prompts, copyright notices), and `select_body` takes the densest
run of prose between end markers as the article.

This is the bottom module of the package: it imports nothing from it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BULLET",
    "CAPTION",
    "DATE_RE",
    "EMAIL",
    "END_MARKER",
    "HANGUL",
    "REPORTER",
    "REPORTER_STOP",
    "SENTENCE_END",
    "URL",
    "clean_line",
    "is_caption",
    "is_cruft",
    "is_sentence",
    "lines",
    "normalise",
    "probe",
    "select_body",
]

# --------------------------------------------------------------------------- text normalisation

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u3000\u202f\u205f]+")


def clean_line(line: str) -> str:
    """One line without zero-width characters, its runs of spaces collapsed, stripped."""
    return _SPACES.sub(" ", line.translate(_ZERO_WIDTH)).strip()


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalise(text: str) -> str:
    """NFC text with "\\n" line ends and no lone surrogates."""
    # JSON rows can carry lone surrogates ("\ud800"): Kiwi and UTF-8 output cannot take them.
    text = _LONE_SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def lines(text: str) -> list[str]:
    """The text's lines, normalised and cleaned (blank lines kept, as "")."""
    return [clean_line(line) for line in normalise(text).split("\n")]


# --------------------------------------------------------------------------- line classifier

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# A prose line ends in terminal punctuation, possibly followed by closing quotes/brackets or a short
# bracketed tag such as [편집자주] or (끝).
SENTENCE_END = re.compile(r"[.!?…‥。][\"'”’」』)\]]*(\s*[\[(<][^\])>]{1,12}[\])>])?\s*$")
BULLET = re.compile(r"^(?:[•·◦▪▫■□●○◇◆▶▷►▸※☞➤\-–—*+>]|\d{1,2}[.)])\s*")
# The look-behind makes a search start only where an address can start: without it a 40,000-character
# run of word characters is rescanned from each of its positions (quadratic; 42 s for one line of digits).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://\S+|www\.\S+")
# A date as written in Korean pages: "2020.08.27 20:27", "2020년 8월 27일(목) 오후 8시 27분", "2020-08-27T20:27:29".
# Used by the classifier (a dated non-prose line is furniture) and by the date extraction.
# No two whitespace runs are adjacent without a required token between them, so a date followed by a long
# run of spaces is tried once, not once per way of splitting the run (quadratic).
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[.\-/]|년)\s*(?P<m>[01]?\d)\s*(?:[.\-/]|월)\s*(?P<d>[0-3]?\d)(?:\s*일)?\.?"
    r"(?:\s*\(?[월화수목금토일](?:요일)?\)?)?"
    r"(?:\s*\(?(?:T\s*)?(?:(?P<ampm>오전|오후|AM|PM|am|pm)\s*)?(?P<H>[0-2]?\d)\s*[:시]\s*(?P<M>[0-5]\d)(?:\s*분)?"
    r"(?:\s*:\s*(?P<S>[0-5]\d))?)?"
)
# Photo/graphic credits and captions: "[사진=뉴스1]", "사진=KT.", "▲ ...", "/연합뉴스", "(그래픽=...)".
CAPTION = re.compile(
    r"(^[▲△▶▷]\s*\S)|([\[(<〈]?\s*(사진|그래픽|자료|출처|영상|이미지|일러스트|캡처|사진제공)\s*[=:／/]\s*[^\])>〉]{0,40}[\])>〉]?\.?\s*$)"
    r"|(^[\[(<〈]?\s*(사진|그래픽|자료|출처|이미지)\s*[=:／/])|((제공|캡처)\s*[\])>〉]?\.?\s*$)"
)
# A credit closing the line ("...ⓒ연합뉴스"). Searched in the line's last characters only: over a whole line,
# "ⓒ" repeated thousands of times before a space would make the search quadratic.
_CREDIT_END = re.compile(r"ⓒ\s*\S+\s*$")
# Strong end markers: what follows them is never the article's own text.
END_MARKER = re.compile(
    r"무단\s*전재|재배포|copyright|all rights reserved|저작권자?\s*[ⓒ©(]|ⓒ|©|^-+\s*comment\s*-+$|^댓글|댓글\s*\d|"
    r"첫\s*번째\s*댓글|댓글\s*(쓰기|작성|바로가기|보기)|^관련\s*(기사|뉴스)|^(함께|같이)\s*(볼|보면|읽)|"
    r"많이\s*본\s*(뉴스|기사)|인기\s*(기사|뉴스)|^(주요|최신|추천|오늘의)\s*(뉴스|기사)|기자\s*프로필|"
    r"이\s*기사를\s*공유|^맨\s*위로|뉴스스탠드|구독하(기|세요)|^(이전|다음)\s*(기사|글)|^[<\[]?\s*(저작권|ⓒ)",
    re.I,
)
# Cruft lexicon, interface words of news pages (share, print, font size, login, weather, ads): only ever
# whole non-prose lines, so that an article sentence about the weather is not taken for the widget.
_UI_WORDS = re.compile(
    r"^(공유(하기)?|트위터|페이스북|카카오톡|카카오스토리|네이버\s*블로그|밴드|텔레그램|라인|구글\s*북마크|네이트온\s*쪽지|"
    r"URL\s*복사|링크\s*복사|프린트|인쇄(하기)?|메일|이메일|목록|글자\s*크기|글씨\s*크기|크게|작게|스크랩|좋아요|추천|"
    r"기사\s*저장|닫기|더보기|로그인|로그아웃|회원가입|검색|전체\s*메뉴|ad|ads|광고|PC\s*버전|TOP|프로필\s*사진|프로필보기|"
    r"이전|다음|기사\s*원문|원문\s*보기|기사\s*제보|제보하기|구독|후원|팔로우|sns\s*공유|페이지\s*상단|오늘의\s*날씨|"
    r"facebook|twitter|kakao|print|share|email|top)[\s:]*$"
    r"|공유\s*$|(?<!\d)\d+\s*℃|날씨|미세먼지|로그인|응원하기|카톡",
    re.I,
)
# Promotions phrased as sentences ("...뉴스를 만나보세요.") are cruft even though they end like prose.
_PROMO = re.compile(r"(뉴스|기사|소식)를?\s*만나\s*보세요|구독하세요|구독\s*신청|클릭하세요|채널\s*추가|앱\s*(설치|다운)|"
                    r"제보는\s|제보를\s*기다립니다|바로\s*가기\s*$|기사를\s*공유|\(클릭!?\)|클릭!|"
                    r"브라우저\s*(업그레이드|버전|설치)|지원하지\s*않는\s*브라우저|플래시\s*플레이어")
# Words that end in "기자" positions but are not names ("사진 기자", "취재 기자").
REPORTER_STOP = {"사진", "영상", "취재", "담당", "전문", "객원", "수습", "기자", "일선", "여러", "해당", "외신", "현지",
                 "한국", "국내", "외국", "방송", "신문", "경제", "정치", "사회", "문화", "기사"}
# "홍길동 기자", "홍길동 선임기자", "홍길동 특파원 기자": group 1 is the name.
REPORTER = re.compile(r"(?<![가-힣])([가-힣]{2,4})\s?(?:선임|수석|전문|편집위원|논설위원|특파원|객원)?\s?기자(?![가-힣])")
_BYLINE_ONLY = re.compile(r"^[\[(<]?[가-힣A-Za-z0-9·\s=]{0,20}\s?(기자|특파원|논설위원|편집위원|통신원|에디터)[\])>]?\s*"
                          r"([|/·]?\s*[\w.+-]+@[\w.-]+)?\s*$")


_INNER_BREAK = re.compile(r"[다요][.!?][\"'”’]?\s")
_OPEN_END = re.compile(r"(다|요|음|함|됨|임|니다|까)[\"'”’]?\s*$")


def is_sentence(line: str) -> bool:
    """Prose: ends like a sentence, or is long and made of sentences (sites that drop the final period)."""
    if len(HANGUL.findall(line)) < 5:
        return False
    if SENTENCE_END.search(line):
        return True
    # Headlines can end in 다 too, but they are short; a long line ending so, or holding several
    # sentence breaks, is prose with a missing full stop or a trailing tag ('/연합뉴스').
    return (len(line) >= 80 and bool(_OPEN_END.search(line))) or (len(line) >= 100 and len(_INNER_BREAK.findall(line)) >= 2)


_LIST_DATE = re.compile(r"[(\[]?\s*(?:19|20)?\d\d[./-][01]?\d[./-][0-3]?\d\.?\s*(?:[0-2]?\d:[0-5]\d)?\s*[)\]]?\s*$")
_WEAK_END = re.compile(r"^[\[(<▶☞※]?\s*관련\s*(기사|뉴스)")


def is_caption(core: str) -> bool:
    """A photo/graphic credit or caption line (CAPTION, or a credit such as "ⓒ연합뉴스" closing it)."""
    return bool(CAPTION.search(core) or _CREDIT_END.search(core[-_CREDIT_TAIL:]))


_CREDIT_TAIL = 80
# Lines longer than this are classified by their first and last _PROBE_HALF characters: a paragraph is
# judged by how it starts and ends, and no pattern then costs more than a bounded amount per line.
_PROBE_LIMIT = 4000
_PROBE_HALF = 1500


def probe(line: str) -> str:
    """The part of a line the classifier looks at: the line, or for a very long one its two ends."""
    if len(line) <= _PROBE_LIMIT:
        return line
    return line[:_PROBE_HALF] + " … " + line[-_PROBE_HALF:]


def is_cruft(line: str) -> bool:
    """True for lines that are page furniture whatever their position."""
    core = BULLET.sub("", probe(line)).strip()
    if not core or not HANGUL.search(core) and len(core) < 40:
        return True
    if _PROMO.search(core) and len(core) < 80:
        return True
    if is_caption(core) and (len(core) < 150 or not is_sentence(core)):
        return True
    if _BYLINE_ONLY.match(core):
        return True
    if core.startswith(("[관련기사", "(관련기사", "[관련 기사", "<관련기사", "☞", "▶ 관련", "[참고", "※ 관련")):
        return True
    if _LIST_DATE.search(core):  # "headline (2018/11/28)": an entry of an article list
        return True
    if is_sentence(core):
        return False
    # Below: signals that only count on lines that do not read as prose (a sentence may hold a date,
    # an address or the word 날씨 and still be the article's).
    return bool((_UI_WORDS.search(core) and len(core) < 60) or EMAIL.search(core) or URL.search(core)
                or DATE_RE.search(core))


# --------------------------------------------------------------------------- body selection

_CONTINUED = re.compile(r"[,，]\s*$")


def _line_kind(line: str) -> str:
    """'blank', 'end' (strong end marker), 'weak' (related-articles box), 'cruft', 'prose' or 'other'."""
    if not line:
        return "blank"
    line = probe(line)
    prose = is_sentence(line)
    if END_MARKER.search(line) and (not prose or len(line) < 60):
        return "weak" if _WEAK_END.search(line) else "end"
    if is_cruft(line):
        return "cruft"
    # A line ending in a comma is a sentence running on into the next line (card-news and <br>-broken
    # paragraphs), never a headline or a widget.
    if prose or (len(line) >= 10 and len(HANGUL.findall(line)) >= 5 and _CONTINUED.search(line)):
        return "prose"
    return "other"


def _prose_runs(kinds: list[str]) -> list[list[int]]:
    """Indexes of prose lines grouped into runs broken by end markers (weak ones may be bridged)."""
    runs: list[list[int]] = []
    current: list[int] = []
    weak_at = None
    for i, kind in enumerate(kinds):
        if kind == "end":
            if current:
                runs.append(current)
            current, weak_at = [], None
        elif kind == "weak":
            if current:
                runs.append(current)
            current, weak_at = [], (i if current or runs else None)
        elif kind == "prose":
            if not current and weak_at is not None and runs and i - weak_at <= 10 and runs[-1][-1] < weak_at:
                current = runs.pop()  # the box sat inside the article
            weak_at = None if current else weak_at
            current.append(i)
    if current:
        runs.append(current)
    return runs


def select_body(lines: list[str], lenient: bool = False) -> tuple[list[str], int, int]:
    """Pick the article's paragraphs from lines; return (paragraphs, first index, last index).

    Prose lines are grouped into runs broken by end markers; the run with most prose characters (the
    earliest of those within half of the best, since comments come after articles) is the article.
    A related-articles box is only a weak break: prose resuming right after it continues the article.
    With lenient=True (inside an HTML article container) short non-prose lines standing between prose
    lines are kept too: there they are crossheads, not widgets.
    """
    kinds = [_line_kind(line) for line in lines]
    runs = _prose_runs(kinds)
    if not runs:
        return [], -1, -1
    weights = [sum(len(lines[i]) for i in run) for run in runs]
    best = max(weights)
    chosen = next(run for run, w in zip(runs, weights) if w >= best / 2)
    first, last = chosen[0], chosen[-1]
    keep = []
    for i in range(first, last + 1):
        if kinds[i] == "prose":
            keep.append(lines[i])
        elif lenient and kinds[i] == "other" and len(lines[i]) <= 80:
            keep.append(lines[i])
    return keep, first, last
