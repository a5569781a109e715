"""Boilerplate stripping and metadata extraction for Korean news pages.

Two kinds of input reach the index: plain-text dumps of news pages (no DOM, cruft included, like the
seeds) and HTML pages. Both end in the same line classifier (`_select_body`): every line is scored as
article prose or cruft (share buttons, weather, bylines, captions, related-article lists, comment
prompts, copyright notices), the densest run of prose between end markers is taken as the article,
and the metadata (title, publication date, publisher, reporter, url) comes from meta tags, JSON-LD
and text patterns. HTML-specific code (container finding, DOM to lines) lives in `extract_html.py`.

Nothing here guesses: a value that is not found is None.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = [
    "Article",
    "ExtractError",
    "decode_bytes",
    "strip_text_dump",
    "extract_html",
    "extract_bytes",
    "extract_file",
    "article_from_record",
]


@dataclass
class Article:
    """One news article: its own paragraphs and what is known about it."""

    title: str | None
    body: str  # the article's own paragraphs joined by "\n\n"
    date: str | None = None  # ISO 8601 publication date (local time, KST for Korean sites)
    publisher: str | None = None
    reporter: str | None = None  # name only
    url: str | None = None

    def to_dict(self) -> dict:
        """The article as the JSON contract's dict (title, date, publisher, reporter, url, body)."""
        d = asdict(self)
        return {k: d[k] for k in ("title", "date", "publisher", "reporter", "url", "body")}


class ExtractError(ValueError):
    """No article could be extracted; str(e) is a one-line reason."""


# --------------------------------------------------------------------------- encoding

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Korean sites label CP949 pages with every historical name; CP949 is the superset that decodes them all.
_KOREAN_ALIASES = {"euc-kr", "euckr", "ks_c_5601-1987", "ks-c-5601-1987", "ksc5601", "ks_c_5601", "x-windows-949",
                   "windows-949", "cp949", "uhc", "ms949", "korean"}
_LATIN_CODECS = {"latin_1", "iso8859-1", "cp1252", "ascii"}


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _KOREAN_ALIASES:
        return "cp949"
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    # "base64", "zlib", "rot13" are codecs too, but not text encodings
    return info.name if getattr(info, "_is_text_encoding", True) else None


