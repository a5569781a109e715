#!/usr/bin/env python3
"""Related words (issue 19): JLH, chi-square and the log-likelihood ratio side by side on real queries, the
noun filter against the words' tags in the whole corpus, and the cost.

    python bench/related_words.py [--shared DIR] [--workdir bench/out/related] [--queries Q1,Q2,...]
                                  [--size 100000] [--latency-queries 200] [--json OUT]

Archive: the shared corpus's wikinews_ko and bigkinds_leads (2,528 articles), indexed once with
`newsearch index` into WORKDIR/archive (a later run reuses it; delete it to rebuild).

1. Methods: the top 10 related words of each query by each method (search/significant.py), with each
   word's foreground stories and archive documents; then, per method, the mean archive frequency of the
   words it picks and how much its lists overlap the others' (Jaccard of the top 10s).
2. Nouns: the candidates the noun filter judged for those queries (the 60 best-scoring of each query
   and method before the filter), each judged two ways, in context (what significant.py does: Kiwi
   on a few words around an occurrence as written in the best-ranked articles holding it) and alone
   (Kiwi on the term by itself), against the archive's own reading: the tag Kiwi gives the term most
   often over the whole archive as a morpheme of its own; else a noun when the archive writes it as a
   whole run of noun morphemes (a compound); else no word (it only ever stands inside a longer
   morpheme: a long noun's part, `김정` of 김정은).
3. Cost: each query's first call (the noun verdicts and background lookups not yet cached) and its
   repeat, on the archive and, with --size N, on the N-document mixed index of bench/_common.py
   (Wikinews x10, BigKinds leads, NSMC reviews) over --latency-queries headlines and questions of
   `query_mix`; the terms column's share of the index and its cost per document at indexing.

Results: README, "Related words".
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import _common as C  # noqa: E402

from newsearch.analysis.analyzer import MATCH  # noqa: E402
from newsearch.backends import open_searcher  # noqa: E402
from newsearch.search import SearchRequest  # noqa: E402
from newsearch.search import significant as sg  # noqa: E402
from newsearch.search.querylang import parse  # noqa: E402

# Real queries: subjects readers look up in this archive (people, events, companies, places).
QUERIES = ["코로나", "대통령", "지진", "카카오", "북한 미사일", "올림픽", "검찰 수사", "아파트 가격", "기후 변화", "태풍"]
NOUN_TAGS = {"NNG", "NNP", "SL", "SH"}
CONTENT_TAGS = NOUN_TAGS | {"NR", "XR", "VV", "VA", "SN"}


def archive(shared: Path, workdir: Path) -> Path:
    ix = workdir / "archive"
    if not ix.is_dir():
        corpus = shared / "corpus"
        wall, _peak, summary = C.run_index_cli([corpus / "wikinews_ko.jsonl", corpus / "bigkinds_leads.jsonl"], ix)
        print(f"built {ix}: {summary} ({wall:.1f}s)")
    return ix


def compare_methods(s, queries: list[str]) -> dict:
    """Each query's top 10 by each method, printed side by side; the lists, for the summary."""
    out = {}
    for q in queries:
        lists = {m: s.related_words(q, method=m) for m in sg.METHODS}
        first = lists[sg.DEFAULT_METHOD]
        rows = []
        for k in range(10):
            rows.append([k + 1] + [f"{g.words[k].word} ({g.words[k].docs}/{g.words[k].background})"
                                   if k < len(g.words) else "" for g in lists.values()])
        title = (f"{q}: {first.matches:,} matching articles, the best {first.sample} stories read, "
                 f"{first.total:,} in the archive (stories/documents holding it)")
        print(C.table(["#", *lists], rows, title))
        out[q] = {m: [w.to_json() for w in g.words] for m, g in lists.items()}
    return out


