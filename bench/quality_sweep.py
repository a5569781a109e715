"""Sweep ranking parameters on a judged set, in one process over one index.

usage: python bench/quality_sweep.py EVAL_DIR INDEX_DIR [--sample N] [--set name=v1,v2 ...]

Each --set names a field of newsearch.search.settings.Ranking (coord_scale, k1, body_b, title_b,
field_weights.title; the old module spellings query.COORD_SCALE, search.K1, ... still work) and the
values to try; every combination is scored and printed.
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

from newsearch.analysis import Analyzer, vocabulary
from newsearch.backends import open_searcher, update
from newsearch.search.evaluate import format_row, load_qrels, score_run
from newsearch.search.settings import Ranking


def _field(name: str) -> str:
    """A Ranking field (`k1`, `field_weights.title`); `search.K1`, `query.FIELD_WEIGHTS.title` also name them."""
    mod, _, attr = name.partition(".")
    if mod in ("query", "search") and attr:
        dict_name, dot, key = attr.partition(".")
        return dict_name.lower() + dot + key
    return name


def _ranking(combo) -> Ranking:
    """The default ranking with the combination's values."""
    values: dict = {}
    for name, value in combo:
        attr, _, key = _field(name).partition(".")
        if key:
            values.setdefault(attr, dict(getattr(Ranking(), attr)))[key] = value
        else:
            values[attr] = type(getattr(Ranking(), attr))(value)
    return Ranking(**values)


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

        analyzer = Analyzer.for_words(vocabulary.load_user_dict(vocabulary.user_dict_path()))
        kiwi = Kiwi(num_workers=config.kiwi_workers(), **json.loads(args.kiwi))
        for w in analyzer.words:
            kiwi.add_user_word(w.word, w.tag, w.score)
        analyzer._kiwi = kiwi
    update(args.index_dir, [args.eval_dir / "corpus.jsonl"])
    qrels = load_qrels(args.eval_dir / "qrels.tsv")
    queries = [json.loads(line) for line in open(args.eval_dir / "queries.jsonl", encoding="utf-8")]
    if args.sample:
        random.Random(7).shuffle(queries)
        queries = queries[: args.sample]
    qrels = {q["id"]: qrels[q["id"]] for q in queries if q["id"] in qrels}
    grid = []
    for spec in args.set:
        name, _, values = spec.partition("=")
        grid.append([(name, float(v)) for v in values.split(",")])
    cached = None
    for combo in itertools.product(*grid) if grid else [()]:
        with open_searcher(args.index_dir, ranking=_ranking(combo)) as s:
            analyzer = s.store.analyzer()
            if cached is None:
                # Kiwi's answer for a query does not change between settings: cache it.
                cached = analyzer.query_units = functools.lru_cache(maxsize=None)(analyzer.query_units)
            cached.cache_clear()
            t0 = time.perf_counter()
            run = {}
            for q in queries:
                res = s.search(q["text"], limit=100, suggest=False, snippets=False, syntax=False)
                run[q["id"]] = [h.id for h in res.hits]
            label = " ".join(f"{_field(n)}={v:g}" for n, v in combo) or "current"
            print(format_row(label, score_run(run, qrels)), f"{time.perf_counter() - t0:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
