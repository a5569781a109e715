"""How a name is searched: the index terms of an entity name and the key a query's name becomes.

`인물:오바마` finds `버락 오바마` and `인물:버락오바마` finds it too: a name is indexed whole without
spaces and by each of its spaced parts; Latin letters are case-folded (`기관:kt` finds `KT`).
"""

from __future__ import annotations

# The entity fields of the index, and the query language's prefixes for them.
KINDS = ("people", "orgs", "places")
MAX_MENTIONS = 20  # a name's weight in its field grows with its mentions, up to this many


def name_key(name: str) -> str:
    """The one term a name is searched by: no spaces, Latin lower-cased."""
    return "".join(name.split()).lower()


def name_terms(name: str) -> tuple[str, ...]:
    """The terms a name is indexed by: the whole name, then each spaced part of two or more characters."""
    key = name_key(name)
    parts = [p.lower() for p in name.split() if len(p) >= 2]
    return (key, *[p for p in parts if p != key]) if key else ()


def mentions(name: str, text: str) -> int:
    """How often the article names `name` (its last spaced part, for `버락 오바마` ... `오바마`), 1 to MAX_MENTIONS."""
    last = name.split()[-1] if name.split() else name
    return max(1, min(MAX_MENTIONS, text.count(last)))
