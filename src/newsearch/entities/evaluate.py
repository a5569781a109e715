"""Scoring entities and quotations against hand-labelled gold (tests/fixtures/entities/, bench/entities_eval.py).

Gold, per article: `people`, `orgs`, `places` (each entry a name or a list of its forms: `["버락 오바마",
"오바마"]`), `reporters`, and `quotes` (`{"start", "end"}` offsets into the body, or `{"text"}`, with `speaker`).

- Entities are scored per article and type as sets: a gold entity is found when any of its forms is
  among the predicted names (compared by `name_key`); a predicted name that is no form of a gold
  entity of that type is a false positive (a person predicted as an organisation is a miss and a
  false positive).
- A quotation is found when the predicted span's text equals the gold's, compared without spaces and
  without the punctuation at either end (`…했다.` and `…했다`).
- Speaker attribution: of the found quotations, the share whose predicted speaker is a form of the gold
  speaker (both none counts as right).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .keys import KINDS, name_key
from .model import Entities

# The corpora the gold's articles come from (files of ../shared/corpus).
CORPUS_FILES = {"wikinews_ko": "wikinews_ko.jsonl", "bigkinds_leads": "bigkinds_leads.jsonl",
                "naver_scinews50": "naver_scinews50.jsonl"}
_EDGE_PUNCT = re.compile(r"^[\s.,…·!?~\-–—]+|[\s.,…·!?~\-–—]+$")


@dataclass
class Tally:
    """True positives, false positives and false negatives, with the errors' names kept for reading."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Tally") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.false += other.false
        self.missed += other.missed


@dataclass
class Scores:
    """Per type (people, orgs, places), quotation spans, and speakers (right / found quotations)."""

    kinds: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})
    quotes: Tally = field(default_factory=Tally)
    speakers_right: int = 0
    speakers_wrong: list[str] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        n = self.speakers_right + len(self.speakers_wrong)
        return self.speakers_right / n if n else 1.0

    def add(self, other: "Scores") -> None:
        for k in KINDS:
            self.kinds[k].add(other.kinds[k])
        self.quotes.add(other.quotes)
        self.speakers_right += other.speakers_right
        self.speakers_wrong += other.speakers_wrong


def forms(entry) -> list[str]:
    """A gold entry's forms: a name, or a list of names of one entity."""
    return [entry] if isinstance(entry, str) else list(entry)


def quote_key(text: str) -> str:
    """A quotation's text as compared: no spaces, no punctuation at its ends."""
    return "".join(_EDGE_PUNCT.sub("", text).split())


def gold_quote_text(quote: dict, body: str) -> str:
    return quote["text"] if "text" in quote else body[quote["start"]:quote["end"]]


def _entity_tally(gold_entries: list, predicted: tuple[str, ...]) -> Tally:
    t = Tally()
    keyed = [{name_key(f) for f in forms(e)} for e in gold_entries]
    pred = {name_key(n): n for n in predicted}
    for entry, keys in zip(gold_entries, keyed):
        if keys & pred.keys():
            t.tp += 1
        else:
            t.fn += 1
            t.missed.append(forms(entry)[0])
    known = set().union(*keyed) if keyed else set()
    for key, name in pred.items():
        if key not in known:
            t.fp += 1
            t.false.append(name)
    return t


def _speaker_forms(gold: dict, speaker: str | None) -> set[str]:
    """Every form of the gold speaker's entity (the speaker is one of the article's people or orgs forms)."""
    if speaker is None:
        return set()
    for kind in ("people", "orgs"):
        for entry in gold.get(kind, []):
            if speaker in forms(entry):
                return {name_key(f) for f in forms(entry)}
    return {name_key(speaker)}


def score_article(gold: dict, body: str, predicted: Entities) -> Scores:
    """Scores of one article's predicted entities and quotations against its gold."""
    out = Scores()
    for kind in KINDS:
        out.kinds[kind] = _entity_tally(gold.get(kind, []), getattr(predicted, kind))
    pred_quotes = {quote_key(q.text): q for q in predicted.quotes if quote_key(q.text)}
    matched = set()
    for g in gold.get("quotes", []):
        text = gold_quote_text(g, body)
        q = pred_quotes.get(quote_key(text))
        if q is None:
            out.quotes.fn += 1
            out.quotes.missed.append(text[:40])
            continue
        matched.add(quote_key(text))
        out.quotes.tp += 1
        want = _speaker_forms(gold, g.get("speaker"))
        got = name_key(q.speaker) if q.speaker else None
        if (got is None and not want) or (got is not None and got in want):
            out.speakers_right += 1
        else:
            out.speakers_wrong.append(f"{text[:30]}: {q.speaker} (gold {g.get('speaker')})")
    for key, q in pred_quotes.items():
        if key not in matched:
            out.quotes.fp += 1
            out.quotes.false.append(q.text[:40])
    return out


def gold_rows(folder: Path) -> list[dict]:
    """Every labelled article of the gold folder's `gold_*.json` files, each with the `file` it came from."""
    return [dict(r, file=f.name) for f in sorted(Path(folder).glob("gold_*.json"))
            for r in json.loads(f.read_text(encoding="utf-8"))]


def gold_articles(rows: list[dict], corpus: Path | None,
                  read_seed: Callable[[str], tuple[str, str, str | None]]) -> dict[str, tuple[str, str, str | None]]:
    """id -> (title, body, reporter) of the gold's articles as the indexer sees them: corpus rows from `corpus`
    (../shared/corpus; left out when it is None or lacks the file), seeds by `read_seed(file name)`."""
    out = {}
    for name, file in CORPUS_FILES.items():
        ids = {r["id"] for r in rows if r["corpus"] == name}
        if ids and corpus is not None and (Path(corpus) / file).exists():
            for line in (Path(corpus) / file).open(encoding="utf-8"):
                row = json.loads(line)
                if row["id"] in ids:
                    out[row["id"]] = (row.get("title") or "", row["body"], row.get("byline") or row.get("reporter"))
    for r in rows:
        if r["corpus"] == "seeds":
            out[r["id"]] = read_seed(r["id"])
    return out
