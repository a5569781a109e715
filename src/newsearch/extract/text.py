"""Plain-text dumps of news pages (no DOM, cruft included, like the seeds) stripped to their article."""

from __future__ import annotations

from .article import Article, ExtractError, refuse_oversize, title_from_body
from .lines import SENTENCE_END, is_cruft, lines, select_body
from .metadata import date_from_lines, publisher_from_lines, reporter_from_lines, title_from_lines

__all__ = ["strip_text_dump"]


def _unwrap(page: list[str]) -> list[str]:
    """Join hard-wrapped paragraphs (blocks of near-equal-length lines not ending in full stops).

    Dumps copied from a terminal or e-mail wrap at a fixed width; one paragraph a line is what the
    classifier expects. Blocks of ragged lines (decks, lists, captions glued to a paragraph) stay as they are.
    """
    out: list[str] = []
    block: list[str] = []
    for line in page + [""]:
        if line:
            block.append(line)
            continue
        if len(block) >= 2 and SENTENCE_END.search(block[-1]):  # a wrapped paragraph still ends as one
            inner = block[:-1]
            width = max(len(b) for b in inner)
            # The last line of a wrapped paragraph is no longer than the width; a caption glued to a
            # paragraph is shorter than the paragraph line after it.
            wrapped = (width >= 25 and len(block[-1]) <= width * 1.1
                       and all(len(b) >= 0.7 * width and not is_cruft(b) for b in inner)
                       and sum(bool(SENTENCE_END.search(b)) for b in inner) * 2 < len(inner))
            if wrapped:
                block = [" ".join(block)]
        out.extend(block)
        out.append("")
        block = []
    return out[:-1]


def strip_text_dump(text: str) -> Article:
    """Strip a plain-text dump of a news page down to its article."""
    refuse_oversize(len(text))
    page = _unwrap(lines(text))
    body, first, last = select_body(page)
    if not body:
        raise ExtractError("no article text found")
    non_blank = [ln for ln in page if ln]
    meta_lines = [ln for i, ln in enumerate(page) if ln and (i < first or i > last)] + body[:1]
    title = title_from_lines(page, first) or title_from_body(body)
    return Article(
        title=title,
        body="\n\n".join(body),
        date=date_from_lines([ln for ln in page[:first] if ln] + [ln for ln in page[last + 1:] if ln]),
        publisher=publisher_from_lines(meta_lines) or publisher_from_lines(non_blank),
        reporter=reporter_from_lines(meta_lines),
    )
