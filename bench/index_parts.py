#!/usr/bin/env python3
"""Indexing's Python work per document, stage by stage: the compiled kernels against their Python twins.

    python bench/index_parts.py [--dataset long|short] [--docs N] [--repeat K] [--shared DIR]

Kiwi runs once, untimed, over the dataset (long: Wikinews x3, 1,932 articles; short: the first 30k
reviews). Then, K times and alternating between the two kernel sets (newsearch._speedups and the
pure-Python twins in analysis/terms.py and backends/whoosh/segment_writer.py), on one thread with nothing else running:
  terms    analysis.terms.terms_from_tokens over every Kiwi result
  fields   backends.whoosh.writer.document_fields (the title's and body's terms as indexed, stored values)
  add      FastSegmentWriter.add_document for every document
  commit   the writer's commit (posting blocks, term index, columns, stored fields)
Prints the median microseconds per document of each stage. In the pipeline these run beside Kiwi's
workers on two cores and cost more (index_throughput.py's "Where the CPU goes").
"""

from __future__ import annotations

import argparse
import gc
import shutil
import sys
import tempfile
import time

from newsearch.analysis.analyzer import MATCH
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

STAGES = ("terms", "fields", "add", "commit")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", choices=("long", "short"), default="long")
    ap.add_argument("--docs", type=int, default=None, help="documents (default 1,932 articles / 30,000 reviews)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    shared = C.shared_dir(args.shared)

    from newsearch.analysis import Analyzer
    from newsearch.analysis import terms as analysis
    from newsearch.backends.whoosh import segment_writer as whoosh_fast
    from newsearch.backends.whoosh import store
    from newsearch.backends.whoosh.writer import document_fields
    from newsearch.compiled import speedups
    from newsearch.ingest import IndexedDoc, UpdateStats, analysis_fingerprint
    from newsearch.ingest.documents import terms_within, title_in_body
    from newsearch.ingest.scan import Scan
    from newsearch.ingest.sources import source_key

    if speedups is None:
        C.die("newsearch._speedups is not built (or NEWSEARCH_PURE_PYTHON is set): nothing to compare")
    tmp = Path(tempfile.mkdtemp(prefix="newsearch-parts-"))
    try:
        src = tmp / "docs.jsonl"
        rows = C.wikinews_copies(shared, 3, args.docs) if args.dataset == "long" else \
            C.reviews(shared, args.docs or 30_000)
        C.write_jsonl(rows, src)
        stats = UpdateStats()
        scan = Scan({}, analysis_fingerprint(), stats.problems.append, stats, {source_key(src)})
        arts = list(scan.articles([src]))
        spans = [title_in_body(a.title or "", a.body) for _, a in arts]
        texts = []
        for (_, a), span in zip(arts, spans):
            if span is None and a.title:
                texts.append(a.title)
            texts.append(a.body)
        analyzer = Analyzer.for_words()
        analysis.bind(analyzer)  # long nouns are split with this analyzer's (empty) dictionary
        tokens = list(analyzer.kiwi.tokenize(texts, match_options=MATCH))
        for t in tokens:  # long nouns' decompositions: cached for both kernel sets alike
            analysis.terms_from_tokens_py(t)
        kernels = {
            "compiled": (speedups.terms_from_tokens, speedups.add_characters, speedups.encode_term),
            "python": (analysis.terms_from_tokens_py, whoosh_fast._add_characters_py, whoosh_fast._encode_term_py),
        }
        saved = (analysis.terms_from_tokens, whoosh_fast._add_characters, whoosh_fast._encode_term)
        times: dict[tuple[str, str], list[float]] = {}
        gc.disable()
        try:
            for rep in range(args.repeat):
                for name, fns in kernels.items():
                    analysis.terms_from_tokens, whoosh_fast._add_characters, whoosh_fast._encode_term = fns
                    t = {}
                    t0 = time.perf_counter()
                    terms = [analysis.terms_from_tokens(x) for x in tokens]
                    t["terms"] = time.perf_counter() - t0
                    it = iter(terms)
                    items = []
                    for (doc, art), span in zip(arts, spans):
                        if span is not None:
                            body = next(it)
                            title = terms_within(body, *span)
                        elif art.title:
                            title, body = next(it), next(it)
                        else:
                            title, body = [], next(it)
                        items.append((doc, art, title, body))
                    ix = store.create_index(tmp / f"ix-{rep}-{name}")
                    writer = store.segment_writer(ix, 10)
                    t0 = time.perf_counter()
                    fields = [document_fields(IndexedDoc(*x)) for x in items]
                    t["fields"] = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    for f in fields:
                        writer.add_document(**f)
                    t["add"] = time.perf_counter() - t0
                    t0 = time.perf_counter()
                    writer.commit()
                    t["commit"] = time.perf_counter() - t0
                    ix.close()
                    for stage, sec in t.items():
                        times.setdefault((name, stage), []).append(sec / len(arts) * 1e6)
                    del terms, items, fields
                    gc.collect()
        finally:
            gc.enable()
            analysis.terms_from_tokens, whoosh_fast._add_characters, whoosh_fast._encode_term = saved
        rows_out = []
        for name in kernels:
            med = [C.median(times[(name, s)]) for s in STAGES]
            rows_out.append([name] + [f"{m:,.0f}" for m in med] + [f"{sum(med):,.0f}"])
        label = f"{len(arts):,} {'articles (Wikinews x3)' if args.dataset == 'long' else 'reviews'}"
        print(C.machine_note())
        print(C.table(["kernels", "terms us/doc", "fields us/doc", "add us/doc", "commit us/doc", "total us/doc"],
                      rows_out, title=f"Indexing's Python work per document, {label}, median of {args.repeat}"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
