"""HTML pages: metadata from markup, finding the article container, DOM to lines.

The container's text goes through the same line classifier as text dumps (`lines.select_body`), so the
two kinds of input are judged by one set of rules; what the markup does not name is looked for in the
page's lines (`metadata`).
"""

from __future__ import annotations

import json
import logging
import re
from typing import NamedTuple

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .article import Article, ExtractError, normalise_date, title_from_body
from .encoding import decode_bytes, sniff_charset
from .lines import REPORTER, REPORTER_STOP, clean_line, is_sentence, lines, normalise, select_body
from .metadata import date_from_lines, publisher_from_lines, reporter_from_lines

log = logging.getLogger(__name__)

__all__ = ["CONTAINER_SELECTORS", "extract_html"]

# Article containers of common Korean CMSs and portals, most specific first.
CONTAINER_SELECTORS = [
    "[itemprop=articleBody]", "#dic_area", "#articleBodyContents", "#newsEndContents", "#articeBody",
    "#article-view-content-div", "#articleBody", "#article_body", "#news_body_id", "#newsContent", "#textBody",
    "#articletxt", "#news_content", "#CmAdContent", ".article_body", ".article-body", ".news_cnt_detail_wrap",
    ".article_txt", ".article_view", ".view_con", ".news_view", ".art_body", ".story-news", "#content-body",
]
_DROP_TAGS = ["script", "style", "noscript", "template", "iframe", "svg", "canvas", "nav", "header", "footer",
              "aside", "form", "button", "select", "input", "textarea", "figcaption", "video", "audio", "object",
              "embed", "map", "dialog"]
# id/class words of widgets that sit inside or around articles: comments, share bars, related lists,
# captions, reporter boxes, ads. Matched on whole words of the attribute so that "article" is safe.
_WIDGET = re.compile(
    r"(^|[\s_-])(comments?|cmt|reply|replies|share|sharing|sns|social|related|relation|recommend|popular|"
    r"ranking|most[-_]?read|banner|ads?|advert|advertisement|sponsor|promo|subscribe|copyright|byline|"
    r"reporter|journalist|profile|img_desc|caption|photo_desc|desc_img|txt_caption|font[-_]?size|print|"
    r"toolbar|tool|util|breadcrumb|tags?|keyword|newsstand|guide_categorization|link_news|"
    r"pagination|paging|popup|modal|layer)($|[\s_-])",
    re.I,
)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td",
               "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "center", "address",
               "hr", "tbody", "thead"}
_DATE_META = ["article:published_time", "og:article:published_time", "og:published_time", "article:published",
              "published_time", "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date.issued",
              "dc.date", "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date", "datepublished",
              "article.published", "nv:news:date", "dable:published_time"]


# --------------------------------------------------------------------------- metadata from markup

class _Markup(NamedTuple):
    """What the page's markup (meta tags, JSON-LD, a few attributes) says about the article."""

    title: str | None
    date: str | None
    publisher: str | None
    reporter: str | None
    url: str | None
    ld_body: str | None  # JSON-LD articleBody, a container candidate


def _meta(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        value = tag.get("content")
        if key and value and value.strip():
            out.setdefault(key.strip().lower(), value.strip())
    return out


def _json_ld(soup: BeautifulSoup) -> list[dict]:
    """Article-like JSON-LD objects (NewsArticle, Article, ...), flattened out of lists and @graph."""
    found: list[dict] = []

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and ("Article" in k or k in ("WebPage", "Report")) for k in kinds):
                found.append(node)
            walk(node.get("@graph"))

    for tag in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            walk(json.loads(tag.string or ""))
        except (ValueError, TypeError):
            log.debug("unparseable JSON-LD block skipped")
    # Articles first: a WebPage object is only a fallback.
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
    m = REPORTER.search(value)
    if m and m.group(1) not in REPORTER_STOP:
        return m.group(1)
    return None


def _markup_title(soup: BeautifulSoup, meta: dict[str, str], ld: list[dict]) -> str | None:
    title = (meta.get("og:title") or meta.get("twitter:title") or next(
        (o["headline"] for o in ld if isinstance(o.get("headline"), str)), None) or meta.get("title"))
    if not title:
        heading = soup.find(["h1", "h2"]) or soup.find("title")
        title = heading.get_text(" ", strip=True) if heading else None
    return title


def _markup_date(soup: BeautifulSoup, meta: dict[str, str], ld: list[dict]) -> str | None:
    for key in _DATE_META:
        if key in meta:
            return normalise_date(meta[key])
    for obj in ld:
        if isinstance(obj.get("datePublished"), str):
            return normalise_date(obj["datePublished"])
    tag = soup.find(attrs={"itemprop": "datePublished"})
    if tag:
        value = tag.get("content") or tag.get("datetime") or tag.get_text(" ", strip=True)
        if value:
            return normalise_date(value)
    # Naver and several CMSs put the machine date on a data attribute of the visible date.
    tag = soup.find(attrs={"data-date-time": True})
    if tag:
        return normalise_date(tag["data-date-time"])
    tag = soup.find("time", attrs={"pubdate": True}) or soup.find("time", attrs={"datetime": True})
    if tag and tag.get("datetime"):
        return normalise_date(tag["datetime"])
    return None


