"""Query concepts: what one word of a query may match in the index (its forms and synonyms)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .terms import ALNUM_TAGS, MIN_DECOMPOSE_LEN, Part

Form = tuple[str, ...]  # one term, or several as a phrase


@dataclass(frozen=True, slots=True)
class QueryUnit:
    """One concept of a query: any of `alternatives` matches (each a term or a phrase)."""

    alternatives: tuple[Form, ...]
    start: int
    end: int

    def terms(self) -> set[str]:
        return {t for alt in self.alternatives for t in alt}

    def parts(self) -> Form:
        """The compound's parts (its first form of several terms), which score when found apart; () if none."""
        return next((alt for alt in self.alternatives if len(alt) > 1), ())


def unit_of(parts: list[Part], whole: str, decompose: Callable[[str], Form],
            synonyms: dict[Form, tuple[Form, ...]]) -> QueryUnit:
    """The concept of one run of morphemes (see `terms.segments`), matching how documents were indexed."""
    start, end = parts[0].start, parts[-1].end
    if whole:
        alts = [(whole,)]
        # `5G` must not match a lone 5 and G; a mixed run may also match as a phrase.
        if not all(p.tag in ALNUM_TAGS for p in parts):
            alts.append(tuple(p.text for p in parts))
    else:
        p = parts[0]
        alts = [(p.text,)]
        if p.tag == "SH":
            alts.extend((v,) for v in p.variants)
        elif p.tag in ("NNG", "NNP") and len(p.text) >= MIN_DECOMPOSE_LEN and not p.variants:
            sub = decompose(p.text)
            if sub:
                alts.append(sub)
    for form in synonyms.get(alts[0], ()):
        if form not in alts:
            alts.append(form)
    return QueryUnit(tuple(alts), start, end)


def synonym_map(groups: Iterable[tuple[str, ...]], form_of: Callable[[str], Form]) -> dict[Form, tuple[Form, ...]]:
    """Form -> the forms of its synonyms, each group's items analysed by `form_of`."""
    out: dict[Form, list[Form]] = {}
    for group in groups:
        forms = [f for f in (form_of(item) for item in group) if f]
        for f in forms:
            others = out.setdefault(f, [])
            others.extend(g for g in forms if g != f and g not in others)
    return {k: tuple(v) for k, v in out.items()}