def method_summary(lists: dict) -> None:
    rows = []
    for m in sg.METHODS:
        bg = [w["background"] for q in lists for w in lists[q][m]]
        fg = [w["docs"] for q in lists for w in lists[q][m]]
        overlap = {o: statistics.mean(_jaccard(lists[q][m], lists[q][o]) for q in lists) for o in sg.METHODS if o != m}
        rows.append([m, statistics.median(fg), statistics.median(bg),
                     ", ".join(f"{o} {v:.2f}" for o, v in overlap.items())])
    print(C.table(["method", "median stories holding a word", "median archive docs holding a word",
                   "mean Jaccard of top 10s with"], rows, "The methods over all queries"))


def _jaccard(a: list, b: list) -> float:
    x, y = {w["word"] for w in a}, {w["word"] for w in b}
    return len(x & y) / len(x | y) if x | y else 1.0


def corpus_words(shared: Path, analyzer) -> tuple[dict[str, Counter], set[str]]:
    """Over the whole archive: form -> Kiwi's tags of it as a content morpheme (Latin lower-cased), and the
    runs of noun morphemes written together (`카카오헬스케어`), as written."""
    texts = []
    for name in ("wikinews_ko.jsonl", "bigkinds_leads.jsonl"):
        rows = C.read_jsonl(shared / "corpus" / name)
        texts += [(r.get("title") or "") + "\n\n" + (r.get("body") or "") for r in rows]
    tags: dict[str, Counter] = defaultdict(Counter)
    runs: set[str] = set()
    for tokens in analyzer.kiwi.tokenize(texts, match_options=MATCH):
        run, end = [], -1
        for t in tokens:
            if t.tag in CONTENT_TAGS:
                tags[t.form.lower() if t.tag == "SL" else t.form][t.tag] += 1
            if t.tag in sg.NOUN_PARTS and (t.start == end or not run):
                run.append(t.form.lower() if t.tag == "SL" else t.form)
            else:
                runs.add("".join(run))
                run = [t.form] if t.tag in sg.NOUN_PARTS else []
            end = t.start + t.len
        runs.add("".join(run))
    return tags, runs


def truth(term: str, tags: dict[str, Counter], runs: set[str]) -> tuple[bool, str]:
    """(is a noun, how that was decided): its tags as a morpheme of its own, else whether it is ever written
    as a whole run of nouns; else it is only ever part of a longer morpheme (`김정` of 김정은): no word."""
    c = tags.get(term)
    if c:
        return sum(n for tag, n in c.items() if tag in NOUN_TAGS) * 2 > sum(c.values()), "morpheme"
    if term in runs:
        return True, "run of nouns"
    return False, "only inside a morpheme"


def judge_nouns(s, shared: Path, queries: list[str]) -> None:
    """In context against alone, both against the archive's own reading of each candidate."""
    store, analyzer = s.store, s.store.analyzer()
    cases: dict[str, tuple[str, ...]] = {}  # candidate -> example documents
    for q in queries:
        tree = parse(q, analyzer)
        counts = store.term_counts(SearchRequest(q), tree, sg.DEPTH)
        for m in sg.METHODS:
            for w in sg.Scoring(counts, m, store.doc_frequencies, tree.highlight_terms).best(60)[:60]:
                cases.setdefault(w.word, counts.examples[w.word])
    terms = sorted(cases)
    t0 = time.perf_counter()
    in_context = sg._classify(store, analyzer, terms, cases)  # noqa: SLF001 (the bench measures the step itself)
    context_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    alone = {t: sg.is_noun(t, toks, 0, len(t))
             for t, toks in zip(terms, analyzer.kiwi.tokenize(terms, match_options=MATCH))}
    alone_ms = (time.perf_counter() - t0) * 1000
    tags, runs = corpus_words(shared, analyzer)
    rows, wrong = [], []
    for kind in ("morpheme", "run of nouns", "only inside a morpheme", "all"):
        judged = [t for t in terms if kind == "all" or truth(t, tags, runs)[1] == kind]
        ok = lambda verdicts: sum(verdicts[t] == truth(t, tags, runs)[0] for t in judged)  # noqa: E731
        rows.append([kind, len(judged), _pct(ok(in_context), len(judged)), _pct(ok(alone), len(judged))])
    for t in terms:
        noun, how = truth(t, tags, runs)
        if in_context[t] != noun or alone[t] != noun:
            wrong.append([t, how, " ".join(f"{k}:{v}" for k, v in tags.get(t, Counter()).most_common(3)), noun,
                          in_context[t], alone[t]])
    title = (f"The noun filter on {len(terms)} candidates of {len(queries)} queries, against the archive's reading "
             f"(Kiwi: {context_ms / len(terms):.2f} ms a term in context, with its articles; "
             f"{alone_ms / len(terms):.2f} ms alone)")
    print(C.table(["candidates: the archive has them as", "n", "in context agrees", "alone agrees"], rows, title))
    print(C.table(["term", "archive has it as", "tags", "noun", "in context", "alone"], wrong,
                  "Disagreements with the archive's reading"))


