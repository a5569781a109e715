"""Sweep ranking parameters on a judged set, in one process over one index.

usage: python bench/quality_sweep.py EVAL_DIR INDEX_DIR [--sample N] [--set name=v1,v2 ...]

Each --set names a module attribute (query.COORD_SCALE, search.K1, search.BODY_B, search.TITLE_B,
query.FIELD_WEIGHTS.title) and the values to try; every combination is scored and printed.
The index is built (incrementally) from EVAL_DIR/corpus.jsonl first.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import random
import sys
import time
from pathlib import Path

from newsearch import analysis, query, search
from newsearch.evaluate import format_row, load_qrels, score_run
from newsearch.index import update_index


def _setter(name: str):
    mod, _, attr = name.partition(".")
    target = {"query": query, "search": search, "analysis": analysis}[mod]
    if "." in attr:
        dict_name, key = attr.split(".", 1)
        return lambda v: getattr(target, dict_name).__setitem__(key, v)
    return lambda v: setattr(target, attr, v)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("eval_dir", type=Path)
    ap.add_argument("index_dir", type=Path)
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--kiwi", default="", help='JSON of Kiwi(...) options to try, e.g. {"load_multi_dict": true}')
    args = ap.parse_args()
    if args.kiwi:
        from kiwipiepy import Kiwi

        from newsearch import config

        analysis._kiwi = Kiwi(num_workers=config.kiwi_workers(), **json.loads(args.kiwi))
    update_index(args.index_dir, [args.eval_dir / "corpus.jsonl"])
    qrels = load_qrels(args.eval_dir / "qrels.tsv")
    queries = [json.loads(line) for line in open(args.eval_dir / "queries.jsonl", encoding="utf-8")]
    if args.sample:
        random.Random(7).shuffle(queries)
        queries = queries[: args.sample]
    qrels = {q["id"]: qrels[q["id"]] for q in queries if q["id"] in qrels}
    # Kiwi's answer for a query does not change between settings: cache it.
    query.query_units = functools.lru_cache(maxsize=None)(query.query_units)
    grid = []
    for spec in args.set:
        name, _, values = spec.partition("=")
        grid.append([(name, float(v)) for v in values.split(",")])
    with search.Searcher(args.index_dir) as s:
        for combo in itertools.product(*grid) if grid else [()]:
            for name, value in combo:
                _setter(name)(value)
            query.query_units.cache_clear()
            s._searcher = s._ix.searcher(weighting=search._weighting())
            t0 = time.perf_counter()
            run = {}
            for q in queries:
                res = s.search(q["text"], limit=100, suggest=False, snippets=False, syntax=False)
                run[q["id"]] = [h.id for h in res.hits]
            label = " ".join(f"{n.split('.', 1)[1]}={v:g}" for n, v in combo) or "current"
            print(format_row(label, score_run(run, qrels)), f"{time.perf_counter() - t0:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
