"""A query's newest results as an Atom feed (RFC 4287): what readers subscribe to (`/search.atom?q=`).

This module decides what the feed says (ids, titles, dates, summaries); `web/templates/atom.xml` writes it.
Ids are `urn:uuid:` names derived from the article id and from the query, so that they stay the same
whatever host name the site is reached by, and an entry keeps its id from one poll to the next.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .model import Results

# Entries in a feed: the newest results of the query.
FEED_SIZE = 20
# An article date without a zone is Korean time (the archive is Korean news).
KST = timezone(timedelta(hours=9), "KST")
# Where every id of this site's feeds is derived from (uuid5); never change it, or readers see all entries anew.
# Characters XML 1.0 cannot carry at all, even escaped (controls, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NAMESPACE = uuid.UUID("553ae04e-4ebe-43f0-a495-640b4eebb1b6")


@dataclass
class Entry:
    """One article of the feed."""

    id: str  # urn:uuid:…
    doc_id: str  # the article's id in the index (the template links to its page)
    title: str
    updated: str  # RFC 3339
    published: str | None  # RFC 3339, None for an undated article
    summary_html: str  # the snippet, `<mark>`ed
    publisher: str | None
    url: str | None  # the original article, when it is an http(s) link


@dataclass
class Feed:
    """A query's feed: its id, title, the newest date of its entries, and the entries newest first."""

    id: str
    title: str
    updated: str
    query: str
    entries: list[Entry] = field(default_factory=list)


def rfc3339(value: str | None) -> str | None:
    """An article date (`YYYY-MM-DD`, or with a time, with or without an offset) as an RFC 3339 date-time;
    None for no date or one that cannot be read. A date or time without a zone is taken as Korean time."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=KST)
    return when.isoformat(timespec="seconds")


def xml_text(text: str | None) -> str:
    """`text` without the characters an XML document cannot hold (an article may carry any)."""
    return _NOT_XML.sub("", text or "")


def entry_id(doc_id: str) -> str:
    """The article's id in every feed: the same entry in two queries' feeds is one entry to a reader."""
    return _urn(("article", doc_id))


def feed_id(query: str, filters: dict) -> str:
    """The id of the feed of `query` under `filters` (publisher, dates, …): stable across polls and hosts."""
    key = [("query", query)] + sorted((k, str(v)) for k, v in filters.items() if v not in (None, ""))
    return _urn(("feed", *map(repr, key)))


def _urn(parts: tuple) -> str:
    return "urn:uuid:" + str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def build(results: Results, filters: dict, title: str, fallback: datetime, safe_url=None) -> Feed:
    """The feed of a newest-first page of `results` under `filters`. The feed is as new as its newest dated
    article; an undated article takes that date, and a feed of undated articles only takes `fallback` (Atom
    requires both dates). `safe_url` keeps an original URL only when it is a safe link."""
    published = [rfc3339(hit.date) for hit in results.hits]
    dated = [p for p in published if p]
    updated = max(dated, key=datetime.fromisoformat) if dated else rfc3339(fallback.astimezone(KST).isoformat())
    entries = [Entry(id=entry_id(hit.id), doc_id=hit.id, title=xml_text(hit.title) or "(제목 없음)",
                     updated=when or updated, published=when, summary_html=xml_text(hit.snippet_html),
                     publisher=xml_text(hit.publisher) or None,
                     url=safe_url(hit.url) if safe_url else hit.url)
               for hit, when in zip(results.hits, published)]
    query = results.searched or results.query
    return Feed(id=feed_id(query, filters), title=xml_text(title), updated=updated, query=xml_text(query),
                entries=entries)