def _mostly_hangul(text: str) -> bool:
    """True when the non-ASCII characters are mostly Hangul/CJK, i.e. a CP949 decode looks right."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    good = sum(1 for c in non_ascii if "\uac00" <= c <= "\ud7a3" or "\u3000" <= c <= "\u9fff" or c in "·…‘’“”ⓒ©▲△◆■□▶")
    return good / len(non_ascii) >= 0.6


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes: BOM, then the declared charset if it verifies, then detection; never raises."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    declared_codec = _codec_name(declared)
    # Valid UTF-8 with non-ASCII bytes is almost never an accident, so it beats a (often wrong) label.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared_codec and declared_codec not in ("utf-8", "utf_8"):
        try:
            text = data.decode(declared_codec)
            if declared_codec not in _LATIN_CODECS or not _try_cp949(data):
                return text
        except (UnicodeError, LookupError):  # UnicodeError: "idna" and friends raise the base class
            log.debug("declared charset %s does not decode; detecting", declared)
    text = _try_cp949(data)
    if text is not None:
        return text
    # A few broken bytes (a truncated download, one bad paste) in otherwise Korean text: keep the
    # encoding that leaves the fewest replacement characters rather than let detection pick a
    # single-byte codepage that "decodes" everything into mojibake.
    for enc in ("utf-8", "cp949"):
        text = data.decode(enc, errors="replace")
        if text.count("\ufffd") <= max(1, len(text) // 100) and _HANGUL.search(text):
            return text
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except Exception:  # detection is best effort; replacement decoding below always works
        log.debug("charset detection failed", exc_info=True)
    # Mostly-UTF-8 with a few broken bytes is the commonest remaining case.
    return data.decode("utf-8", errors="replace")


def _try_cp949(data: bytes) -> str | None:
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return None
    return text if _mostly_hangul(text) else None


_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"BZh",
                 b"\xd0\xcf\x11\xe0", b"Rar!", b"7z\xbc\xaf")


def _is_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_MAGIC):
        return True
    if any(data.startswith(bom) for bom, enc in _BOMS if enc.startswith("utf-16") or enc == "utf-32"):
        return False
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


# --------------------------------------------------------------------------- text normalisation

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u3000\u202f\u205f]+")


def _clean_line(line: str) -> str:
    return _SPACES.sub(" ", line.translate(_ZERO_WIDTH)).strip()


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _normalise(text: str) -> str:
    # JSON rows can carry lone surrogates ("\ud800"): Kiwi and UTF-8 output cannot take them.
    text = _LONE_SURROGATE.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------- line classifier

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# A prose line ends in terminal punctuation, possibly followed by closing quotes/brackets or a short
# bracketed tag such as [편집자주] or (끝).
_SENTENCE_END = re.compile(r"[.!?…。][\"'”’」』)\]]*(\s*[\[(<][^\])>]{1,12}[\])>])?\s*$")
_BULLET = re.compile(r"^(?:[•·◦▪▫■□●○◇◆▶▷►▸※☞➤\-–—*+>]|\d{1,2}[.)])\s*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Photo/graphic credits and captions: "[사진=뉴스1]", "사진=KT.", "▲ ...", "/연합뉴스", "(그래픽=...)".
_CAPTION = re.compile(
    r"(^[▲△▶▷]\s*\S)|([\[(<〈]?\s*(사진|그래픽|자료|출처|영상|이미지|일러스트|캡처|사진제공)\s*[=:／/]\s*[^\])>〉]{0,40}[\])>〉]?\.?\s*$)"
    r"|(^[\[(<〈]?\s*(사진|그래픽|자료|출처|이미지)\s*[=:／/])|((제공|캡처)\s*[\])>〉]?\.?\s*$)|(ⓒ\s*\S+\s*$)"
)
# Strong end markers: what follows them is never the article's own text.
_END_MARKER = re.compile(
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
    r"|공유\s*$|\d+\s*℃|날씨|미세먼지|로그인|응원하기|카톡",
    re.I,
)
# Promotions phrased as sentences ("...뉴스를 만나보세요.") are cruft even though they end like prose.
_PROMO = re.compile(r"(뉴스|기사|소식)를?\s*만나\s*보세요|구독하세요|구독\s*신청|클릭하세요|채널\s*추가|앱\s*(설치|다운)|"
                    r"제보는\s|바로\s*가기\s*$|기사를\s*공유")
_REPORTER_STOP = {"사진", "영상", "취재", "담당", "전문", "객원", "수습", "기자", "일선", "여러", "해당", "외신", "현지",
                  "한국", "국내", "외국", "방송", "신문", "경제", "정치", "사회", "문화", "기사"}
_REPORTER = re.compile(r"(?<![가-힣])([가-힣]{2,4})\s?(?:선임|수석|전문|편집위원|논설위원|특파원|객원)?\s?기자(?![가-힣])")
_BYLINE_ONLY = re.compile(r"^[\[(<]?[가-힣A-Za-z0-9·\s=]{0,20}\s?(기자|특파원|논설위원|편집위원|통신원|에디터)[\])>]?\s*"
                          r"([|/·]?\s*[\w.+-]+@[\w.-]+)?\s*$")


_INNER_BREAK = re.compile(r"[다요][.!?][\"'”’]?\s")
_OPEN_END = re.compile(r"(다|요|음|함|됨|임|니다|까)[\"'”’]?\s*$")


def _is_sentence(line: str) -> bool:
    """Prose: ends like a sentence, or is long and made of sentences (sites that drop the final period)."""
    if len(_HANGUL.findall(line)) < 5:
        return False
    if _SENTENCE_END.search(line):
        return True
    # Headlines can end in 다 too, but they are short; a long line ending so, or holding several
    # sentence breaks, is prose with a missing full stop or a trailing tag ('/연합뉴스').
    return (len(line) >= 80 and bool(_OPEN_END.search(line))) or (len(line) >= 100 and len(_INNER_BREAK.findall(line)) >= 2)


def _is_cruft(line: str) -> bool:
    """True for lines that are page furniture whatever their position."""
    core = _BULLET.sub("", line).strip()
    if not core or not _HANGUL.search(core) and len(core) < 40:
        return True
    if _PROMO.search(core) and len(core) < 80:
        return True
    if _CAPTION.search(core) and (len(core) < 150 or not _is_sentence(core)):
        return True
    if _BYLINE_ONLY.match(core):
        return True
    if core.startswith(("[관련기사", "(관련기사", "[관련 기사", "<관련기사", "☞", "▶ 관련", "[참고", "※ 관련")):
        return True
    if _LIST_DATE.search(core):  # "headline (2018/11/28)": an entry of an article list
        return True
    if _is_sentence(core):
        return False
    # Below: signals that only count on lines that do not read as prose (a sentence may hold a date,
    # an address or the word 날씨 and still be the article's).
    return bool((_UI_WORDS.search(core) and len(core) < 60) or _EMAIL.search(core) or _URL.search(core)
                or _DATE_RE.search(core))


_LIST_DATE = re.compile(r"[(\[]?\s*(?:19|20)?\d\d[./-][01]?\d[./-][0-3]?\d\.?\s*(?:[0-2]?\d:[0-5]\d)?\s*[)\]]?\s*$")
_WEAK_END = re.compile(r"^[\[(<▶☞※]?\s*관련\s*(기사|뉴스)")


def _select_body(lines: list[str], lenient: bool = False) -> tuple[list[str], int, int]:
    """Pick the article's paragraphs from lines; return (paragraphs, first index, last index).

    Prose lines are grouped into runs broken by end markers; the run with most prose characters (the
    earliest of those within half of the best, since comments come after articles) is the article.
    A related-articles box is only a weak break: prose resuming right after it continues the article.
    With lenient=True (inside an HTML article container) short non-prose lines standing between prose
    lines are kept too: there they are crossheads, not widgets.
    """
    kinds = []
    for line in lines:
        prose = _is_sentence(line)
        if not line:
            kinds.append("blank")
        elif _END_MARKER.search(line) and (not prose or len(line) < 60):
            kinds.append("weak" if _WEAK_END.search(line) else "end")
        elif _is_cruft(line):
            kinds.append("cruft")
        elif prose:
            kinds.append("prose")
        else:
            kinds.append("other")
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


# --------------------------------------------------------------------------- metadata from text

_DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[.\-/]|년)\s*(?P<m>[01]?\d)\s*(?:[.\-/]|월)\s*(?P<d>[0-3]?\d)\s*(?:일)?\.?"
    r"(?:\s*\(?[월화수목금토일](?:요일)?\)?)?"
    r"(?:\s*(?:T|\s)?\s*(?P<ampm>오전|오후|AM|PM|am|pm)?\s*(?P<H>[0-2]?\d)\s*[:시]\s*(?P<M>[0-5]\d)\s*분?"
    r"(?:\s*:\s*(?P<S>[0-5]\d))?)?"
)
_PUBLISHED_LABEL = re.compile(r"(기사\s*입력|최초\s*입력|입력|등록|승인|발행|게재|작성|송고|published|posted)\s*"
                              r"(일시|일자|시간|일)?\s*[:：]?\s*$", re.I)
_MODIFIED_LABEL = re.compile(r"(수정|업데이트|갱신|updated|modified)\s*(일시|일자|시간|일)?\s*[:：]?\s*$", re.I)


def _iso_from_match(m: re.Match) -> str | None:
    try:
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        datetime(y, mo, d)
    except ValueError:
        return None
    if m["H"] is None:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    hour, minute = int(m["H"]), int(m["M"])
    ampm = (m["ampm"] or "").lower()
    if ampm in ("오후", "pm") and hour < 12:
        hour += 12
    elif ampm in ("오전", "am") and hour == 12:
        hour = 0
    if hour > 23:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    iso = f"{y:04d}-{mo:02d}-{d:02d}T{hour:02d}:{minute:02d}"
    return iso + (f":{int(m['S']):02d}" if m["S"] else "")


def _date_from_lines(lines: list[str]) -> str | None:
    """Publication date from text: a labelled date (입력/등록...) wins, else a dated byline line.

    A bare date without a time on a line naming the weekday is the site header's 'today' and is skipped;
    dates inside long lines (prose, related-article lists) are never taken unlabelled.
    """
    unlabelled = None
    for line in lines:
        for m in _DATE_RE.finditer(line):
            before = line[max(0, m.start() - 12):m.start()]
            iso = _iso_from_match(m)
            if not iso:
                continue
            if _PUBLISHED_LABEL.search(before):
                return iso
            if _MODIFIED_LABEL.search(before) or unlabelled:
                continue
            rest = _DATE_RE.sub("", line)
            has_time = "T" in iso
            if len(line) > 100 or (len(rest.strip()) > 60 and not _REPORTER.search(line)):
                continue
            if has_time or _REPORTER.search(line) or _EMAIL.search(line):
                unlabelled = iso
    return unlabelled


# E-mail domains of Korean news outlets: the reporter's address often names the publisher when the
# page text does not.
_EMAIL_PUBLISHERS = {
    "yna.co.kr": "연합뉴스", "yonhapnews.co.kr": "연합뉴스", "chosun.com": "조선일보", "joongang.co.kr": "중앙일보",
    "donga.com": "동아일보", "hani.co.kr": "한겨레", "khan.co.kr": "경향신문", "hankookilbo.com": "한국일보",
    "mk.co.kr": "매일경제", "hankyung.com": "한국경제", "sedaily.com": "서울경제", "edaily.co.kr": "이데일리",
    "mt.co.kr": "머니투데이", "newsis.com": "뉴시스", "news1.kr": "뉴스1", "ddaily.co.kr": "디지털데일리",
    "inews24.com": "아이뉴스24", "etnews.com": "전자신문", "zdnet.co.kr": "지디넷코리아", "newdailybiz.co.kr": "뉴데일리경제",
    "newdaily.co.kr": "뉴데일리", "newsway.co.kr": "뉴스웨이", "kormedi.com": "코메디닷컴", "kbs.co.kr": "KBS",
    "sbs.co.kr": "SBS", "mbc.co.kr": "MBC", "imbc.com": "MBC", "ytn.co.kr": "YTN", "jtbc.co.kr": "JTBC",
    "seoul.co.kr": "서울신문", "kmib.co.kr": "국민일보", "segye.com": "세계일보", "munhwa.com": "문화일보",
    "heraldcorp.com": "헤럴드경제", "asiae.co.kr": "아시아경제", "fnnews.com": "파이낸셜뉴스", "dt.co.kr": "디지털타임스",
    "bloter.net": "블로터", "daejonilbo.com": "대전일보", "newstapa.org": "뉴스타파", "ohmynews.com": "오마이뉴스",
    "pressian.com": "프레시안", "nocutnews.co.kr": "노컷뉴스", "sportschosun.com": "스포츠조선", "ajunews.com": "아주경제",
    "hankooki.com": "한국일보", "kukinews.com": "쿠키뉴스", "dailian.co.kr": "데일리안", "mediatoday.co.kr": "미디어오늘",
}
# "[디지털데일리 임재현기자]", "[부산=스포츠조선 선수민 기자]", "[서울=뉴시스] 홍길동 기자": the publisher's dateline.
_DATELINE = re.compile(r"^[\[(【<]\s*(?:(?P<place>[가-힣]{1,6})\s*=\s*)?(?P<pub>[^\])】>=]{2,20}?)"
                       r"(?:\s+(?P<name>[가-힣]{2,4})\s?(?:기자|특파원)\s*[\])】>]|\s*[\])】>]\s*[가-힣]{2,4}\s?(?:기자|특파원))")
_COPYRIGHT_NAME = re.compile(r"(?:ⓒ|©|copyright|저작권자?)\s*(?:ⓒ|©|\(c\))?\s*(?:'[^']*'\s*)?(?:\d{4}\s*)?"
                             r"([가-힣A-Za-z0-9]{2,15}?)(?:\s*\(|\.|\s|,|$|사\b)", re.I)


def _publisher_from_lines(lines: list[str]) -> str | None:
    for line in lines:
        if re.search(r"무단|재배포|ⓒ|©|copyright|저작권", line, re.I):
            m = _COPYRIGHT_NAME.search(line)
            if m and _HANGUL.search(m.group(1)) and m.group(1) not in ("무단전재", "저작권자"):
                return m.group(1)
    for line in lines:
        m = _DATELINE.match(line)
        if m and m["place"] not in ("사진", "영상", "그래픽"):
            return m["pub"].strip()
    for line in lines:
        m = re.match(r"^([가-힣A-Za-z0-9]{2,12})\s+([가-힣]{2,4})\s?기자\s*$", line)
        if m:
            return m.group(1)
    for line in lines:
        for email in _EMAIL.findall(line):
            domain = email.rsplit("@", 1)[1].lower()
            for known, name in _EMAIL_PUBLISHERS.items():
                if domain == known or domain.endswith("." + known):
                    return name
    return None


# Desk and service mailboxes: the name before them is the outlet's, not a reporter's.
_SHARED_MAILBOX = re.compile(r"^(webmaster|master|admin|info|help|news|press|contact|editor|desk|jebo|report|tip|"
                             r"opinion|ad|sales|service|cs|support|mail|media|pr)\d*$", re.I)


def _reporter_from_lines(lines: list[str]) -> str | None:
    """Reporter name from bylines, datelines and sign-offs; body prose is not searched."""
    for line in lines:
        if len(line) > 80 and not _DATELINE.match(line):
            continue
        for m in _REPORTER.finditer(line[:80]):
            if m.group(1) not in _REPORTER_STOP:
                return m.group(1)
    for line in lines:  # "임재현 jaehyun@ddaily.co.kr": a name right before an address
        m = re.search(r"(?<![가-힣])([가-힣]{2,4})\s+([\w.+-]+)@[\w-]+\.", line)
        if (m and len(line) < 80 and m.group(1) not in _REPORTER_STOP and not _SHARED_MAILBOX.match(m.group(2))
                and m.group(1) not in _EMAIL_PUBLISHERS.values()):
            return m.group(1)
    return None


# --------------------------------------------------------------------------- titles

def _title_from_lines(lines: list[str], body_start: int) -> str | None:
    """The most headline-like line before the body: not cruft, not prose, unlike a deck or kicker."""
    head = lines[:max(body_start, 0)]
    counts: dict[str, int] = {}
    for line in head:
        counts[line] = counts.get(line, 0) + 1
    best, best_score = None, float("-inf")
    for i, line in enumerate(head):
        if not line or _is_cruft(line) or _END_MARKER.search(line) or _is_sentence(line):
            continue
        if len(line) < 8 or not _HANGUL.search(line) or _DATE_RE.search(line):
            continue
        score = min(len(line), 70) - max(0, len(line) - 70)
        if counts[line] > 1:  # pages often print the headline twice (breadcrumb, header)
            score += 40
        in_block = (i > 0 and head[i - 1]) or (i + 1 < len(head) and head[i + 1])
        if in_block:  # decks come as several unbroken lines; a headline stands alone
            score -= 25
        if score > best_score:
            best, best_score = line, score
    return best


_LEADING_BRACKETS = re.compile(r"^[\[(【<][^\])】>]{2,30}[\])】>]\s*")
_FIRST_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def _title_from_body(paragraphs: list[str]) -> str | None:
    """Fallback title: the first sentence of the body, without its dateline."""
    if not paragraphs:
        return None
    text = _LEADING_BRACKETS.sub("", paragraphs[0], count=1)
    sentence = _FIRST_SENTENCE_END.split(text, maxsplit=1)[0]
    return sentence if len(sentence) <= 100 else sentence[:97].rstrip() + "..."


def fallback_title(body: str) -> str | None:
    """The title extraction gives an article whose page or row names none (see _title_from_body)."""
    return _title_from_body(body.split("\n\n", 1)[:1]) if body else None


# --------------------------------------------------------------------------- public entry points

def _lines(text: str) -> list[str]:
    return [_clean_line(line) for line in _normalise(text).split("\n")]


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped paragraphs (blocks of near-equal-length lines not ending in full stops).

    Dumps copied from a terminal or e-mail wrap at a fixed width; one paragraph a line is what the
    classifier expects. Blocks of ragged lines (decks, lists, captions glued to a paragraph) stay as they are.
    """
    out: list[str] = []
    block: list[str] = []
    for line in lines + [""]:
        if line:
            block.append(line)
            continue
        if len(block) >= 2 and _SENTENCE_END.search(block[-1]):  # a wrapped paragraph still ends as one
            inner = block[:-1]
            width = max(len(b) for b in inner)
            # The last line of a wrapped paragraph is no longer than the width; a caption glued to a
            # paragraph is shorter than the paragraph line after it.
            wrapped = (width >= 25 and len(block[-1]) <= width * 1.1
                       and all(len(b) >= 0.7 * width and not _is_cruft(b) for b in inner)
                       and sum(bool(_SENTENCE_END.search(b)) for b in inner) * 2 < len(inner))
            if wrapped:
                block = [" ".join(block)]
        out.extend(block)
        out.append("")
        block = []
    return out[:-1]


