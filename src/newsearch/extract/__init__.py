"""Boilerplate stripping and metadata extraction for Korean news pages.

Three kinds of input reach the index, and each has its module:

- plain-text dumps of news pages (no DOM, cruft included, like the seeds): `text.strip_text_dump`;
- HTML pages: `html.extract_html` finds the article container (CMS selectors, JSON-LD articleBody,
  <article>, the densest element) and takes title, date and publisher by agreement among the page's
  signals (`markup`: meta tags, JSON-LD, <title>, visible headlines, labelled dates, copyright notices,
  datelines), reporter and url from the markup;
- JSONL rows, taken as given with only whitespace normalised: `records.article_from_record`.

Dumps and HTML end in the same line classifier (`lines.select_body`): every line is scored as article
prose or cruft (share buttons, weather, bylines, captions, related-article lists, comment prompts,
copyright notices), and the densest run of prose between end markers is taken as the article. What
the markup does not name comes from text patterns in the lines (`metadata`). Raw bytes are decoded
by `encoding.decode_bytes` (BOM, declared charset, CP949, detection); `dispatch.extract_bytes` and
`extract_file` refuse empty, binary and oversized input and route the rest by kind. Every result is an
`article.Article`; every refusal an `ExtractError` with a one-line reason.

Work per document is linear and bounded: documents over `article.MAX_DOCUMENT_BYTES` (16 MiB) are refused
unread, the classifier's patterns are linear in a line's length (very long lines are judged by their ends),
and `dom` refuses, before parsing, pages with more than `dom.MAX_ELEMENTS` elements or nested deeper than
`dom.MAX_DEPTH`, then reads the tree without recursion and without changing it.

Modules import only downwards: lines <- article, encoding <- metadata, dom, markup <- text, html,
records <- dispatch <- this package. Nothing here guesses: a value that is not found is None.
"""

from __future__ import annotations

from .article import Article, ExtractError, fallback_title
from .encoding import decode_bytes
from .records import article_from_record
from .text import strip_text_dump

# The HTML side (BeautifulSoup, lxml) is imported when first used: a query process never reads a page, and
# importing it is a tenth of `newsearch query`'s cold start.
_LAZY = {"extract_bytes": "dispatch", "extract_file": "dispatch", "extract_html": "html"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "Article",
    "ExtractError",
    "decode_bytes",
    "strip_text_dump",
    "extract_html",
    "extract_bytes",
    "extract_file",
    "article_from_record",
    "fallback_title",
]
