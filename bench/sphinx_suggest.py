#!/usr/bin/env python3
"""Did-you-mean on both stores (issue 22): the same words, the same suggestions, the same bounded cost.

    python bench/sphinx_suggest.py [--workdir bench/out/sphinx-suggest] [--shared DIR] [--repeat 3]

Index: `corpus/wikinews_ko.jsonl` + `corpus/bigkinds_leads.jsonl` (about 2,500 articles) into a Whoosh index
and into a namespace of a two-node local searchd cluster (started here, stopped at the end; needs searchd).
  words      the Sphinx writers' `sphinx_words.json` (size, words, words of 2+ documents) against the
             Whoosh vocabulary: equal or not
  typos      tests/fixtures/typos.tsv on each store: suggestions equal between the stores, corrected
             share, took_ms median and max (median of REPEAT runs each)
  zero-hit   2,000 characters of `x`, of `헬`, of Hanja: took_ms on each store (median of REPEAT)
  first      the first query of a fresh searcher (its vocabulary built then), per store
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

TYPOS = C.REPO / "tests" / "fixtures" / "typos.tsv"
HANJA = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(2000))
ZERO_HIT = [("2,000 x 'x'", "x" * 2000), ("2,000 x '헬'", "헬" * 2000), ("2,000 Hanja", HANJA)]


def typos() -> list[tuple[str, str]]:
    rows = [line.split("\t")[:2] for line in TYPOS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return [(a, b) for a, b in rows]


def median_ms(searcher, text: str, repeat: int):
    runs, res = [], None
    for _ in range(repeat):
        res = searcher.search(text)
        runs.append(res.took_ms)
    return statistics.median(runs), res


def measure(searcher, repeat: int) -> dict:
    t0 = time.perf_counter()
    searcher.search("헬스캐어")
    first = (time.perf_counter() - t0) * 1000
    rows = []
    for typo, want in typos():
        ms, res = median_ms(searcher, typo, repeat)
        rows.append({"typo": typo, "suggestion": res.suggestion, "ms": ms,
                     "corrected": want in (res.suggestion, res.searched)})
    zero = {label: median_ms(searcher, text, repeat)[0] for label, text in ZERO_HIT}
    return {"first_ms": first, "typos": rows, "zero_hit": zero}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default=str(C.REPO / "bench" / "out" / "sphinx-suggest"))
    ap.add_argument("--shared", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("searchd"):
        C.die("searchd is not installed (apt-get install sphinxsearch)")
    from newsearch.backends import open_searcher, update
    from newsearch.backends.sphinx import words
    from newsearch.backends.sphinx.local import LocalCluster
    from newsearch.backends.whoosh import spelling

    shared = C.shared_dir(args.shared)
    sources = [C.need(shared / "corpus" / "wikinews_ko.jsonl"), C.need(shared / "corpus" / "bigkinds_leads.jsonl")]
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cluster = LocalCluster(work / "cluster", n=2).start()
    try:
        os.environ.update(cluster.env)
        out = {}
        for name in ("whoosh", "sphinx"):
            t0 = time.perf_counter()
            stats = update(work / name, sources, name=name)
            print(f"{name}: {stats.summary()} ({time.perf_counter() - t0:.1f}s)")
        searchers = {name: open_searcher(work / name, name) for name in ("whoosh", "sphinx")}
        for name, s in searchers.items():
            out[name] = measure(s, args.repeat)
        store = searchers["whoosh"].store
        vocab = spelling.vocabulary(store._current(), store.index_dir)
        kept = words.kept(work / "sphinx")
        path = work / "sphinx" / words.WORDS
        df = json.loads(path.read_text(encoding="utf-8"))["df"]
        same_vocab = (dict(zip(vocab.words, vocab.df.tolist()))
                      == dict(zip(kept.vocab.words, kept.vocab.df.tolist())))
        print(f"{words.WORDS}: {path.stat().st_size / 1e6:.2f} MB, {len(df):,} words, "
              f"{sum(1 for n in df.values() if n >= 2):,} of 2+ documents; the same vocabulary as Whoosh's: "
              f"{'yes' if same_vocab else 'NO'}")
        pairs = zip(out["whoosh"]["typos"], out["sphinx"]["typos"])
        same = sum(a["suggestion"] == b["suggestion"] for a, b in pairs)
        print(f"typos: the same suggestion on both stores for {same} of {len(typos())}")
        rows = []
        for name in ("whoosh", "sphinx"):
            got = out[name]
            ms = [r["ms"] for r in got["typos"]]
            rows.append([name, sum(r["corrected"] for r in got["typos"]), statistics.median(ms), max(ms),
                         *got["zero_hit"].values(), got["first_ms"]])
        print(C.table(["store", "typos corrected", "typo ms p50", "typo ms max",
                       *[f"{label} ms" for label, _t in ZERO_HIT], "first query ms"], rows))
        for s in searchers.values():
            s.close()
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
