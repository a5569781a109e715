"""Ranking settings as one object, passed to the stores (benchmarks and tests make their own)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ranking:
    """How documents are scored: BM25F, how query concepts combine, and the re-ranking stages."""

    # BM25 (title is short: the same length normalisation measured best on KorQuAD).
    k1: float = 0.7
    body_b: float = 0.5
    title_b: float = 0.5
    # Query-time field weights (a title match counts on top of the body, which holds the title too).
    field_weights: dict[str, float] = field(default_factory=lambda: {"title": 0.5, "body": 1.0})
    # Coordination bonus per matched concept (Whoosh's "short query ranking" scale).
    coord_scale: float = 0.25
    # Weight of a compound's other forms (its parts as a phrase) against the form as written.
    split_weight: float = 1.0
    # A compound's parts found apart add this weight to a candidate's score (re-ranking only: a part
    # alone never makes a match, so `헬스케어` does not find `스킨케어`).
    part_weight: float = 0.4
    # Adjacent query concepts near each other in the body earn this bonus, within this many positions.
    proximity_weight: float = 0.3
    proximity_slop: int = 4
    # How many first-pass candidates the title and proximity bonuses may re-order.
    rerank_depth: int = 100
    # A query with no hits is widened by Kiwi's other readings of it, at this weight.
    other_reading_weight: float = 0.3
    # Best-passage bonus: the idf of the distinct query concepts found together within `window_width`
    # positions, times `window_weight`, for the `window_depth` best candidates.
    window_weight: float = 0.5
    window_width: int = 16
    window_depth: int = 30

    def field_weight(self, fieldname: str) -> float:
        return self.field_weights.get(fieldname, 1.0)

    def field_b(self, fieldname: str) -> float:
        return self.title_b if fieldname == "title" else self.body_b


DEFAULT = Ranking()