def _pct(k: int, n: int) -> str:
    return f"{k} ({100 * k / max(n, 1):.1f}%)"


def latency(index: Path, queries: list[str], label: str) -> dict:
    """First and repeated calls of every query in a fresh searcher (ms)."""
    s = open_searcher(index)
    s.related_words("뉴스")  # Kiwi's first analysis, as a server's warm-up does
    first, again = [], []
    for q in queries:
        first.append(s.related_words(q).took_ms)
    for q in queries:
        again.append(s.related_words(q).took_ms)
    docs = s.doc_count
    s.close()
    row = {"index": label, "docs": docs, "queries": len(queries)}
    for name, xs in (("first", first), ("again", again)):
        row.update({f"{name}_p50": C.percentile(xs, 50), f"{name}_p95": C.percentile(xs, 95),
                    f"{name}_max": max(xs)})
    return row


def column_cost(index: Path) -> None:
    """The terms column's bytes against the index's, and its cost per document at indexing."""
    from newsearch.analysis import Analyzer
    from newsearch.backends.whoosh import forward

    s = open_searcher(index, "whoosh")
    reader = s.store._current().reader()  # noqa: SLF001 (the bench reads the column itself)
    col = reader.column_reader(forward.COLUMN)
    nbytes = sum(len(col[d].encode("utf-8")) for d in range(reader.doc_count_all()))
    total = C.du_mb(index) * 1024 * 1024
    texts = [s.article(i)["body"] for i in list(_ids(reader))[:300]]
    s.close()
    analyzer = Analyzer.for_words()
    terms = [analyzer.terms(t) for t in texts]
    t0 = time.perf_counter()
    for _ in range(5):
        for ts in terms:
            forward.column_value(ts)
    us = (time.perf_counter() - t0) / (5 * len(terms)) * 1e6
    print(f"\nterms column: {nbytes / 1e6:.2f} MB of {total / 1e6:.1f} MB ({100 * nbytes / total:.1f}% of the index); "
          f"column_value {us:.0f} us a document (300 documents)")


def _ids(reader):
    ids = reader.column_reader("id")
    return (ids[d] for d in reader.all_doc_ids())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=None)
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "related"))
    ap.add_argument("--queries", default=",".join(QUERIES))
    ap.add_argument("--size", type=int, default=0, help="also time a mixed index of this many documents")
    ap.add_argument("--latency-queries", type=int, default=200)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    shared, workdir = C.shared_dir(args.shared), Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    queries = [q for q in args.queries.split(",") if q.strip()]
    print(C.machine_note())
    ix = archive(shared, workdir)
    with open_searcher(ix, "whoosh") as s:
        lists = compare_methods(s, queries)
        method_summary(lists)
        judge_nouns(s, shared, queries)
    rows = [latency(ix, queries, "archive, the queries above")]
    if args.size:
        mixed = C.ensure_index(shared, workdir, args.size)
        rows.append(latency(mixed, C.query_mix(shared, args.latency_queries), f"mixed {args.size:,}, query_mix"))
    print(C.table(list(rows[0]), [list(r.values()) for r in rows], "Latency of related_words (ms, in process)"))
    column_cost(ix)
    if args.json:
        Path(args.json).write_text(json.dumps({"lists": lists, "latency": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