def strip_text_dump(text: str) -> Article:
    """Strip a plain-text dump of a news page down to its article."""
    lines = _unwrap(_lines(text))
    body, first, last = _select_body(lines)
    if not body:
        raise ExtractError("no article text found")
    non_blank = [ln for ln in lines if ln]
    meta_lines = [ln for i, ln in enumerate(lines) if ln and (i < first or i > last)] + body[:1]
    title = _title_from_lines(lines, first) or _title_from_body(body)
    return Article(
        title=title,
        body="\n\n".join(body),
        date=_date_from_lines([ln for ln in lines[:first] if ln] + [ln for ln in lines[last + 1:] if ln]),
        publisher=_publisher_from_lines(meta_lines) or _publisher_from_lines(non_blank),
        reporter=_reporter_from_lines(meta_lines),
    )


def extract_html(html: str | bytes, url: str | None = None) -> Article:
    """Extract the article and its metadata from an HTML page (str, or bytes in any encoding)."""
    from .extract_html import extract_html_article

    return extract_html_article(html, url)


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml", "<%@")):
        return True
    return len(re.findall(r"</?(html|head|body|div|p|meta|script|span|a)\b", text[:20000], re.I)) >= 5


def extract_bytes(data: bytes, kind: str, name: str | None = None) -> Article:
    """Extract an article from raw bytes of kind "html" or "txt" (HTML is sniffed in "txt" too)."""
    label = name or "input"
    if not data or not data.strip():
        raise ExtractError("empty file")
    if _is_binary(data):
        raise ExtractError("binary file, not text")
    if kind == "html":
        return extract_html(data)
    text = decode_bytes(data)
    if _looks_like_html(text):
        log.debug("%s: text input holds HTML; extracting as HTML", label)
        return extract_html(data)
    return strip_text_dump(text)


