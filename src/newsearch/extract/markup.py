"""Title, date and publisher of an HTML page, each chosen by agreement among the page's own signals.

A news page states each of them several times, and any one statement can be wrong: og:title holding the
site's name ("엔터 미디어"), <title> carrying "- 매일경제", "| YTN" or "-정치ㅣ한국일보", the only <h1> being
the logo or the publisher ("데일리안" on Daum), og:site_name naming the portal, a meta date that is the
modification time. So every signal is a witness (a *kind*: og, twitter, JSON-LD, <title>, the visible headline,
labelled text...), each witness proposes values, and the value the most kinds agree on wins. Ties go to the
value more witnesses state as-is (rather than derived, e.g. by dropping a bracketed tag), then to the surer
kind, then to the longer value. A value equal to the site's name or a bare section name ("사회", "뉴스") is
never a title.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from .article import normalise_date
from .lines import DATE_RE, HANGUL, clean_line

__all__ = ["SECTION_NAMES", "Ballot", "date_by_agreement", "name_key", "publisher_by_agreement", "site_names",
           "title_by_agreement", "title_key"]

# Section and navigation names that are never a headline (and that <title> parts may be).
SECTION_NAMES = frozenset(
    "뉴스 뉴스홈 홈 기사 기사본문 본문 기사상세 전체기사 최신뉴스 많이본뉴스 정치 경제 사회 국제 세계 문화 연예 스포츠 오피니언 "
    "사설 칼럼 사설칼럼 생활 라이프 생활문화 과학 it it과학 it/과학 테크 산업 금융 증권 부동산 지역 전국 북한 통일 외교 국방 "
    "국회 정당 행정 법조 법원 검찰 경찰 교육 건강 의료 환경 노동 여성 피플 인물 사람 사람들 포토 영상 동영상 기획 특집 연재 "
    "종합 전체 엔터 방송 게임 자동차 여행 날씨 사건사고 사건 사고 정치일반 사회일반 경제일반 국제일반 문화일반 기업 재계 "
    "비즈 비즈니스 마켓 주식 글로벌 월드 news home politics economy business society world international culture "
    "entertainment sports opinion life tech science".split()
)
_QUOTES = str.maketrans({c: '"' for c in "“”„‟″〃＂"} | {c: "'" for c in "‘’‚‛′＇"})


def title_key(text: str) -> str:
    """What two titles are compared by: case, spaces and the shape of quotation marks do not count."""
    return re.sub(r"\s+", "", text.translate(_QUOTES)).casefold()


def name_key(text: str) -> str:
    """What two names (sites, publishers, sections) are compared by: letters and digits only, any case."""
    return re.sub(r"[\W_]+", "", text).casefold()


_SECTION_KEYS = frozenset(name_key(s) for s in SECTION_NAMES)
# Section names that, in brackets before a headline, are the article's own label and part of its title:
# "[종합] 코로나19 신규확진 44명" is a round-up (like "[속보]", "[단독]"), not the 종합 section.
_LABEL_KEYS = frozenset(name_key(s) for s in ("종합",))


class Ballot:
    """Values proposed by witnesses of several kinds; `winner` is the value the most kinds agree on."""

    def __init__(self, priority: tuple[str, ...], key=title_key):
        self.priority = priority  # kinds, surest first
        self.key = key
        self.kinds: dict[str, set[str]] = {}  # value key -> kinds proposing it
        self.stated: dict[str, set[str]] = {}  # value key -> kinds stating it as-is (not a derived reading)
        self.forms: dict[str, list[tuple[str, str]]] = {}  # value key -> (kind, value as that kind writes it)

    def rank(self, kind: str) -> int:
        return self.priority.index(kind) if kind in self.priority else len(self.priority)

    def add(self, kind: str, value: str, stated: bool = True) -> None:
        key = self.key(value)
        if not key:
            return
        self.kinds.setdefault(key, set()).add(kind)
        if stated:
            self.stated.setdefault(key, set()).add(kind)
        self.forms.setdefault(key, []).append((kind, value))

    def _score(self, key: str) -> tuple:
        kinds = self.kinds[key]
        return len(kinds), len(self.stated.get(key, ())), -min(map(self.rank, kinds)), len(key)

    def winner(self, form_order: tuple[str, ...] | None = None) -> str | None:
        """The winning value as written by its first witness in `form_order` (default: surest kind first)."""
        if not self.kinds:
            return None
        best = max(self.kinds, key=self._score)
        order = form_order or self.priority

        def place(form: tuple[str, str]) -> int:
            return order.index(form[0]) if form[0] in order else len(order)

        return min(self.forms[best], key=place)[1]


# --------------------------------------------------------------------------- site names

_GENERIC_HOST = frozenset("www m mobile news n v imnews sports sport ent biz co kr com net org or go ac re ne tv "
                          "html amp view article articles".split())


def _host_names(url: str | None) -> list[str]:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return []
    return [label for label in host.split(".") if len(label) >= 3 and label not in _GENERIC_HOST]


def site_names(meta: dict[str, str], ld_names: list[str], copyright: list[str], url: str | None) -> set[str]:
    """Keys of every name the page gives the site or the outlet (og:site_name, author and publisher metas,
    JSON-LD organisations, copyright notices, the host): a title part equal to one of them is not the title."""
    values = list(ld_names) + list(copyright) + _host_names(url)
    for key in ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site", "og:article:author",
                "article:author", "author", "writer", "dd:publisher", "twitter:creator", "article:media_name"):
        for part in re.split(r"[|,]", meta.get(key, "")):
            values.append(part.strip().lstrip("@"))
    return {k for k in (name_key(v) for v in values if v and "://" not in v) if len(k) >= 2}


def is_site_or_section(text: str, names: set[str]) -> bool:
    """True for a title part that is one of the site's names or a bare section name (compared by
    `name_key`, whole names only: "대전일보 모바일" is not "대전일보", and "한국일보 창간" is a headline)."""
    key = name_key(text)
    return not key or key in _SECTION_KEYS or key in names


# --------------------------------------------------------------------------- title

# Separators between a headline and the site's name or section in <title> and og:title: " - ", " | ",
# " : ", " :: ", " < ", "｜", "ㅣ" (a Hangul letter used as a bar) and the like.
_TITLE_SEP = re.compile(r"(\s+[-–—|:<>·•]\s+|\s*(?:::|[|｜ㅣ])\s*)")
_LEAD_TAG = re.compile(r"^[\[(【<〈]\s*([^\])】>〉]{1,12}?)\s*[\])】>〉]\s*")
_TAIL_SECTION = re.compile(r"\s*[-–—:>]\s*([^\s\-–—:>]{1,10})$")
_HEADLINE_ATTR = re.compile(r"(?:^|[-_])(?:headline|title|tit|subject|heading|ttl)(?:$|[-_])|(?:headline|title)$", re.I)
_NOT_HEADLINE = re.compile(r"sub|summary|desc|caption|photo|img|thumb|list|rank|popular|relat|recommend|logo|menu|"
                           r"nav|btn|button|tab|banner|foot|copyright|date|time|info|tool|comment|reply|search", re.I)
_HEADLINE_TAGS = frozenset("h1 h2 h3 h4 h5 h6 div p span strong em b header dl dt".split())
_TITLE_FORMS = ("heading", "html", "ld", "og", "twitter", "meta")  # whose writing of the winner is shown
_TITLE_KINDS = ("ld", "og", "heading", "twitter", "html", "meta")  # surest first, for ties


def _drop_section_tags(text: str) -> str:
    """'[사회]제목' -> '제목', '제목-정치' -> '제목': a bracketed or hyphenated section name around a title
    ('[종합]', a round-up label, stays)."""
    for _ in range(2):
        lead = _LEAD_TAG.match(text)
        lead_key = name_key(lead.group(1)) if lead else ""
        if lead_key in _SECTION_KEYS and lead_key not in _LABEL_KEYS and text[lead.end():].strip():
            text = text[lead.end():]
        tail = _TAIL_SECTION.search(text)
        if tail and name_key(tail.group(1)) in _SECTION_KEYS and text[:tail.start()].strip():
            text = text[:tail.start()]
    return text.strip()


def title_readings(text: str, names: set[str]) -> tuple[str, list[str]]:
    """(the title as a witness states it, without the site's name and section parts at its ends;
    other readings: each remaining part, and each reading without a leading bracketed tag)."""
    pieces = _TITLE_SEP.split(text)
    items, seps = pieces[0::2], pieces[1::2]
    lo, hi = 0, len(items)
    while hi - lo > 1 and is_site_or_section(items[hi - 1], names):
        hi -= 1
    while hi - lo > 1 and is_site_or_section(items[lo], names):
        lo += 1
    stated = _drop_section_tags(items[lo] + "".join(seps[j - 1] + items[j] for j in range(lo + 1, hi)))
    others = [items[j].strip() for j in range(lo, hi)] if hi - lo > 1 else []
    for reading in [stated] + others:
        lead = _LEAD_TAG.match(reading)
        if lead and reading[lead.end():].strip():
            others.append(reading[lead.end():].strip())
    return stated, [o for o in others if o and o != stated]


def _is_headline_tag(tag: Tag) -> bool:
    if tag.name == "h1" or tag.get("itemprop") == "headline":
        return True
    if tag.name not in _HEADLINE_TAGS:
        return False
    words = list(tag.get("class") or []) + [tag.get("id") or ""]
    return any(_HEADLINE_ATTR.search(w) and not _NOT_HEADLINE.search(w) for w in words if w)


def headings(soup: BeautifulSoup, limit: int = 40) -> list[str]:
    """Texts of the page's <h1>s and of elements whose class or id names a headline (at most `limit`)."""
    out: list[str] = []
    for tag in soup.find_all(_is_headline_tag):
        text = clean_line(tag.get_text(" ")) if len(out) < limit else ""
        if text and len(text) <= 300 and text not in out:
            out.append(text)
        if len(out) >= limit:
            break
    return out


