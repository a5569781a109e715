"""Ranking on news, newsearch and Lucene/Nori side by side: KorQuAD, known-item headlines, short queries.

usage: python bench/news_eval.py [--shared DIR] [--out DIR] [--reuse] [--score-only] [--wins N] [--pool-out FILE]

One run builds three corpora, indexes each with newsearch (`newsearch eval`, through the installed CLI, so
the figures are those of whatever ranking is installed) and with Lucene/Nori (`bench/nori/run.sh search`,
the title+body fields and the one combined field), scores every run with `newsearch.search.evaluate`, and
prints one table (set, queries, nDCG@10 and MRR@10 per engine):

* `korquad1_dev`: ../shared/eval/korquad1_dev as it is (what bench/quality.sh runs).
* known-item sets over `wikinews_ko` + `bigkinds_leads` combined, every title removed (title "" and the
  body without a leading copy of the headline), so that a headline query must find its article by the body:
  `<corpus> headline` (the headline as the query) and `<corpus> headline words` (the first three noun
  words of the headline by a fixed Kiwi rule, see `headline_words`). Relevant: the article and every exact
  copy of it (same whitespace-normalised body, or same headline), in either corpus.
* `news short queries`: tests/fixtures/news_queries (2-3 word queries judged 0/1/2 by reading, held out)
  over the combined archive with its titles, as the product indexes it.

Runs, qrels and the table go to bench/out/news_eval/ (`--out`); `nori_wins.txt` there lists the queries of
the news sets where Nori (title+body fields) beats newsearch most, with both engines' top 3 and how each
engine reads the query (newsearch's concepts through its analysis API, Nori's terms from `run.sh analyze`).
`--pool-out` writes the short queries' judging pool (each engine's top 20, with the grades already given).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import OUT_DIR, REPO, die, need, newsearch_cmd, read_jsonl, shared_dir  # noqa: E402

from newsearch.search.evaluate import load_qrels, load_run, ndcg_at, score_run  # noqa: E402

NEWS_CORPORA = ("wikinews_ko", "bigkinds_leads")
SHORT_DIR = REPO / "tests" / "fixtures" / "news_queries"
NORI = REPO / "bench" / "nori" / "run.sh"
# Engines as (tag, label); every Nori setup runs BM25 k1=0.9 b=0.4 (bench/nori's default).
ENGINES = (("newsearch", "newsearch"), ("nori", "Nori title+body"), ("nori-combined", "Nori one field"))
NOUN_TAGS = {"NNG", "NNP", "SL", "SH", "SN"}       # nouns, foreign words, Hanja, numbers
LABEL = re.compile(r"^\s*(\[[^\]]*\]|【[^】]*】|<[^>]*>)\s*")


# -- corpora and copies ------------------------------------------------------------------------


def norm(text: str | None) -> str:
    """Whitespace-normalised text (NFC, runs of whitespace as one space, trimmed)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def load_news(shared: Path, limit: int | None = None) -> list[dict]:
    """The rows of both news corpora (`limit` rows of each), tagged with `source`; ids are the rows' `id`."""
    rows = []
    for name in NEWS_CORPORA:
        for r in read_jsonl(need(shared / "corpus" / f"{name}.jsonl"), limit):
            rows.append({**r, "source": name})
    return rows


def copy_groups(rows: list[dict]) -> dict[str, set[str]]:
    """Each row's id -> the ids of its exact copies (itself included): rows that share a whitespace-normalised
    body or a whitespace-normalised title, transitively (union-find over both keys)."""
    parent = {r["id"]: r["id"] for r in rows}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[tuple[str, str], str] = {}
    for r in rows:
        for key in (("body", norm(r.get("body"))), ("title", norm(r.get("title")))):
            if not key[1]:
                continue
            other = first.setdefault(key, r["id"])
            parent[find(r["id"])] = find(other)
    members: dict[str, set[str]] = {}
    for r in rows:
        members.setdefault(find(r["id"]), set()).add(r["id"])
    return {r["id"]: members[find(r["id"])] for r in rows}


def body_without_headline(title: str, body: str) -> str:
    """The body, less a copy of the headline it starts with (30 Wikinews briefings repeat it)."""
    t, b = norm(title), norm(body)
    if t and b.startswith(t) and len(b) > len(t):
        return norm(b[len(t):].lstrip(" .,:-—"))
    return body


def has_words(text: str) -> bool:
    """At least two letters or digits: `.` is no headline to search for."""
    return sum(ch.isalnum() for ch in text) >= 2


