"""HTML pages: bounded parsing, finding the article container, DOM to lines, metadata by agreement.

The container's text goes through the same line classifier as text dumps (`lines.select_body`), so the
two kinds of input are judged by one set of rules. Title, date and publisher are each chosen by agreement
among the page's signals (`markup`): meta tags, JSON-LD, <title>, visible headlines, labelled dates in the
page's lines, copyright notices and datelines. Work per page is linear and bounded (`dom`): oversized,
overcrowded and overnested pages are refused with a reason.
"""

from __future__ import annotations

import json
import logging
import re
from typing import NamedTuple

from bs4 import BeautifulSoup, Tag

from .article import Article, ExtractError, refuse_oversize, title_from_body
from .dom import PageView, prescan, walk
from .encoding import decode_bytes, sniff_charset
from .lines import REPORTER, REPORTER_STOP, clean_line, is_sentence, lines, normalise, select_body
from .markup import date_by_agreement, headings, normalised_dates, publisher_by_agreement, site_names, \
    title_by_agreement
from .metadata import copyright_names, date_from_lines, dateline_publisher, email_publisher, publisher_from_lines, \
    reporter_from_lines

log = logging.getLogger(__name__)

__all__ = ["CONTAINER_SELECTORS", "extract_html"]

# Article containers of common Korean CMSs and portals, most specific first.
CONTAINER_SELECTORS = [
    "[itemprop=articleBody]", "#dic_area", "#articleBodyContents", "#newsEndContents", "#articeBody",
    "#article-view-content-div", "#articleBody", "#article_body", "#news_body_id", "#newsContent", "#textBody",
    "#articletxt", "#news_content", "#CmAdContent", ".article_body", ".article-body", ".news_cnt_detail_wrap",
    ".article_txt", ".article_view", ".view_con", ".news_view", ".art_body", ".story-news", "#content-body",
]
_DATE_META = ["article:published_time", "og:article:published_time", "og:published_time", "article:published",
              "published_time", "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date.issued",
              "dc.date", "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date", "datepublished",
              "article.published", "nv:news:date", "dable:published_time"]
_TITLE_META = {"og:title": "og", "twitter:title": "twitter", "title": "meta", "dc.title": "meta"}
_AUTHOR_META = ["og:article:author", "article:author", "dd:publisher", "article:media_name", "twitter:creator",
                "author", "writer"]


# --------------------------------------------------------------------------- markup

class _Markup(NamedTuple):
    """What the page's head and JSON-LD say (before the page's text is read)."""

    meta: dict[str, str]
    ld: list[dict]  # Article-like JSON-LD objects, articles first
    url: str | None
    ld_body: str | None  # JSON-LD articleBody, a container candidate


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        value = tag.get("content")
        if isinstance(key, str) and isinstance(value, str) and value.strip():
            out.setdefault(key.strip().lower(), value.strip())
    return out


def _ld_objects(data) -> list[dict]:
    """Article-like objects (NewsArticle, Article, WebPage...) in parsed JSON-LD, walked without recursion."""
    found: list[dict] = []
    stack = [data]
    while stack and len(found) < 50:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node[:100]))
        elif isinstance(node, dict):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and ("Article" in k or k in ("WebPage", "Report")) for k in kinds):
                found.append(node)
            stack.append(node.get("@graph"))
    return found


def _json_ld(soup: BeautifulSoup) -> list[dict]:
    """Article-like JSON-LD objects, articles first (a WebPage object is only a fallback)."""
    found: list[dict] = []
    for tag in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            found.extend(_ld_objects(json.loads(tag.string or "")))
        except (ValueError, TypeError, RecursionError):  # RecursionError: JSON nested thousands deep
            log.debug("unparseable JSON-LD block skipped")
    found.sort(key=lambda d: "Article" not in str(d.get("@type")))
    return found


