"""Metadata from text lines: publication date, publisher, reporter and title.

Used for text dumps and, where the markup names nothing, for HTML pages. Nothing here guesses: a value
that is not found is None.
"""

from __future__ import annotations

import re

from .article import iso_from_match, title_from_body
from .lines import DATE_RE, EMAIL, END_MARKER, HANGUL, REPORTER, REPORTER_STOP, is_cruft, is_sentence

__all__ = [
    "copyright_names",
    "date_from_lines",
    "dateline_publisher",
    "email_publisher",
    "publisher_from_lines",
    "reporter_from_lines",
    "title_from_body",
    "title_from_lines",
]

# --------------------------------------------------------------------------- date

_PUBLISHED_LABEL = re.compile(r"(기사\s*입력|최초\s*입력|입력|등록|승인|발행|게재|작성|송고|published|posted)\s*"
                              r"(일시|일자|시간|일)?\s*[:：]?\s*$", re.I)
_MODIFIED_LABEL = re.compile(r"(수정|업데이트|갱신|updated|modified)\s*(일시|일자|시간|일)?\s*[:：]?\s*$", re.I)


def _label_before(line: str, start: int, previous: str) -> str:
    """The text a date at `start` follows: the 12 characters before it, or the previous line when the
    date opens its line ("입력" and the date in separate elements, as many CMSs print them)."""
    before = line[max(0, start - 12):start]
    if not before.strip() and len(previous) <= 15:
        return previous
    return before


def date_from_lines(lines: list[str]) -> str | None:
    """Publication date from text: a labelled date (입력/등록...) wins, else a dated byline line.

    A bare date without a time on a line naming the weekday is the site header's 'today' and is skipped;
    dates inside long lines (prose, related-article lists) are never taken unlabelled.
    """
    unlabelled = None
    previous = ""
    for line in lines:
        rest = None  # the line without its dates, computed once per line
        for m in DATE_RE.finditer(line):
            before = _label_before(line, m.start(), previous)
            iso = iso_from_match(m)
            if not iso:
                continue
            if _PUBLISHED_LABEL.search(before):
                return iso
            if _MODIFIED_LABEL.search(before) or unlabelled or len(line) > 100:
                continue
            rest = DATE_RE.sub("", line) if rest is None else rest
            if len(rest.strip()) > 60 and not REPORTER.search(line):
                continue
            if "T" in iso or REPORTER.search(line) or EMAIL.search(line):
                unlabelled = iso
        previous = line
    return unlabelled


# --------------------------------------------------------------------------- publisher

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


# A copyright notice naming the outlet: "Copyright ⓒ 연합뉴스.", "저작권자(c)연합뉴스", "ⓒ SBS & ...",
# "저작권자ⓒ CBS 노컷뉴스(www.nocutnews.co.kr)", "Copyright ⓒ MBN(매일방송)", "저작권자 ⓒ '대중문화컨텐츠
# 전문가그룹' 엔터미디어(...)" (a quoted motto before the name is not the name). The name runs to the first
# stop word, bracket or full stop; a word in brackets right after it is a second name for the outlet.
_NOTICE = re.compile(r"무단|재배포|copyright|저작권|all\s*rights", re.I)
_COPYRIGHT_MARK = re.compile(r"(?:copyrights?|저작권자?\s*(?=[(\[]?\s*(?:ⓒ|©|\(c\))))\s*|ⓒ|©", re.I)
_COPYRIGHT_LEAD = re.compile(r"^(?:\s|ⓒ|©|\(c\)|[(\[:]|by\b|since\b|\d{4}(?:\s*[-~]\s*\d{4})?"
                             r"|'[^']{1,40}'(?=\s)|‘[^’]{1,40}’(?=\s)|\"[^\"]{1,40}\"(?=\s)|“[^”]{1,40}”(?=\s))+", re.I)
_COPYRIGHT_STOP = re.compile(r"\s*(?:[.,;:|&<>()\]}\[]|무단|all\s*rights|some\s*rights|의\s|은\s|는\s|$)", re.I)
_NAME_IN_BRACKETS = re.compile(r"^\(([가-힣A-Za-z0-9 ]{2,20})\)")


