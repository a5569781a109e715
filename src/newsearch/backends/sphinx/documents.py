"""Documents as the engine sees them: morpheme text, string attributes, spans for highlighting.

Kiwi runs in Python as for Whoosh: the engine receives morpheme text (index terms joined by
spaces) and stores the article, its digest and the character spans of every term as string
attributes, so snippets and `<mark>`s come from `search/highlight.py` exactly as with Whoosh,
without running Kiwi again.
"""

from __future__ import annotations

import base64
import hashlib
import re

from ...copies import Signature
from ...ingest import IndexedDoc
from ...ingest.shards import id_hash
from .nodes import STRING_ATTRS

_SAFE = re.compile(r"^[0-9A-Za-z&%.+\-/_\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
                   r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
MAX_WORD = 40  # Sphinx cuts words at 42 characters: longer terms are hashed
COLUMNS = ("id", "title", "body", "people", "orgs", "places", "quote", "ns", "dateint", "grp", "gsize") + STRING_ATTRS


def doc_key(ns: int, doc_id: str) -> int:
    """Sphinx document id: a 63-bit hash of namespace and string id (never 0)."""
    return (id_hash(f"{ns}\x00{doc_id}") & (2**63 - 1)) or 1


def token(term: str) -> str:
    """The word Sphinx indexes for `term`: itself, or a hash when it has other characters or is long."""
    if len(term) <= MAX_WORD and _SAFE.match(term):
        return term
    digest = hashlib.blake2b(term.encode("utf-8", "surrogatepass"), digest_size=10).digest()
    return "_h" + base64.b32encode(digest).decode("ascii").lower().rstrip("=")


def morpheme_text(terms) -> str:
    """Space-joined tokens: one term per text position in order, then the extra forms.

    Kiwi terms can share a position (a compound and its first part, a prefixed noun and the noun,
    the parts of a long noun). Sphinx gives every word its own position, so the first term at
    each character offset forms the running text (phrases and proximity work on it) and the
    other forms follow it, parts of one word kept together.
    """
    main, extra = [], []
    starts: set[int] = set()
    for t in terms:
        if t.start in starts:
            extra.append(t)
        else:
            starts.add(t.start)
            main.append(t)
    extra.sort(key=lambda t: (t.start, t.end, t.pos))
    return " ".join(token(t.text) for t in main + extra)


def encode_spans(terms, shift: int = 0) -> str:
    """term -> character spans, one line a term: `term<TAB>start,len start,len ...` (starts delta-coded)."""
    by_term: dict[str, list[tuple[int, int]]] = {}
    for t in terms:
        by_term.setdefault(t.text, []).append((t.start - shift, t.end - shift))
    lines = []
    for text, spans in by_term.items():
        prev = 0
        parts = []
        for s, e in sorted(set(spans)):
            parts.append(f"{s - prev},{e - s}")
            prev = s
        lines.append(text + "\t" + " ".join(parts))
    return "\n".join(lines)


def decode_spans(data: str, wanted: set[str] | None = None) -> list[tuple[int, int, str]]:
    """The spans of `encode_spans` (only of `wanted` terms, when given) as (start, end, term)."""
    out = []
    for line in (data or "").split("\n"):
        text, _, rest = line.partition("\t")
        if not rest or (wanted is not None and text not in wanted):
            continue
        pos = 0
        for item in rest.split(" "):
            d, _, n = item.partition(",")
            pos += int(d)
            out.append((pos, pos + int(n), text))
    return out


def term_counts(data: str) -> dict[str, int]:
    """How often each term occurs, from encoded spans."""
    return {line.partition("\t")[0]: line.count(" ") + 1 for line in (data or "").split("\n") if "\t" in line}


def date_int(date: str | None) -> int:
    """`2018-09-19T10:21:30` -> 20180919102130 (0 for no date), sortable and filterable."""
    digits = re.sub(r"\D", "", date or "")[:14]
    return int(digits.ljust(14, "0")) if len(digits) >= 4 else 0


def encode_signature(sig: Signature | None) -> str:
    """The `s_sig` attribute of a signature: base64 of its bytes, "" for none."""
    return base64.b64encode(sig.to_bytes()).decode("ascii") if sig is not None else ""


def decode_signature(data: str | None) -> Signature | None:
    """The signature of an `s_sig` attribute (None for "" or a malformed value)."""
    try:
        return Signature.from_bytes(base64.b64decode(data or "", validate=True))
    except ValueError:
        return None


def row(ns: int, item: IndexedDoc) -> tuple:
    """The REPLACE INTO values of one document (its own group of one until the commit groups copies)."""
    art, doc = item.article, item.doc
    title = art.title or ""
    title_field, body_field = item.fields()
    key = doc_key(ns, doc.id)
    names = [morpheme_text(terms) for _text, terms in item.entity_fields().values()]
    return (key, morpheme_text(title_field), morpheme_text(body_field), *names, morpheme_text(item.quote_terms()),
            ns, date_int(art.date), key, 1,
            doc.id, doc.source, doc.digest, title, art.body or "", art.date or "",
            art.publisher or "", art.reporter or "", art.url or "",
            encode_spans(item.title_terms), encode_spans(item.body_terms), encode_signature(item.signature),
            item.entities.to_json())
