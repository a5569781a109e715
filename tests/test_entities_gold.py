"""Entities and quotations against the hand-labelled gold (tests/fixtures/entities/, issue 20).

The same scoring as `bench/entities_eval.py` (which reports per split and lists the errors). The floors
here sit a little under what the extractor measures (README, "People, organisations, places and
quotations"), so that a change that loses names or quotations fails. The seeds are always scored; the
corpus articles only when ../shared is there.
"""

from __future__ import annotations

from pathlib import Path

from newsearch.analysis.analyzer import MATCH
from newsearch.entities import extract
from newsearch.entities import evaluate
from newsearch.entities.evaluate import Scores, score_article
from newsearch.extract import extract_file
from newsearch.ingest.documents import title_in_body

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "fixtures" / "entities"
# (precision, recall) floors per type over every gold article, and the quotation and speaker floors.
FLOORS = {"people": (0.95, 0.77), "orgs": (0.84, 0.80), "places": (0.93, 0.84)}
QUOTE_F1, SPEAKERS = 0.95, 0.82


def gold_rows() -> list[dict]:
    return evaluate.gold_rows(GOLD)


def read_seed(name: str) -> tuple[str, str, str | None]:
    art = extract_file(REPO / "seeds" / name)
    return art.title or "", art.body, art.reporter


def articles(rows: list[dict]) -> dict[str, tuple[str, str, str | None]]:
    """id -> (title, body, reporter) as the indexer sees them (corpus rows only when ../shared is there)."""
    return evaluate.gold_articles(rows, REPO.parent / "shared" / "corpus", read_seed)


def predicted(kiwi, title: str, body: str, reporter: str | None):
    title_tokens = None if not title or title_in_body(title, body) is not None else \
        kiwi.tokenize(title, match_options=MATCH)
    return extract(title, title_tokens, body, kiwi.tokenize(body, match_options=MATCH), reporter)


def test_the_gold_is_well_formed():
    rows = gold_rows()
    assert len(rows) >= 160 and sum(r["corpus"] == "seeds" for r in rows) == 5
    assert len({r["id"] for r in rows}) == len(rows)  # no article labelled twice
    for r in rows:
        assert {"corpus", "id", "people", "orgs", "places", "reporters", "quotes"} <= set(r), r["id"]
        for q in r["quotes"]:
            assert ("text" in q) == (r["corpus"] == "seeds") and ("start" in q) != ("text" in q), r["id"]


def test_entities_and_quotations_reach_their_floors(kiwi):
    rows = gold_rows()
    arts = articles(rows)
    total = Scores()
    for r in rows:
        if r["id"] in arts:
            title, body, reporter = arts[r["id"]]
            total.add(score_article(r, body, predicted(kiwi, title, body, reporter)))
    for kind, (p, rc) in FLOORS.items():
        t = total.kinds[kind]
        assert t.precision >= p and t.recall >= rc, (kind, t.precision, t.recall, t.false[:10], t.missed[:10])
    assert total.quotes.f1 >= QUOTE_F1, (total.quotes.false, total.quotes.missed)
    assert total.speaker_accuracy >= SPEAKERS, total.speakers_wrong


def test_the_seed_must_shows(kiwi):
    """인물:황창규's article names him; seed 004 quotes 황희 on mental health (issue 20's must-show)."""
    rows = [r for r in gold_rows() if r["corpus"] == "seeds"]
    arts = articles(rows)
    kt = predicted(kiwi, *arts["000_7982a9e012f08afc.txt"])
    assert "황창규" in kt.people and "KT" in kt.orgs
    mh = predicted(kiwi, *arts["004_24bd54923c893d98.txt"])
    assert any(q.speaker == "황희" and "정신 건강" in q.text for q in mh.quotes), mh.quotes
    assert "윤선훈" not in predicted(kiwi, *arts["002_5199239f47117fff.txt"]).people  # the reporter