def _markup_publisher(meta: dict[str, str], ld: list[dict]) -> str | None:
    return (next((_ld_name(o.get("publisher")) for o in ld if _ld_name(o.get("publisher"))), None)
            or meta.get("og:site_name") or meta.get("og:article:author", "").split("|")[0].strip() or None)


def _markup_reporter(meta: dict[str, str], ld: list[dict]) -> str | None:
    return next((_reporter_name(_ld_name(o.get("author"))) for o in ld if _reporter_name(_ld_name(o.get("author")))), None) \
        or _reporter_name(meta.get("author")) or _reporter_name(meta.get("dable:author"))


def _markup(soup: BeautifulSoup, url: str | None) -> _Markup:
    """Metadata from the untouched soup (before `_prepare` drops scripts and heads)."""
    meta = _meta(soup)
    ld = _json_ld(soup)
    return _Markup(
        title=_markup_title(soup, meta, ld),
        date=_markup_date(soup, meta, ld),
        publisher=_markup_publisher(meta, ld),
        reporter=_markup_reporter(meta, ld),
        url=url or meta.get("og:url") or (soup.find("link", rel="canonical") or {}).get("href"),
        ld_body=next((o["articleBody"] for o in ld if isinstance(o.get("articleBody"), str)), None),
    )


# --------------------------------------------------------------------------- DOM to lines, container

def _is_widget(tag: Tag) -> bool:
    attrs = " ".join([tag.get("id") or ""] + list(tag.get("class") or []))
    return bool(attrs.strip()) and bool(_WIDGET.search(attrs))


def _prepare(soup: BeautifulSoup) -> None:
    """Drop non-content tags and make block boundaries and <br> into line breaks."""
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(NavigableString("\n"))
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before(NavigableString("\n"))
        tag.insert_after(NavigableString("\n"))


def _drop_widgets(root: Tag) -> None:
    for tag in root.find_all(_is_widget):
        if tag.decomposed or tag.name in ("html", "body"):
            continue
        # A widget word on a huge block is more likely a layout class around the article itself.
        if len(tag.get_text()) > 5000 and not re.search(r"comment|reply|cmt", str(tag.get("class")) + str(tag.get("id")), re.I):
            continue
        tag.decompose()


def _densest(root: Tag) -> Tag | None:
    """The element holding the most prose directly (readability-style: parents and grandparents score)."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for node in root.find_all(string=True):
        text = clean_line(str(node))
        if len(text) < 25 or not is_sentence(text):
            continue
        parent = node.parent
        for weight in (1.0, 0.5):
            if parent is None or parent.name in ("html", "[document]"):
                break
            scores[id(parent)] = scores.get(id(parent), 0.0) + weight * len(text)
            tags[id(parent)] = parent
            parent = parent.parent
    if not scores:
        return None
    return tags[max(scores, key=scores.get)]


def _candidate_lines(source: Tag | str, root: Tag, ld_body: str | None) -> list[str] | None:
    """The lines of one container candidate: a selector's match, "ld", "article" or "dense"; None if absent."""
    if source == "ld":
        if not ld_body:
            return None
        return lines(BeautifulSoup(ld_body, "lxml").get_text("\n") if "<" in ld_body else ld_body)
    if source == "article":
        tag = root.find("article")
        return None if tag is None else lines(tag.get_text())
    if source == "dense":
        tag = _densest(root)
        return None if tag is None else lines(tag.get_text())
    return lines(source.get_text())


def _container_body(root: Tag, ld_body: str | None) -> tuple[list[str], list[str]]:
    """(article paragraphs, the lines they came from): the first candidate container holding an article
    (known CMS selectors, JSON-LD articleBody, <article>, the densest element), else the whole page."""
    candidates = [c for sel in CONTAINER_SELECTORS for c in root.select(sel)[:1]]
    for source in candidates + ["ld", "article", "dense"]:
        container_lines = _candidate_lines(source, root, ld_body)
        if container_lines is None:
            continue
        body, _, _ = select_body(container_lines, lenient=True)
        if sum(map(len, body)) >= 80:
            log.debug("article container: %s", getattr(source, "name", source))
            return body, container_lines
    container_lines = lines(root.get_text())
    body, _, _ = select_body(container_lines)
    return body, container_lines


# --------------------------------------------------------------------------- entry point

def extract_html(html: str | bytes, url: str | None = None) -> Article:
    """Extract the article and its metadata from an HTML page (str, or bytes in any encoding)."""
    text = decode_bytes(html, sniff_charset(html)) if isinstance(html, bytes) else html
    soup = BeautifulSoup(normalise(text), "lxml")
    markup = _markup(soup, url)

    _prepare(soup)
    root = soup.body or soup
    page_lines = lines(root.get_text())
    _drop_widgets(root)
    body, container_lines = _container_body(root, markup.ld_body)
    if not body:
        raise ExtractError("no article text found")

    non_blank = [ln for ln in page_lines if ln]
    body_set = set(body)
    around = [ln for ln in container_lines if ln and ln not in body_set]
    date = markup.date or date_from_lines([ln for ln in non_blank if ln not in body_set])
    return Article(
        title=clean_line(markup.title) if markup.title else title_from_body(body),
        body="\n\n".join(body),
        date=date,
        publisher=markup.publisher or publisher_from_lines(around + body[:1]),
        reporter=markup.reporter or reporter_from_lines(around + body[:1]) or reporter_from_lines(non_blank),
        url=markup.url,
    )