def _looks_like_title(text: str, names: set[str]) -> bool:
    key = name_key(text)
    if len(key) < 2 or key in names or key in _SECTION_KEYS:
        return False  # never the site's name, never a bare section name
    dated = DATE_RE.search(text)
    return not (dated and len(DATE_RE.sub("", text).strip()) < 10)


def title_by_agreement(witnesses: list[tuple[str, str]], names: set[str]) -> str | None:
    """The title most kinds of witness agree on; `witnesses` are (kind, text) with kinds og, twitter, ld, meta,
    html (<title>) and heading. The result is written as the visible headline writes it when it agrees."""
    ballot = Ballot(_TITLE_KINDS)
    for kind, raw in witnesses:
        text = clean_line(html_lib.unescape(raw or "").replace("\n", " "))
        if not text or len(text) > 500:
            continue
        stated, others = title_readings(text, names)
        if _looks_like_title(stated, names):
            ballot.add(kind, stated)
        for other in others:
            if _looks_like_title(other, names):
                ballot.add(kind, other, stated=False)
    title = ballot.winner(_TITLE_FORMS)
    return clean_line(title) if title else None


# --------------------------------------------------------------------------- date

_DATE_KINDS = ("ld", "meta", "itemprop", "text", "data", "time")


def date_by_agreement(witnesses: list[tuple[str, str | None]]) -> str | None:
    """The publication date whose day the most kinds of witness agree on (modification dates are not
    witnesses); written by the surest kind that gives that day. `witnesses` are (kind, ISO date)."""
    ballot = Ballot(_DATE_KINDS, key=lambda iso: iso[:10])
    for kind, iso in witnesses:
        if iso and re.match(r"\d{4}-\d\d-\d\d", iso):
            ballot.add(kind, iso)
    return ballot.winner()


