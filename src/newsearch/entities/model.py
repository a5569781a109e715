"""What the entity extractor returns: `Entities` (people, organisations, places, quotations) and `Quote`.

Both are frozen so that a result can be cached and shared; `Entities.to_json`/`from_json` store one in
an index field or a JSON Lines row and read it back unchanged (compact JSON, lists for tuples).
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation: the words inside the marks, their offsets in the body, and who said them."""

    text: str            # the words inside the quotation marks
    speaker: str | None  # a name from Entities.people or .orgs, or None
    start: int           # offsets of `text` in the body (end exclusive)
    end: int


@dataclass(frozen=True)
class Entities:
    """The named people, organisations and places of one article (distinct, in order of first mention)
    and its direct quotations in body order."""

    people: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()

    def to_json(self) -> str:
        """Compact JSON (no spaces, Hangul unescaped) that `from_json` turns back into an equal value."""
        return json.dumps({
            "people": list(self.people), "orgs": list(self.orgs), "places": list(self.places),
            "quotes": [[q.text, q.speaker, q.start, q.end] for q in self.quotes],
        }, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> "Entities":
        """The value `to_json` wrote; None or "" (an article never analysed) is the empty result."""
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            people=tuple(data.get("people", ())), orgs=tuple(data.get("orgs", ())),
            places=tuple(data.get("places", ())),
            quotes=tuple(Quote(t, s, int(a), int(b)) for t, s, a, b in data.get("quotes", ())),
        )