def extract_file(path) -> Article:
    """Extract the article from a .html/.htm or text file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ExtractError(f"cannot read {path.name}: {e.strerror or e}") from e
    kind = "html" if path.suffix.lower() in (".html", ".htm", ".xhtml") else "txt"
    return extract_bytes(data, kind, name=path.name)


def _paragraphs(text: str) -> list[str]:
    return [ln for ln in _lines(text) if ln]


def article_from_record(rec: dict) -> Article:
    """Build an Article from a JSONL row without stripping, only whitespace normalisation."""
    if not isinstance(rec, dict):
        raise ExtractError("record is not a JSON object")
    for key in ("title", "body", "date", "publisher", "reporter", "url"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            raise ExtractError(f"field '{key}' is not a string")
    if rec.get("body") is None:
        raise ExtractError("missing body")
    body = _paragraphs(rec["body"])
    if not body:
        raise ExtractError("empty body")

    def clean(key: str) -> str | None:
        value = rec.get(key)
        value = _clean_line(_normalise(value).replace("\n", " ")) if value else None
        return value or None

    return Article(
        title=clean("title") or _title_from_body(body),
        body="\n\n".join(body),
        date=_normalise_date(clean("date")),
        publisher=clean("publisher"),
        reporter=clean("reporter"),
        url=clean("url"),
    )


# --------------------------------------------------------------------------- dates from markup

_KST = timezone(timedelta(hours=9))


def _normalise_date(value: str | None) -> str | None:
    """ISO 8601 local time from a machine date ('2020-08-27T20:27:29+09:00', '20200827', ...).

    Offsets are converted to KST and dropped so that every date in the index compares the same way;
    an unparseable value gives None rather than a guess.
    """
    if not value:
        return None
    value = value.strip()
    iso = value.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", value) else value
    if re.fullmatch(r"\d{8}(\d{4}(\d\d)?)?", value):
        iso = f"{value[:4]}-{value[4:6]}-{value[6:8]}" + (f"T{value[8:10]}:{value[10:12]}" if len(value) >= 12 else "")
        iso += f":{value[12:14]}" if len(value) == 14 else ""
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        m = _DATE_RE.search(value)
        if m:
            return _iso_from_match(m)
        try:  # RFC 2822, as in RSS and some meta tags: "Thu, 02 May 2024 09:15:00 +0900"
            dt = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            log.debug("unparseable date %r ignored", value)
            return None
        iso = "0000-00-00T00:00:00"  # the format below: a time with seconds
    if dt.tzinfo is not None:
        dt = dt.astimezone(_KST).replace(tzinfo=None)
    if "T" not in iso:
        return dt.strftime("%Y-%m-%d")
    seconds = re.search(r"T\d\d:\d\d:\d\d", iso)
    return dt.strftime("%Y-%m-%dT%H:%M:%S" if seconds else "%Y-%m-%dT%H:%M")
