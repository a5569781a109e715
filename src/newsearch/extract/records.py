"""Articles from JSONL rows: the fields as given, only whitespace-normalised; no stripping."""

from __future__ import annotations

from .article import Article, ExtractError, normalise_date, title_from_body
from .lines import clean_line, lines, normalise

__all__ = ["article_from_record"]


def _paragraphs(text: str) -> list[str]:
    return [ln for ln in lines(text) if ln]


def article_from_record(rec: dict) -> Article:
    """Build an Article from a JSONL row without stripping, only whitespace normalisation.

    A row with a title and an empty or null body (a headline, a wire flash) gives an article whose
    body is empty; a row with neither, or without a "body" field, is an ExtractError."""
    if not isinstance(rec, dict):
        raise ExtractError("record is not a JSON object")
    for key in ("title", "body", "date", "publisher", "reporter", "url"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            raise ExtractError(f"field '{key}' is not a string")
    if "body" not in rec:  # a misnamed field must not turn every row into a headline
        raise ExtractError('missing body (a headline without one has "body": "")')
    body = _paragraphs(rec["body"] or "")

    def clean(key: str) -> str | None:
        value = rec.get(key)
        value = clean_line(normalise(value).replace("\n", " ")) if value else None
        return value or None

    # A wire flash or a headline is its title alone: an article with an empty body.
    title = clean("title")
    if not title and not body:
        raise ExtractError("no title and no body")
    return Article(
        title=title or title_from_body(body),
        body="\n\n".join(body),
        date=normalise_date(clean("date")),
        publisher=clean("publisher"),
        reporter=clean("reporter"),
        url=clean("url"),
    )