def headline_words(kiwi, title: str, n: int = 3) -> list[str]:
    """The words of a headline a reader would remember, by a fixed rule: drop a leading column label
    (`[횡설수설/이은우]`), analyse with Kiwi, join tokens that touch (no space between them) into runs of
    nouns, foreign words, Hanja and numbers (with a glued prefix or suffix), keep the runs' surface text when
    it has two or more characters and is not a bare number, distinct, and take the first `n` in headline order.
    `1세대 인권변호사 강신옥 전 의원 별세` -> `1세대 인권변호사 강신옥`."""
    text = LABEL.sub("", title, count=1)
    runs: list[list] = []  # [start, end, has a noun]
    prev_end = -1
    for tok in kiwi.tokenize(text):
        glued = tok.tag == "XSN" and tok.start == prev_end
        if tok.tag in NOUN_TAGS or tok.tag == "XPN" or glued:
            if runs and tok.start == prev_end:
                runs[-1][1] = tok.end
                runs[-1][2] |= tok.tag in NOUN_TAGS
            else:
                runs.append([tok.start, tok.end, tok.tag in NOUN_TAGS])
            prev_end = tok.end
        else:
            prev_end = -1
    words: list[str] = []
    for start, end, noun in runs:
        w = text[start:end].strip()
        if noun and len(w) >= 2 and not re.fullmatch(r"[\d.,%]+", w) and w not in words:
            words.append(w)
    return words[:n]


def known_item_sets(rows: list[dict], kiwi) -> tuple[list[dict], dict[str, tuple[list[dict], dict]]]:
    """The title-less corpus and, per news corpus, two query sets with their qrels:
    `{set name: (queries [{id, text}], qrels {qid: {docid: 1}})}`. One query per distinct headline of a
    corpus (the first row carrying it); every exact copy of that row is relevant."""
    copies = copy_groups(rows)
    corpus = [{"id": r["id"], "title": "", "body": body_without_headline(r.get("title") or "", r["body"]),
               "date": r.get("date"), "publisher": r.get("publisher")} for r in rows]
    sets: dict[str, tuple[list[dict], dict]] = {}
    for name in NEWS_CORPORA:
        heads: list[dict] = []
        words: list[dict] = []
        qrels_h: dict[str, dict[str, int]] = {}
        qrels_w: dict[str, dict[str, int]] = {}
        seen: set[str] = set()
        for r in rows:
            title = norm(r.get("title"))
            if r["source"] != name or title in seen or not has_words(title):
                continue
            seen.add(title)
            rel = {d: 1 for d in sorted(copies[r["id"]])}
            heads.append({"id": f"h:{r['id']}", "text": title})
            qrels_h[f"h:{r['id']}"] = rel
            ws = headline_words(kiwi, title)
            if len(ws) >= 2:
                words.append({"id": f"w:{r['id']}", "text": " ".join(ws)})
                qrels_w[f"w:{r['id']}"] = rel
        sets[f"{name} headline"] = (heads, qrels_h)
        sets[f"{name} headline words"] = (words, qrels_w)
    return corpus, sets


def archive(rows: list[dict]) -> list[dict]:
    """The combined news archive as the product indexes it: titles and bodies as they are."""
    keep = ("id", "title", "body", "date", "publisher", "url")
    return [{k: r[k] for k in keep if r.get(k)} for r in rows]


# -- files ---------------------------------------------------------------------------------------