def normalised_dates(values: list[str]) -> list[str]:
    """ISO dates of machine date strings, unparseable ones left out (each value cut to 64 characters)."""
    out = []
    for value in values:
        iso = normalise_date(value[:64]) if isinstance(value, str) else None
        if iso:
            out.append(iso)
    return out


# --------------------------------------------------------------------------- publisher

# For ties: a site's own name outranks an author field, which on outlets' own pages often holds a reporter
# (on portals the author field names the outlet, and its notice or dateline then agrees with it).
_PUBLISHER_KINDS = ("dateline", "ld", "copyright", "site", "author", "email")
_GENERIC_NAMES = frozenset(name_key(n) for n in "뉴스 news 기사 신문 방송 언론사 홈 home 포털 기자 편집국 편집부".split())
_NOT_A_NAME = re.compile(r"기자|에디터|특파원|논설|위원|@|://|www\.|\.com|\.kr|\d{3}")


def _related(a: str, b: str) -> bool:
    """Two name keys for the same outlet: equal, or one inside the other ('SBS' in 'SBS 뉴스')."""
    if a == b:
        return True
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return len(short) >= 2 and short in long


def _is_person(name: str, page_text: str) -> bool:
    """A reporter's name given as the author ('장가희' where the page says '장가희 기자')."""
    return bool(re.fullmatch(r"[가-힣]{2,4}", name)) and bool(re.search(re.escape(name) + r"\s?(기자|특파원|/ 기자)",
                                                                         page_text))


def publisher_by_agreement(witnesses: list[tuple[str, str]], page_text: str) -> str | None:
    """The outlet the most kinds of witness name. Kinds: dateline ('[서울=뉴시스]'), author (og:article:author,
    article:author, twitter:creator, dd:publisher...), ld (JSON-LD publisher), copyright (notices), site
    (og:site_name: on a portal the portal's name) and email (a reporter's address at a known domain).
    Names count for one another when one contains the other ('SBS', 'SBS 뉴스'); reporters' names do not count."""
    names: list[tuple[str, str, str]] = []  # (kind, name, key)
    for kind, raw in witnesses:
        for part in re.split(r"[|,]", raw or ""):
            name = clean_line(html_lib.unescape(part)).lstrip("@")
            key = name_key(name)
            if (2 <= len(key) <= 30 and key not in _GENERIC_NAMES and not _NOT_A_NAME.search(name)
                    and not (kind == "author" and _is_person(name, page_text))):
                names.append((kind, name, key))
    if not names:
        return None
    rank = {k: i for i, k in enumerate(_PUBLISHER_KINDS)}

    def score(item: tuple[str, str, str]) -> tuple:
        kinds = {k for k, _n, key in names if _related(item[2], key)}
        exact = {k for k, _n, key in names if key == item[2]}
        return len(kinds), len(exact), -rank.get(item[0], len(rank)), bool(HANGUL.search(item[1])), -len(item[2])

    return max(names, key=score)[1]
