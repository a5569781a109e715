#!/usr/bin/env python3
"""People, organisations, places and quotations against the hand-labelled gold in tests/fixtures/entities/.

    python bench/entities_eval.py [--shared DIR] [--split dev|heldout|fresh|all] [--errors] [--json FILE]

The gold (labelled by reading, before the extractor was measured on it; each row's `notes` give its calls) holds
the five seeds and 433 articles of ../shared/corpus (Wikinews, BigKinds leads, Naver science news). The `dev` split
(the seeds, eight corpus articles of gold_a/gold_b, and the sets gold_c to gold_s) is the one whose errors were
read while writing rules; `heldout` (the other 19 of gold_a/gold_b, and gold_t) was only scored; `fresh` is gold_t
alone, the last set labelled. gold_d to gold_m were drawn at random on 2026-12-02, gold_n on 2026-12-03 (seed
20261203 among the articles of no gold file), gold_o on 2026-12-03 too (seed 20261204, 13 Wikinews and 7 BigKinds
leads of no gold file; scored before and after rounds 8 and 9 of rules, then read for round 10), gold_p on
2026-12-03 (seed 20261205, 18 Wikinews and 12 BigKinds leads of no gold file; scored before and after round 10,
then read for round 11), gold_q on 2026-12-03 (seed 20261206, as gold_p; scored before and after round 11, then
read for round 12), gold_r on 2026-12-03 (seed 20261207, as gold_p; scored before and after round 12, then read
for round 13), gold_s on 2026-12-03 (seed 20261208, as gold_p; scored before and after round 13, then read
for round 14), gold_t on 2026-12-03 (seed 20261209, as gold_p; scored before and after round 14, never read), all
labelled by readers who never saw the extractor (tests/fixtures/entities/LABELLING.md); each of gold_e, gold_g,
gold_h, gold_i, gold_j and gold_k was held out for one round of rules (scored before and after them, in README) and
then read; gold_l was scored before round 7 and read for it; gold_m was held out from round 7 until its errors were
read on 2026-12-03 (no rule came of it yet).
Each article is analysed as
`newsearch index` does (the extracted title, body and reporter; Kiwi with the engine's options; entities/ on the
same tokens).

Prints precision, recall and F1 per type, quotation span F1 and speaker accuracy, per split; `--errors`
lists the false and missed names of the chosen split.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

from newsearch.analysis import Analyzer  # noqa: E402
from newsearch.analysis.analyzer import MATCH  # noqa: E402
from newsearch.entities import extract  # noqa: E402
from newsearch.entities.evaluate import Scores, gold_articles, score_article  # noqa: E402
from newsearch.entities.evaluate import gold_rows as evaluate_gold_rows  # noqa: E402
from newsearch.entities.keys import KINDS  # noqa: E402
from newsearch.extract import extract_file  # noqa: E402
from newsearch.ingest.documents import title_in_body  # noqa: E402

GOLD = ROOT / "tests" / "fixtures" / "entities"
# Read while writing rules; everything else is held out.
DEV = {"000_7982a9e012f08afc.txt", "001_2bc103dad1454d7c.txt", "002_5199239f47117fff.txt",
       "003_aba8f5db32093a90.txt", "004_24bd54923c893d98.txt", "bigkinds-00421", "bigkinds-00155", "bigkinds-00119",
       "kowikinews-00211", "kowikinews-00296", "kowikinews-00629", "kowikinews-00198", "scinews-18"}
def gold_rows() -> list[dict]:
    return evaluate_gold_rows(GOLD)


# Labelled later, each as a whole: gold_c, gold_d, gold_f dev sets (their errors read); gold_e, gold_g, gold_h,
# gold_i, gold_j and gold_k were each held out for one round of rules (scored before and after it, README), then
# read; gold_l was read for round 7; gold_m was read on 2026-12-03; gold_n and gold_o were held out for rounds 8
# and 9 and read for round 10; gold_p was held out for round 10 and read for round 11; gold_q was held out for
# round 11 and read for round 12; gold_r was held out for round 12 and read for round 13; gold_s was held out for
# round 13 and read for round 14; gold_t is held out.
DEV_FILES = {"gold_c.json", "gold_d.json", "gold_e.json", "gold_f.json", "gold_g.json", "gold_h.json",
             "gold_i.json", "gold_j.json", "gold_k.json", "gold_l.json", "gold_m.json", "gold_n.json", "gold_o.json",
             "gold_p.json", "gold_q.json", "gold_r.json", "gold_s.json"}
FRESH_FILE = "gold_t.json"


def is_dev(row: dict) -> bool:
    """Rows whose errors were read while writing rules: the first dev split, all of gold_c and gold_d."""
    return row["id"] in DEV or row["file"] in DEV_FILES


def in_split(row: dict, split: str) -> bool:
    """`dev`, `heldout` (every article whose errors were never read), `fresh` (gold_t alone: labelled on
    2026-12-03 by labellers who never saw the extractor, before round 14 of rules) or `all`."""
    if split == "all":
        return True
    if split == "fresh":
        return row["file"] == FRESH_FILE
    return is_dev(row) == (split == "dev")


def read_seed(name: str) -> tuple[str, str, str | None]:
    art = extract_file(ROOT / "seeds" / name)
    return art.title or "", art.body, art.reporter


def articles(shared: Path | None, rows: list[dict]) -> dict[str, tuple[str, str, str | None]]:
    """id -> (title, body, reporter) as the indexer sees them; corpus rows only when ../shared is there."""
    return gold_articles(rows, shared / "corpus" if shared is not None else None, read_seed)


def predict(analyzer: Analyzer, title: str, body: str, reporter: str | None):
    kiwi = analyzer.kiwi
    title_tokens = None if title_in_body(title, body) is not None or not title else \
        kiwi.tokenize(title, match_options=MATCH)
    return extract(title, title_tokens, body, kiwi.tokenize(body, match_options=MATCH), reporter)


def evaluate(shared: Path | None, split: str) -> tuple[Scores, int]:
    rows = [r for r in gold_rows() if in_split(r, split)]
    arts = articles(shared, rows)
    analyzer = Analyzer.for_words()
    total, n = Scores(), 0
    for r in rows:
        if r["id"] not in arts:
            continue
        title, body, reporter = arts[r["id"]]
        total.add(score_article(r, body, predict(analyzer, title, body, reporter)))
        n += 1
    return total, n


def table(scores: Scores, n: int, split: str) -> dict:
    out = {"split": split, "articles": n}
    for k in KINDS:
        t = scores.kinds[k]
        out[k] = {"precision": round(t.precision, 4), "recall": round(t.recall, 4), "f1": round(t.f1, 4),
                  "tp": t.tp, "fp": t.fp, "fn": t.fn}
    q = scores.quotes
    out["quotes"] = {"precision": round(q.precision, 4), "recall": round(q.recall, 4), "f1": round(q.f1, 4),
                     "tp": q.tp, "fp": q.fp, "fn": q.fn}
    out["speakers"] = {"accuracy": round(scores.speaker_accuracy, 4), "right": scores.speakers_right,
                       "wrong": len(scores.speakers_wrong)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None, help="path of ../shared")
    ap.add_argument("--split", choices=["dev", "heldout", "fresh", "all"], default=None, help="one split (default: each)")
    ap.add_argument("--errors", action="store_true", help="list false and missed names of the split")
    ap.add_argument("--json", dest="json_out", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)
    results = []
    for split in ([args.split] if args.split else ["dev", "heldout", "fresh", "all"]):
        scores, n = evaluate(shared, split)
        results.append(table(scores, n, split))
        print(f"\n{split}: {n} articles")
        print(f"  {'':8} {'P':>7} {'R':>7} {'F1':>7}   tp  fp  fn")
        for k in list(KINDS) + ["quotes"]:
            t = results[-1][k]
            print(f"  {k:8} {t['precision']:7.3f} {t['recall']:7.3f} {t['f1']:7.3f} {t['tp']:4} {t['fp']:3} {t['fn']:3}")
        sp = results[-1]["speakers"]
        print(f"  speaker attribution {sp['accuracy']:.3f} ({sp['right']} of {sp['right'] + sp['wrong']} found quotations)")
        if args.errors:
            for k in KINDS:
                print(f"  {k} false: {scores.kinds[k].false}\n  {k} missed: {scores.kinds[k].missed}")
            print(f"  quotes false: {scores.quotes.false}\n  quotes missed: {scores.quotes.missed}")
            print(f"  speakers wrong: {scores.speakers_wrong}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
