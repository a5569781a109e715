"""상세검색 (detailed search): the fields of a form written as the query language (querylang.py), so that the
search box then shows a query users can type themselves next time.

- all of these words: each required, `+카카오 +헬스케어`;
- this exact phrase: `+"디지털 헬스케어"`;
- any of these: `+네이버 OR 카카오` (the sign of an OR group's first member is the group's);
- none of these: `-광고 -협찬`;
- in title only: `제목:` before the words, the phrase and the alternatives (exclusions stay anywhere);
- reporter: `기자:홍길동` (several names: any of them).

A query of one positive part needs no `+` and gets none (`카카오`, `"디지털 헬스케어"`, `네이버 OR 카카오`).
The publisher and the period are the search's filters, not query syntax.
"""

from __future__ import annotations

import re

__all__ = ["compose"]

_FIELD_PREFIX = re.compile(r"^(?:title|body|reporter|제목|본문|기자):", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,]+")


def _words(text: str | None) -> list[str]:
    """The words of a field as plain words: no quotes, no leading sign, no field prefix, no `OR`."""
    out = []
    for word in _SEPARATORS.split((text or "").replace('"', " ")):
        word = _FIELD_PREFIX.sub("", word.lstrip("+-"))
        if word and word != "OR" and word not in out:
            out.append(word)
    return out


def compose(all_words: str = "", phrase: str = "", any_words: str = "", none_words: str = "",
            title_only: bool = False, reporter: str = "") -> str:
    """The query of the detailed search's fields ("" when they hold nothing)."""
    field = "제목:" if title_only else ""
    positive = [field + w for w in _words(all_words)]
    exact = " ".join(phrase.replace('"', " ").split()) if phrase else ""
    if exact:
        positive.append(f'{field}"{exact}"')
    alternatives = " OR ".join(field + w for w in _words(any_words))
    if alternatives:
        positive.append(alternatives)
    sign = "+" if len(positive) > 1 else ""
    parts = [sign + p for p in positive]
    parts += ["-" + w for w in _words(none_words)]
    parts += ["기자:" + name for name in _words(reporter)]
    return " ".join(parts)
