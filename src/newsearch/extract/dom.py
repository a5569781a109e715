"""The parsed page as the extractor reads it: bounded before parsing, walked without recursion, never mutated.

Every pass here is linear in the size of the page, whatever its shape:

- `prescan` reads the raw markup once (a tokenizer over tag names, skipping comments, scripts and styles)
  and refuses, before BeautifulSoup builds a tree, a page with more than `MAX_ELEMENTS` elements or with
  elements nested deeper than `MAX_DEPTH` (the parser and any per-level work would otherwise be unbounded:
  100,000 nested <div>s took minutes);
- `walk` yields start/text/end events depth-first with an explicit stack (no recursion, so no depth limit of
  Python's own), skipping the subtrees a caller names;
- `PageView` reads the tree once more to learn which elements are widgets and how much text each holds,
  and then gives the text of any element with block boundaries as line breaks. Nothing is inserted into or
  removed from the tree (bs4's insert walks to the last descendant, which made nested pages quadratic).
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from .article import ExtractError

__all__ = ["BLOCK_TAGS", "DROP_TAGS", "MAX_DEPTH", "MAX_ELEMENTS", "PageView", "is_widget", "prescan", "walk"]

MAX_DEPTH = 1000  # elements nested in one another; news pages stay under 30 (24 the most seen)
MAX_ELEMENTS = 100_000  # elements in one page; news pages have a few thousand (1,532 the most seen)

DROP_TAGS = frozenset(["script", "style", "noscript", "template", "iframe", "svg", "canvas", "nav", "header", "footer",
                       "aside", "form", "button", "select", "input", "textarea", "figcaption", "video", "audio",
                       "object", "embed", "map", "dialog", "head", "title", "meta", "link"])
BLOCK_TAGS = frozenset(["p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
                        "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "center",
                        "address", "hr", "tbody", "thead"])
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
_COMMENT_WIDGET = re.compile(r"comment|reply|cmt", re.I)
_BIG_LAYOUT = 5000  # characters: a widget word on a block this large is a layout class around the article
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


# --------------------------------------------------------------------------- before parsing

_MARKUP = re.compile(r"<(?:(!--)|(/?)([A-Za-z][A-Za-z0-9:._-]*))")
_RAW_TEXT = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                   "source", "track", "wbr", "basefont", "frame", "isindex", "nextid", "bgsound"])
# Start tags that close an open element of the listed kinds first (HTML's implied end tags, simplified).
_CLOSES = {"p": {"p"}, "li": {"li", "p"}, "dt": {"dt", "dd", "p"}, "dd": {"dt", "dd", "p"}, "tr": {"td", "th", "tr"},
           "td": {"td", "th"}, "th": {"td", "th"}, "option": {"option"}}
_CLOSES.update({name: {"p"} for name in ("div", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                                         "section", "article", "blockquote", "pre", "form", "hr", "address")})


def _open(stack: list[str], open_count: dict[str, int], name: str) -> None:
    closes = _CLOSES.get(name)
    while closes and stack and stack[-1] in closes:
        open_count[stack.pop()] -= 1
    stack.append(name)
    open_count[name] = open_count.get(name, 0) + 1


def _close(stack: list[str], open_count: dict[str, int], name: str) -> None:
    if not open_count.get(name):
        return  # a stray end tag: parsers ignore it
    while stack:  # pops are paid for by the pushes: linear overall
        top = stack.pop()
        open_count[top] -= 1
        if top == name:
            return


def prescan(markup: str) -> None:
    """Refuse (ExtractError) a page too deeply nested or with too many elements to parse in bounded time."""
    stack: list[str] = []
    open_count: dict[str, int] = {}
    elements = 0
    pos = 0
    while True:
        m = _MARKUP.search(markup, pos)
        if m is None:
            return
        if m.group(1):  # a comment runs to "-->"
            end = markup.find("-->", m.end())
            pos = len(markup) if end < 0 else end + 3
            continue
        name = m.group(3).lower()
        pos = m.end()
        if m.group(2):
            _close(stack, open_count, name)
            continue
        elements += 1
        if elements > MAX_ELEMENTS:
            raise ExtractError(f"more than {MAX_ELEMENTS} elements")
        if name in _RAW_TEXT:  # script and style hold text, not markup
            end = _RAW_TEXT[name].search(markup, pos)
            pos = len(markup) if end is None else end.end()
        elif name not in _VOID:
            _open(stack, open_count, name)
            if len(stack) > MAX_DEPTH:
                raise ExtractError(f"nesting deeper than {MAX_DEPTH} elements")


# --------------------------------------------------------------------------- walking the tree

def walk(top: Tag, skip: Callable[[Tag], bool] | None = None) -> Iterator[tuple[str, object]]:
    """("start", tag), ("text", string), ("end", tag) events under `top`, depth-first, without recursion.

    A tag for which `skip` is true is passed over with everything in it; comments, doctypes and
    processing instructions are not text.
    """
    yield "start", top
    stack = [(top, iter(top.contents))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield "end", parent
        elif isinstance(child, Tag):
            if skip is None or not skip(child):
                yield "start", child
                stack.append((child, iter(child.contents)))
        elif isinstance(child, NavigableString) and not isinstance(child, _NOT_TEXT):
            yield "text", child


def is_widget(tag: Tag) -> bool:
    """True for an element whose id or class names a widget (comments, share bar, related list, ...)."""
    attrs = " ".join([tag.get("id") or ""] + list(tag.get("class") or []))
    return bool(attrs.strip()) and bool(_WIDGET.search(attrs))


class PageView:
    """The page's elements as the extractor reads them: dropped tags and (optionally) widgets left out."""

    def __init__(self, soup: BeautifulSoup):
        self.soup = soup
        self._widgets: set[int] = set()
        self._measure(soup)

    def _measure(self, soup: BeautifulSoup) -> None:
        """One pass: the depth check on the real tree, each element's text length, the widgets to skip."""
        sizes: list[int] = [0]  # text length of each open element, innermost last
        open_tags: list[Tag] = []
        for event, node in walk(soup, self._dropped):
            if event == "text":
                sizes[-1] += len(node)
            elif event == "start":
                open_tags.append(node)
                sizes.append(0)
                if len(open_tags) > MAX_DEPTH + 1:  # +1: the soup object itself
                    raise ExtractError(f"nesting deeper than {MAX_DEPTH} elements")
            else:
                tag, size = open_tags.pop(), sizes.pop()
                sizes[-1] += size
                if tag.name not in ("html", "body", "[document]") and is_widget(tag):
                    # A widget word on a huge block is more likely a layout class around the article itself.
                    ident = str(tag.get("class")) + str(tag.get("id"))
                    if size <= _BIG_LAYOUT or _COMMENT_WIDGET.search(ident):
                        self._widgets.add(id(tag))

    @staticmethod
    def _dropped(tag: Tag) -> bool:
        return tag.name in DROP_TAGS

    def skipped(self, tag: Tag) -> bool:
        """True for a dropped tag or a widget (what container text leaves out)."""
        return tag.name in DROP_TAGS or id(tag) in self._widgets

    def skipper(self, widgets: bool) -> Callable[[Tag], bool]:
        return self.skipped if widgets else self._dropped

    def text(self, top: Tag, widgets: bool = True) -> str:
        """The text under `top`, block boundaries and <br> as line breaks; widgets left out unless asked."""
        out: list[str] = []
        for event, node in walk(top, self.skipper(widgets)):
            if event == "text":
                out.append(str(node))
            elif node.name in BLOCK_TAGS or (node.name == "br" and event == "start"):
                out.append("\n")
        return "".join(out)