def copyright_names(lines: list[str], limit: int = 20) -> list[str]:
    """Outlet names in copyright notices, in page order, without repeats (at most `limit`)."""
    names: list[str] = []
    for line in lines:
        if len(line) > 300 or not _NOTICE.search(line):
            continue
        for mark in _COPYRIGHT_MARK.finditer(line):
            rest = _COPYRIGHT_LEAD.sub("", line[mark.end():mark.end() + 80])
            stop = _COPYRIGHT_STOP.search(rest)
            name = rest[:stop.start()].strip()
            if re.match(r"\.(com|co|kr|net|org|tv)\b", rest[stop.start():], re.I):
                continue  # "Copyright by donga.com": a domain, not the outlet's name
            found = [name]
            alias = _NAME_IN_BRACKETS.match(rest[stop.start():].lstrip())
            if alias:
                found.append(alias.group(1).strip())
            for n in found:
                if 2 <= len(n) <= 30 and n.lower() not in ("by", "since", "the") and n not in names:
                    names.append(n)
        if len(names) >= limit:
            break
    return names[:limit]


def dateline_publisher(line: str) -> str | None:
    """The outlet a dateline names: "[서울=뉴시스] 홍길동 기자", "(포항=연합뉴스) 임상현 기자 = ..."."""
    m = _DATELINE.match(line[:80])
    if m and m["place"] not in ("사진", "영상", "그래픽"):
        return m["pub"].strip()
    return None


def email_publisher(lines: list[str]) -> str | None:
    """The outlet a known e-mail domain in the lines names (the reporter's address)."""
    for line in lines:
        if "@" not in line:
            continue
        for email in EMAIL.findall(line):
            domain = email.rsplit("@", 1)[1].lower()
            for known, name in _EMAIL_PUBLISHERS.items():
                if domain == known or domain.endswith("." + known):
                    return name
    return None


def publisher_from_lines(lines: list[str]) -> str | None:
    """Publisher from a copyright notice, a dateline, a "매체 이름 기자" line or a known e-mail domain."""
    for line in lines:
        if re.search(r"무단|재배포|ⓒ|©|copyright|저작권", line, re.I):
            m = _COPYRIGHT_NAME.search(line)
            if m and HANGUL.search(m.group(1)) and m.group(1) not in ("무단전재", "저작권자"):
                return m.group(1)
    for line in lines:
        m = _DATELINE.match(line)
        if m and m["place"] not in ("사진", "영상", "그래픽"):
            return m["pub"].strip()
    for line in lines:
        m = re.match(r"^([가-힣A-Za-z0-9]{2,12})\s+([가-힣]{2,4})\s?기자\s*$", line)
        if m:
            return m.group(1)
    return email_publisher(lines)


# --------------------------------------------------------------------------- reporter

# Desk and service mailboxes: the name before them is the outlet's, not a reporter's.
_SHARED_MAILBOX = re.compile(r"^(webmaster|master|admin|info|help|news|press|contact|editor|desk|jebo|report|tip|"
                             r"opinion|ad|sales|service|cs|support|mail|media|pr)\d*$", re.I)


def reporter_from_lines(lines: list[str]) -> str | None:
    """Reporter name from bylines, datelines and sign-offs; body prose is not searched."""
    for line in lines:
        if len(line) > 80 and not _DATELINE.match(line):
            continue
        for m in REPORTER.finditer(line[:80]):
            if m.group(1) not in REPORTER_STOP:
                return m.group(1)
    for line in lines:  # "임재현 jaehyun@ddaily.co.kr": a name right before an address
        if len(line) >= 80 or "@" not in line:
            continue
        m = re.search(r"(?<![가-힣])([가-힣]{2,4})\s+([\w.+-]+)@[\w-]+\.", line)
        if (m and m.group(1) not in REPORTER_STOP and not _SHARED_MAILBOX.match(m.group(2))
                and m.group(1) not in _EMAIL_PUBLISHERS.values()):
            return m.group(1)
    return None


# --------------------------------------------------------------------------- title

def title_from_lines(lines: list[str], body_start: int) -> str | None:
    """The most headline-like line before the body: not cruft, not prose, unlike a deck or kicker.

    When there is none, callers fall back to `title_from_body` (defined with the Article model, which
    needs it too, and re-exported here).
    """
    head = lines[:max(body_start, 0)]
    counts: dict[str, int] = {}
    for line in head:
        counts[line] = counts.get(line, 0) + 1
    best, best_score = None, float("-inf")
    for i, line in enumerate(head):
        if not line or is_cruft(line) or END_MARKER.search(line) or is_sentence(line):
            continue
        if len(line) < 8 or not HANGUL.search(line) or DATE_RE.search(line):
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
