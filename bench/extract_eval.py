#!/usr/bin/env python3
"""Boilerplate-stripping benchmark: newsearch.extract against trafilatura, jusText and BeautifulSoup get_text().

Usage: python3 bench/extract_eval.py [--shared PATH]   (default: ../shared from the repo root)

Gold: <shared>/gold/seeds/*.json (text dumps in <shared>/seeds/) and <shared>/gold/html/gold.jsonl (HTML pages).
Body score: token-level precision/recall/F1 of the extracted body against the gold body, tokens being
whitespace-separated words compared as multisets. Title and date: exact match, only where gold has them;
a gold date without a time is compared with the date part of the extracted one.

Baselines receive the file's raw content. For text dumps get_text() is the raw text itself, and
trafilatura and jusText get that text with each line wrapped in <p> (they parse HTML only; given the bare
text they return nothing). jusText ships no Korean stoplist; it runs here with a small hand-made list of frequent
Korean function words (KO_STOPLIST below) and stop-word thresholds lowered for Korean, where particles are
glued to words. A baseline whose package is missing is skipped.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from html import escape as html_escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsearch.extract import ExtractError, decode_bytes, extract_file  # noqa: E402

KO_STOPLIST = frozenset(
    "이 그 저 및 등 수 더 또 또한 것 것은 것을 것이 것으로 것이다 있다 있는 있고 있어 있도록 있다고 없는 없다 한다 했다 "
    "하는 하고 밝혔다 말했다 전했다 설명했다 위해 대한 대해 통해 따라 지난 이번 하지만 그러나 함께 모두 가장 같은 이후 "
    "관련 현재 최근 한편 다만 특히 중 개 명 년 월 일 때 때문에 경우 이날 오는 올해 지난해 바 등을".split()
)


def tokens(text: str | None) -> Counter:
    return Counter((text or "").split())


def prf(pred: str | None, gold: str) -> tuple[float, float, float]:
    p_tok, g_tok = tokens(pred), tokens(gold)
    overlap = sum((p_tok & g_tok).values())
    p = overlap / sum(p_tok.values()) if p_tok else 0.0
    r = overlap / sum(g_tok.values()) if g_tok else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def date_ok(pred: str | None, gold: str | None) -> str:
    if not gold:
        return "-"
    if not pred:
        return "no"
    return "yes" if (pred[: len(gold)] == gold if "T" not in gold else pred == gold) else "no"


def title_ok(pred: str | None, gold: str | None) -> str:
    if not gold:
        return "-"
    return "yes" if (pred or "").strip() == gold.strip() else "no"


def load_items(shared: Path) -> list[dict]:
    items = []
    for path in sorted((shared / "gold" / "seeds").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        items.append({"name": gold["source_file"], "path": shared / "seeds" / gold["source_file"],
                      "title": gold.get("title"), "date": gold.get("date"), "body": "\n".join(gold["body"])})
    gold_jsonl = shared / "gold" / "html" / "gold.jsonl"
    if gold_jsonl.exists():
        for line in gold_jsonl.read_text(encoding="utf-8").splitlines():
            if line.strip():
                gold = json.loads(line)
                items.append({"name": gold["html_file"], "path": shared / "gold" / "html" / gold["html_file"],
                              "title": gold.get("gold_title"), "date": gold.get("gold_date"),
                              "body": gold.get("gold_body"), "url": gold.get("url")})
    return items


def run_ours(item: dict) -> dict:
    try:
        art = extract_file(item["path"])
    except ExtractError as e:
        return {"body": "", "title": None, "date": None, "error": str(e)}
    return {"body": art.body, "title": art.title, "date": art.date}


def as_html(item: dict) -> str:
    """The file as HTML: HTML pages as they are, text dumps one <p> a line."""
    text = decode_bytes(item["path"].read_bytes())
    if item["path"].suffix.lower() in (".html", ".htm"):
        return text
    paras = "".join(f"<p>{html_escape(line)}</p>\n" for line in text.splitlines())
    return f"<html><body>{paras}</body></html>"


def run_trafilatura(item: dict) -> dict | None:
    try:
        import trafilatura
    except ImportError:
        return None
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    raw = as_html(item)
    doc = trafilatura.bare_extraction(raw, url=item.get("url"), include_comments=False, with_metadata=True)
    if doc is None:
        return {"body": "", "title": None, "date": None}
    get = (lambda k: getattr(doc, k, None)) if not isinstance(doc, dict) else doc.get
    return {"body": get("text") or "", "title": get("title"), "date": get("date")}


def run_justext(item: dict) -> dict | None:
    try:
        import justext
    except ImportError:
        return None
    html = as_html(item)
    try:
        paragraphs = justext.justext(html, KO_STOPLIST, stopwords_low=0.02, stopwords_high=0.05)
    except Exception as e:  # jusText raises on input lxml cannot parse (e.g. some plain text)
        logging.debug("justext failed on %s: %s", item["name"], e)
        return {"body": "", "title": None, "date": None}
    body = "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
    return {"body": body, "title": None, "date": None}


def run_get_text(item: dict) -> dict | None:
    try:
        from bs4 import BeautifulSoup
    except ImportError:
        return None
    text = decode_bytes(item["path"].read_bytes())
    if item["path"].suffix.lower() not in (".html", ".htm"):
        return {"body": text, "title": None, "date": None}
    soup = BeautifulSoup(text, "lxml")
    for tag in soup(["script", "style"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else None
    return {"body": soup.get_text("\n"), "title": title, "date": None}


SYSTEMS = [("ours", run_ours), ("trafilatura", run_trafilatura), ("justext", run_justext),
           ("bs4.get_text", run_get_text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="path to shared/ (default ../shared)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if not (args.shared / "gold").is_dir():
        print(f"no gold under {args.shared}; pass --shared PATH", file=sys.stderr)
        return 2
    items = load_items(args.shared)
    header = f"{'file':48} {'system':13} {'P':>6} {'R':>6} {'F1':>6} {'title':>5} {'date':>5}"
    print(header)
    print("-" * len(header))
    totals: dict[str, list[float]] = {}
    skipped = []
    for item in items:
        for name, run in SYSTEMS:
            out = run(item)
            if out is None:
                if name not in skipped:
                    skipped.append(name)
                continue
            if item["body"]:
                p, r, f = prf(out["body"], item["body"])
                totals.setdefault(name, []).append(f)
                scores = f"{p:6.3f} {r:6.3f} {f:6.3f}"
            else:
                scores = f"{'-':>6} {'-':>6} {'-':>6}"
            print(f"{item['name'][:48]:48} {name:13} {scores} {title_ok(out['title'], item['title']):>5} "
                  f"{date_ok(out['date'], item['date']):>5}")
    print("-" * len(header))
    for name, fs in totals.items():
        print(f"{'mean body F1 (' + str(len(fs)) + ' files with body gold)':48} {name:13} {'':6} {'':6} "
              f"{sum(fs) / len(fs):6.3f}")
    for name in skipped:
        print(f"skipped {name}: package not installed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