def _ld_name(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _reporter_name(value: str | None) -> str | None:
    """'스포츠조선=선수민 기자', '홍길동 기자 (hong@x.com)' -> the bare name."""
    if not value:
        return None
    m = REPORTER.search(value[:200])
    if m and m.group(1) not in REPORTER_STOP:
        return m.group(1)
    return None


def _markup(soup: BeautifulSoup, url: str | None) -> _Markup:
    meta = _meta(soup)
    ld = _json_ld(soup)
    canonical = soup.find("link", rel="canonical")
    return _Markup(
        meta=meta, ld=ld,
        url=url or meta.get("og:url") or (canonical.get("href") if canonical else None),
        ld_body=next((o["articleBody"] for o in ld if isinstance(o.get("articleBody"), str)), None),
    )


# --------------------------------------------------------------------------- witnesses

def _title_witnesses(soup: BeautifulSoup, m: _Markup) -> list[tuple[str, str]]:
    out = [(kind, m.meta[key]) for key, kind in _TITLE_META.items() if key in m.meta]
    out += [("ld", o["headline"]) for o in m.ld[:5] if isinstance(o.get("headline"), str)]
    if soup.title and soup.title.string:
        out.append(("html", str(soup.title.string)))
    out += [("heading", text) for text in headings(soup)]
    return out


def _date_witnesses(soup: BeautifulSoup, m: _Markup, text_date: str | None) -> list[tuple[str, str]]:
    out = [("meta", iso) for iso in normalised_dates([m.meta[k] for k in _DATE_META if k in m.meta])]
    out += [("ld", iso) for iso in normalised_dates([o.get("datePublished") for o in m.ld[:5]])]
    tag = soup.find(attrs={"itemprop": "datePublished"})
    if tag:
        out += [("itemprop", iso) for iso in normalised_dates([tag.get("content") or tag.get("datetime")
                                                               or tag.get_text(" ", strip=True)[:64]])]
    tag = soup.find(attrs={"data-date-time": True})  # Naver and others: the machine date of the visible one
    if tag:
        out += [("data", iso) for iso in normalised_dates([tag["data-date-time"]])]
    tag = soup.find("time", attrs={"pubdate": True}) or soup.find("time", attrs={"datetime": True})
    if tag:
        out += [("time", iso) for iso in normalised_dates([tag.get("datetime")])]
    if text_date:
        out.append(("text", text_date))
    return out


def _publisher_witnesses(m: _Markup, copyright: list[str], body: list[str], around: list[str]) -> list:
    out = [("author", m.meta[k]) for k in _AUTHOR_META if k in m.meta]
    out += [("ld", name) for name in (_ld_name(o.get("publisher")) for o in m.ld[:5]) if name]
    out += [("copyright", name) for name in copyright]
    if "og:site_name" in m.meta:
        out.append(("site", m.meta["og:site_name"]))
    dateline = next((d for d in map(dateline_publisher, body[:2]) if d), None)
    if dateline:
        out.append(("dateline", dateline))
    email = email_publisher(around + body[-3:])
    if email:
        out.append(("email", email))
    return out


def _reporter(m: _Markup) -> str | None:
    return next((_reporter_name(_ld_name(o.get("author"))) for o in m.ld if _reporter_name(_ld_name(o.get("author")))),
                None) or _reporter_name(m.meta.get("author")) or _reporter_name(m.meta.get("dable:author"))


# --------------------------------------------------------------------------- container

def _selector_matches(view: PageView, root: Tag) -> list[Tag]:
    """The first element matching each of CONTAINER_SELECTORS (in their order), found in one pass."""
    first: dict[str, Tag] = {}
    for event, tag in walk(root, view.skipped):
        if event != "start" or tag is root:
            continue
        keys = [f"#{tag.get('id')}"] if isinstance(tag.get("id"), str) else []
        keys += [f".{c}" for c in tag.get("class") or []]
        if tag.get("itemprop") == "articleBody":
            keys.append("[itemprop=articleBody]")
        for key in keys:
            first.setdefault(key, tag)
    return [first[sel] for sel in CONTAINER_SELECTORS if sel in first]


def _densest(view: PageView, root: Tag) -> Tag | None:
    """The element holding the most prose directly (readability-style: parents and grandparents score)."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    open_tags: list[Tag] = []
    for event, node in walk(root, view.skipped):
        if event == "start":
            open_tags.append(node)
        elif event == "end":
            open_tags.pop()
        else:
            text = clean_line(str(node))
            if len(text) < 25 or not is_sentence(text):
                continue
            for weight, tag in zip((1.0, 0.5), reversed(open_tags[-2:])):
                if tag.name in ("html", "[document]"):
                    break
                scores[id(tag)] = scores.get(id(tag), 0.0) + weight * len(text)
                tags[id(tag)] = tag
    if not scores:
        return None
    return tags[max(scores, key=scores.get)]


def _first_article(view: PageView, root: Tag) -> Tag | None:
    return next((tag for event, tag in walk(root, view.skipped) if event == "start" and tag.name == "article"), None)


def _candidate_lines(source: Tag | str, view: PageView, root: Tag, ld_body: str | None) -> list[str] | None:
    """The lines of one container candidate: a selector's match, "ld", "article" or "dense"; None if absent."""
    if source == "ld":
        if not ld_body:
            return None
        if "<" not in ld_body:
            return lines(ld_body)
        try:
            prescan(ld_body)  # markup inside JSON is bounded like the page's own
        except ExtractError:
            return None
        return lines(BeautifulSoup(ld_body, "lxml").get_text("\n"))
    if isinstance(source, str):
        source = _first_article(view, root) if source == "article" else _densest(view, root)
        if source is None:
            return None
    return lines(view.text(source))


def _container_body(view: PageView, root: Tag, ld_body: str | None) -> tuple[list[str], list[str]]:
    """(article paragraphs, the lines they came from): the first candidate container holding an article
    (known CMS selectors, JSON-LD articleBody, <article>, the densest element), else the whole page."""
    for source in _selector_matches(view, root) + ["ld", "article", "dense"]:
        container_lines = _candidate_lines(source, view, root, ld_body)
        if container_lines is None:
            continue
        body, _, _ = select_body(container_lines, lenient=True)
        if sum(map(len, body)) >= 80:
            log.debug("article container: %s", getattr(source, "name", source))
            return body, container_lines
    container_lines = lines(view.text(root))
    body, _, _ = select_body(container_lines)
    return body, container_lines


# --------------------------------------------------------------------------- entry point

def _parse(html: str | bytes) -> BeautifulSoup:
    """The page parsed, after the size, element-count and depth bounds (ExtractError past them)."""
    refuse_oversize(len(html))
    text = decode_bytes(html, sniff_charset(html)) if isinstance(html, bytes) else html
    text = normalise(text)
    prescan(text)
    return BeautifulSoup(text, "lxml")


def extract_html(html: str | bytes, url: str | None = None) -> Article:
    """Extract the article and its metadata from an HTML page (str, or bytes in any encoding)."""
    soup = _parse(html)
    view = PageView(soup)
    m = _markup(soup, url)
    root = soup.body or soup
    page_lines = lines(view.text(root, widgets=False))
    body, container_lines = _container_body(view, root, m.ld_body)
    if not body:
        raise ExtractError("no article text found")

    non_blank = [ln for ln in page_lines if ln]
    body_set = set(body)
    around = [ln for ln in container_lines if ln and ln not in body_set]
    copyright = copyright_names(non_blank)
    names = site_names(m.meta, [n for n in (_ld_name(o.get("publisher")) for o in m.ld) if n], copyright, m.url)
    text_date = date_from_lines([ln for ln in non_blank if ln not in body_set])
    publisher = publisher_by_agreement(_publisher_witnesses(m, copyright, body, around), "\n".join(non_blank[:2000]))
    return Article(
        title=title_by_agreement(_title_witnesses(soup, m), names) or title_from_body(body),
        body="\n\n".join(body),
        date=date_by_agreement(_date_witnesses(soup, m, text_date)),
        publisher=publisher or publisher_from_lines(around + body[:1]),
        reporter=_reporter(m) or reporter_from_lines(around + body[:1]) or reporter_from_lines(non_blank),
        url=m.url,
    )