def write_jsonl(rows, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def write_qrels(qrels: dict[str, dict[str, int]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("query-id\tcorpus-id\tscore\n")
        for qid, rel in qrels.items():
            for docid, grade in rel.items():
                fh.write(f"{qid}\t{docid}\t{grade}\n")
    return path


def load_short_set(folder: Path = SHORT_DIR) -> tuple[list[dict], dict[str, dict[str, int]]]:
    """The held-out short-query set: queries.jsonl and qrels.tsv of tests/fixtures/news_queries."""
    queries = list(read_jsonl(need(folder / "queries.jsonl")))
    qrels_path = folder / "qrels.tsv"
    return queries, (load_qrels(qrels_path) if qrels_path.exists() else {})


# -- engines -------------------------------------------------------------------------------------


def run_newsearch(corpus: Path, queries: Path, qrels: Path, index_dir: Path, run: Path) -> float:
    """`newsearch eval` (index, then every query 100 deep) into a TREC run; returns the seconds taken."""
    t = time.perf_counter()
    cmd = newsearch_cmd() + ["eval", str(corpus), str(queries), str(qrels), "--index", str(index_dir),
                             "--run", str(run)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        die(f"newsearch eval failed ({proc.returncode}): {proc.stderr.strip()[-400:]}")
    for line in proc.stderr.splitlines():
        if line.startswith("index "):
            print(f"  newsearch {line}", file=sys.stderr)
    return time.perf_counter() - t


def run_nori(corpus: Path, queries: Path, run: Path, combined: bool) -> float:
    t = time.perf_counter()
    cmd = ["bash", str(NORI), "search", str(corpus), str(queries), str(run)]
    if combined:
        cmd += ["--fields", "combined", "--tag", "nori-combined"]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        die(f"bench/nori/run.sh failed ({proc.returncode}): {proc.stderr.strip()[-400:]}")
    return time.perf_counter() - t


def run_engines(name: str, corpus: Path, queries: Path, qrels: Path, out: Path, reuse: bool,
                score_only: bool = False) -> dict[str, dict[str, list[str]]]:
    """Every engine's ranked ids per query for one corpus and query file (`score_only`: an earlier run's)."""
    index_dir = out / f"index-{name}"
    if not reuse and not score_only and index_dir.exists():
        shutil.rmtree(index_dir)
    runs = {}
    for tag, _ in ENGINES:
        path = out / f"{name}.{tag}.tsv"
        if score_only:
            runs[tag] = load_run(need(path))
            continue
        if tag == "newsearch":
            secs = run_newsearch(corpus, queries, qrels, index_dir, path)
        else:
            secs = run_nori(corpus, queries, path, combined=tag == "nori-combined")
        print(f"  {name}: {tag} {secs:.1f} s", file=sys.stderr)
        runs[tag] = load_run(path)
    return runs


# -- report --------------------------------------------------------------------------------------


def table(rows: list[tuple[str, int, dict[str, dict]]]) -> str:
    """Markdown: set, queries, then nDCG@10 and MRR@10 per engine (the best nDCG@10 of a row in bold)."""
    head = "| set | queries | " + " | ".join(f"{label} nDCG@10 | MRR@10" for _, label in ENGINES) + " |"
    lines = [head, "|" + "---|" * (2 + 2 * len(ENGINES))]
    for name, n, metrics in rows:
        best = max(m["ndcg@10"] for m in metrics.values())
        cells = []
        for tag, _ in ENGINES:
            m = metrics[tag]
            nd = f"{m['ndcg@10']:.4f}"
            cells += [f"**{nd}**" if m["ndcg@10"] == best else nd, f"{m['mrr@10']:.4f}"]
        lines.append(f"| {name} | {n:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def unjudged(run: dict[str, list[str]], qrels: dict[str, dict[str, int]], k: int = 10) -> tuple[int, int]:
    """(unjudged ids in the top k over all judged queries, top-k slots): how far a pooled set has aged."""
    miss = slots = 0
    for q, rel in qrels.items():
        top = run.get(q, [])[:k]
        slots += len(top)
        miss += sum(d not in rel for d in top)
    return miss, slots


def nori_terms(texts: list[str]) -> list[set[str]]:
    """The terms Lucene's KoreanAnalyzer makes of each text (`bench/nori/run.sh analyze`), or empty sets."""
    lines = [" ".join(t.split()) for t in texts]
    proc = subprocess.run(["bash", str(NORI), "analyze"], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, cwd=REPO)
    out = [{tok.rsplit("/", 1)[0] for tok in line.split()} for line in proc.stdout.splitlines()]
    return out if proc.returncode == 0 and len(out) == len(texts) else [set() for _ in texts]


def concept_marks(units, terms: set[str]) -> str:
    """Per query concept: `+` one of its forms is in `terms`, `~` only some words of a form are, `-` none."""
    marks = []
    for u in units:
        if any(all(t in terms for t in alt) for alt in u.alternatives):
            marks.append("+")
        else:
            marks.append("~" if any(t in terms for alt in u.alternatives for t in alt) else "-")
    return "".join(marks)


def nori_wins(sets: dict[str, tuple[list[dict], dict]], runs_of: dict[str, dict], titles: dict[str, str],
              texts: dict[str, dict[str, str]], n: int) -> str:
    """The `n` queries of the news sets with the largest nDCG@10 lead of Nori (title+body) over newsearch
    (ties: the relevant article further down newsearch's list first), with both top 3s and how each engine
    reads the query: newsearch's concepts (`a|b+c`: `a`, or `b c` as a phrase) marked against the relevant
    article's indexed terms, and Nori's terms with how many the article holds. Counts of wins per set first."""
    from newsearch.analysis import Analyzer  # the engine's own reading of a query, through its API

    diffs = []
    summary = []
    for name, (queries, qrels) in sets.items():
        runs = runs_of[name]
        win = loss = 0
        for q in queries:
            rel = qrels.get(q["id"])
            if not rel or not any(rel.values()):
                continue
            ranked = runs["newsearch"].get(q["id"], [])
            ns, nori = ndcg_at(ranked, rel), ndcg_at(runs["nori"].get(q["id"], []), rel)
            win += nori > ns + 1e-9
            loss += ns > nori + 1e-9
            first = next((i for i, d in enumerate(ranked) if rel.get(d, 0) > 0), len(ranked) + 1)
            diffs.append((nori - ns, -first, name, q, ns, nori, rel))
        summary.append(f"{name}: Nori better on {win}, newsearch better on {loss}, of {len(queries)}")
    diffs.sort(key=lambda d: (-d[0], d[1], d[2], d[3]["id"]))
    worst = diffs[:n]
    analyzer = Analyzer.for_words()
    docs = [next((d for d in runs_of[w[2]]["nori"].get(w[3]["id"], []) if w[6].get(d, 0) > 0),
                 max(w[6], key=w[6].get)) for w in worst]
    nori_of = nori_terms([w[3]["text"] for w in worst] + [texts[w[2]][d] for w, d in zip(worst, docs)])
    out = summary + ["", "concepts: + found in the relevant article's indexed terms, ~ only part of it, - not found", ""]
    for i, ((d, _, name, q, ns, nori, rel), doc) in enumerate(zip(worst, docs)):
        units = analyzer.query_units(q["text"])
        marks = concept_marks(units, {t.text for t in analyzer.terms(texts[name][doc])})
        qn, dn = nori_of[i], nori_of[len(worst) + i]
        out.append(f"{i + 1:2}. [{name}] {q['id']}  \"{q['text']}\"  nDCG@10 newsearch {ns:.3f}  nori {nori:.3f}  "
                   f"(+{d:.3f}); relevant: " + ", ".join(f"{k}={v}" for k, v in rel.items() if v > 0))
        for tag in ("newsearch", "nori"):
            top = runs_of[name][tag].get(q["id"], [])[:3]
            ranked = "; ".join(f"{x}{'*' if rel.get(x, 0) > 0 else ''} {titles.get(x, '')[:40]}" for x in top)
            out.append(f"      {tag:<9} {ranked or '(nothing)'}")
        shown = " ".join(f"{'|'.join('+'.join(a) for a in u.alternatives)}[{m}]" for u, m in zip(units, marks))
        out.append(f"      newsearch reads: {shown or '(no concept)'}   (article {doc})")
        out.append(f"      nori reads:      {' '.join(sorted(qn)) or '(unavailable)'}   "
                   f"({len(qn & dn)} of {len(qn)} in the article)")
    return "\n".join(out)


def pool(queries: list[dict], runs: dict[str, dict], qrels: dict, depth: int) -> list[tuple[str, str, str]]:
    """(qid, docid, grade or '') for the union of each engine's top `depth`: the judging pool."""
    rows = []
    for q in queries:
        seen: list[str] = []
        for tag in ("newsearch", "nori"):
            for d in runs[tag].get(q["id"], [])[:depth]:
                if d not in seen:
                    seen.append(d)
        for d in seen:
            grade = qrels.get(q["id"], {}).get(d)
            rows.append((q["id"], d, "" if grade is None else str(grade)))
    return rows


# -- main ----------------------------------------------------------------------------------------


def score_sets(sets, runs_of) -> list[tuple[str, int, dict]]:
    rows = []
    for name, (queries, qrels) in sets.items():
        ids = {q["id"] for q in queries}
        sub = {q: r for q, r in qrels.items() if q in ids}
        metrics = {tag: score_run(runs_of[name][tag], sub) for tag, _ in ENGINES}
        rows.append((name, metrics["newsearch"]["queries"], metrics))
    return rows


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None, help="the shared data folder (default ../shared)")
    ap.add_argument("--out", type=Path, default=OUT_DIR / "news_eval", help="runs, qrels, indexes, table")
    ap.add_argument("--reuse", action="store_true", help="update the newsearch indexes of an earlier run "
                    "instead of building them afresh")
    ap.add_argument("--score-only", action="store_true", help="score the runs an earlier run left in --out "
                    "(no indexing, no queries)")
    ap.add_argument("--wins", type=int, default=20, help="queries listed in nori_wins.txt")
    ap.add_argument("--pool-out", type=Path, default=None,
                    help="also write the short queries' judging pool (top 20 of newsearch and Nori) as TSV")
    return ap.parse_args(argv)


def run_sets(args: argparse.Namespace, shared: Path, rows: list[dict], ki_corpus: list[dict],
             ki_sets: dict, short: tuple[list[dict], dict]) -> tuple[dict, dict]:
    """Every set and its engines' runs: `({set: (queries, qrels)}, {set: {engine: run}})`."""
    out, go = args.out, dict(reuse=args.reuse, score_only=args.score_only)
    kq = shared / "eval" / "korquad1_dev"
    sets = {"korquad1_dev": (list(read_jsonl(need(kq / "queries.jsonl"))), load_qrels(need(kq / "qrels.tsv")))}
    print("== korquad1_dev", file=sys.stderr)
    runs_of = {"korquad1_dev": run_engines("korquad", kq / "corpus.jsonl", kq / "queries.jsonl",
                                           kq / "qrels.tsv", out, **go)}
    # Known items: one title-less corpus, all four query sets in one query file.
    print("== known items", file=sys.stderr)
    ki_queries = [q for qs, _ in ki_sets.values() for q in qs]
    ki_qrels = {q: rel for _, qr in ki_sets.values() for q, rel in qr.items()}
    ki_runs = run_engines("known-item", write_jsonl(ki_corpus, out / "known-item.corpus.jsonl"),
                          write_jsonl(ki_queries, out / "known-item.queries.jsonl"),
                          write_qrels(ki_qrels, out / "known-item.qrels.tsv"), out, **go)
    sets.update(ki_sets)
    runs_of.update({name: ki_runs for name in ki_sets})
    # Short queries over the archive with its titles.
    print("== short queries", file=sys.stderr)
    sets["news short queries"] = short
    qrels_file = SHORT_DIR / "qrels.tsv"
    if not qrels_file.exists():
        qrels_file = write_qrels({}, out / "short.qrels.empty.tsv")
    runs_of["news short queries"] = run_engines(
        "archive", write_jsonl(archive(rows), out / "archive.corpus.jsonl"), SHORT_DIR / "queries.jsonl",
        qrels_file, out, **go)
    return sets, runs_of


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    shared = shared_dir(args.shared)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now().astimezone()
    t0 = time.perf_counter()

    from kiwipiepy import Kiwi  # what newsearch installs; a plain Kiwi so the query rule does not move with src/

    rows = load_news(shared)
    ki_corpus, ki_sets = known_item_sets(rows, Kiwi())
    short_queries, short_qrels = load_short_set()
    sets, runs_of = run_sets(args, shared, rows, ki_corpus, ki_sets, (short_queries, short_qrels))

    took = time.perf_counter() - t0
    when = "scored earlier runs" if args.score_only else f"run {started:%Y-%m-%d %H:%M %Z}, {took / 60:.1f} min"
    notes = [f"{when}; newsearch at git {_git_head()}; Nori = Lucene 8 KoreanAnalyzer, BM25 k1=0.9 b=0.4"]
    if short_qrels:
        for tag, label in ENGINES[:2]:
            miss, slots = unjudged(runs_of["news short queries"][tag], short_qrels)
            notes.append(f"short queries, {label}: {miss} of {slots} top-10 results unjudged (scored 0)")
    report = table(score_sets(sets, runs_of)) + "\n\n" + "\n".join(notes)
    print(report)
    table_file = out / ("table-rescored.md" if args.score_only else "table.md")  # keep the timed run's table
    table_file.write_text(report + "\n", encoding="utf-8")

    news_sets = {k: v for k, v in sets.items() if k != "korquad1_dev"}
    as_indexed = {d["id"]: d["body"] for d in ki_corpus}
    texts = {name: as_indexed for name in ki_sets}
    texts["news short queries"] = {r["id"]: f"{r.get('title') or ''}\n{r['body']}" for r in rows}
    titles = {r["id"]: norm(r.get("title")) for r in rows}
    (out / "nori_wins.txt").write_text(nori_wins(news_sets, runs_of, titles, texts, args.wins) + "\n",
                                       encoding="utf-8")
    print(f"\n(the table: {table_file}; Nori's biggest wins: {out / 'nori_wins.txt'})", file=sys.stderr)
    if args.pool_out:
        lines = pool(short_queries, runs_of["news short queries"], short_qrels, 20)
        args.pool_out.write_text("".join("\t".join(r) + "\n" for r in lines), encoding="utf-8")
    return 0


def _git_head() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True,
                               text=True).stdout.strip()
        return head + (" + uncommitted src/ changes" if dirty else "")
    except OSError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
