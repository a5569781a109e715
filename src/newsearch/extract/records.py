"""Articles from JSONL rows: the fields as given, only whitespace-normalised; no stripping."""

from __future__ import annotations

from .article import Article, ExtractError, normalise_date, title_from_body
from .lines import clean_line, lines, normalise

__all__ = ["article_from_record"]


def _paragraphs(text: str) -> list[str]:
    return [ln for ln in lines(text) if ln]


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
        value = clean_line(normalise(value).replace("\n", " ")) if value else None
        return value or None

    return Article(
        title=clean("title") or title_from_body(body),
        body="\n\n".join(body),
        date=normalise_date(clean("date")),
        publisher=clean("publisher"),
        reporter=clean("reporter"),
        url=clean("url"),
    )
