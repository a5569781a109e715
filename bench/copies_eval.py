#!/usr/bin/env python3
"""Grouping wire copies (issue 18): pairwise precision and recall on a labelled set, groups on the real corpora,
the signature's cost against Kiwi's, and a sweep of the thresholds.

Usage: python3 bench/copies_eval.py [--shared PATH] [--seed 0] [--limit N] [--no-sweep] [--no-cost]

The labelled set (bench/copies_set.py): every full article of wikinews_ko and naver_scinews50 (at least 150
characters, no exact duplicate in the corpus) with one variant of each kind, plus the mined hard negatives
(tests/fixtures/copies/negatives.json). Signatures come from the real Analyzer's index terms. `find_groups`
runs over the variants plus the whole corpus (wikinews, scinews, bigkinds leads: the originals and the
negatives are corpus rows, every other row is a distractor).

Scores: pairs of labelled documents (originals, variants, negatives) in one predicted group against pairs in
one true group (an original and its variants); an original or variant grouped with an unrelated corpus row
counts as a false pair. The goal figures use the kinds in copies_set.KINDS; `first_para` (a one-paragraph
brief of a long story) is measured in a second run and reported apart, and so are `lead_only` negatives.

Real corpora: the corpus rows alone, as they are; the number of groups, and 50 random grouped pairs (each
grouped document with its group's lead) written with their texts to bench/out/copies_handcheck.txt for reading.

Cost: body_signature(body, terms) against Kiwi's tokenize of the same bodies, interleaved rounds, medians.

Sweep: COPY_JACCARD, COPY_CONTAINMENT and CONTAINED_JACCARD of newsearch.copies.groups monkeypatched (the
module reads them at call time), precision/recall, negatives grouped, groups on the real corpora.

Experiment: a date window on verified pairs (`windowed_finder`: groups.py's own steps plus one condition),
to measure what it would do to the real corpora's series-intro groups; not part of src.

Results and the hand check of the grouped pairs: bench/README.md, "Wire copies".
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

import copies_set as cs  # noqa: E402
from _common import OUT_DIR, shared_dir, table  # noqa: E402

from newsearch.analysis import Analyzer  # noqa: E402
from newsearch.analysis.analyzer import MATCH  # noqa: E402
from newsearch.copies import body_signature, find_groups  # noqa: E402
from newsearch.copies import groups as groups_mod  # noqa: E402

LENGTH_BUCKETS = ((0, 300), (300, 600), (600, 1200), (1200, 10**9))


def pct(x: float) -> str:
    return f"{100 * x:.2f}%"


class Run:
    """The labelled set, the corpus and their signatures, evaluated under the current thresholds."""

    def __init__(self, corpus: dict, originals: list, variants: list, negatives: list, sigs: dict):
        self.corpus, self.originals, self.variants = corpus, originals, variants
        self.negatives, self.sigs = negatives, sigs
        self.orig_ids = {o.id for o in originals}
        # Documents of the goal negatives are labelled; those only in lead_only pairs are neither labelled
        # nor distractors (their visible text is a copy; see negatives.json), so they count nowhere but there.
        self.neg_ids = {p[k] for p in negatives if p["kind"] != "lead_only" for k in ("a", "b")}
        self.lead_only_ids = {p[k] for p in negatives if p["kind"] == "lead_only" for k in ("a", "b")} - self.neg_ids

    def evaluate(self, kinds, finder=None) -> dict:
        kinds = set(kinds)
        vs = [v for v in self.variants if v.kind in kinds]
        docs = list(self.corpus.values()) + vs
        t0 = time.perf_counter()
        g = (finder or find_groups)(cs.members(docs, self.sigs))
        took = time.perf_counter() - t0
        keys = cs.negative_keys()
        labelled = {i: keys.get(i, i) for i in self.orig_ids | self.neg_ids}
        labelled.update({v.id: v.source for v in vs})
        set_ids = self.orig_ids | {v.id for v in vs}
        distractors = set(self.corpus) - self.orig_ids - self.neg_ids - self.lead_only_ids
        sc = cs.pair_scores(g, labelled, set_ids, distractors)
        per_kind = defaultdict(lambda: [0, 0])
        per_len = defaultdict(lambda: [0, 0])
        misses = []
        for v in vs:
            ok = g.lead_of(v.id) == g.lead_of(v.source)
            per_kind[v.kind][0] += 1
            per_kind[v.kind][1] += ok
            n = len(self.corpus[v.source].body)
            b = next(b for b in LENGTH_BUCKETS if b[0] <= n < b[1])
            per_len[b][0] += 1
            per_len[b][1] += ok
            if not ok:
                misses.append(v)
        negs = defaultdict(lambda: [0, 0, []])
        for p in self.negatives:
            same = g.lead_of(p["a"]) == g.lead_of(p["b"])
            negs[p["kind"]][0] += 1
            negs[p["kind"]][1] += same
            if same:
                negs[p["kind"]][2].append(p)
        false_pairs = []
        for grp in g.groups:
            lab = [m for m in grp if m in labelled]
            false_pairs += [(a, b) for a, b in itertools.combinations(lab, 2) if labelled[a] != labelled[b]]
        dis = []
        for grp in g.groups:
            s = [m for m in grp if m in set_ids]
            d = [m for m in grp if m in distractors]
            if s and d:
                dis.append((s, d))
        return {"groups": g, "scores": sc, "per_kind": dict(per_kind), "per_len": dict(per_len), "misses": misses,
                "negatives": dict(negs), "distractor_groups": dis, "false_pairs": false_pairs,
                "find_groups_s": took, "docs": len(docs)}

    def real(self, finder=None) -> tuple:
        docs = list(self.corpus.values())
        return (finder or find_groups)(cs.members(docs, self.sigs)), docs


def _day(date: str) -> int:
    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        return -1


def windowed_finder(days: int):
    """An experiment, not the product: copies.groups.find_groups with one more condition on a verified pair,
    dates at most `days` apart (an undated member pairs with any). Built from groups.py's own steps."""
    def find(members):
        have = [m for m in members if m.signature is not None]
        if len(have) < 2:
            return groups_mod.Groups()
        values = np.stack([m.signature.values for m in have])
        sizes = np.array([m.signature.size for m in have], dtype=np.float64)
        left, right = groups_mod._candidates(values)
        keep = groups_mod._verified(values, sizes, left, right)
        d = np.array([_day(m.date) for m in have])
        keep &= (d[left] < 0) | (d[right] < 0) | (np.abs(d[left] - d[right]) <= days)
        comps = groups_mod._components(len(have), left[keep], right[keep])
        rows = [(m.id, m.date or "\uffff", m.signature.length) for m in have]
        return groups_mod.Groups(sorted((groups_mod._ordered([rows[i] for i in c]) for c in comps), key=lambda g: g[0]))
    return find


def report_eval(name: str, ev: dict, run: Run) -> dict:
    sc = ev["scores"]
    print(f"\n## {name}: {ev['docs']} documents, find_groups {ev['find_groups_s']:.2f} s")
    print(f"pairwise precision {pct(sc.precision)} ({sc.tp}/{sc.predicted}), recall {pct(sc.recall)} "
          f"({sc.tp}/{sc.true}); set documents grouped with unrelated corpus rows: {sc.distractor_fp} pairs")
    kinds = sorted(ev["per_kind"].items(), key=lambda x: cs.ALL_KINDS.index(x[0]))
    rows = [[k, n, ok, pct(ok / n)] for k, (n, ok) in kinds]
    print(table(["kind", "variants", "grouped with original", "recall"], rows))
    rows = [[f"{a}-{b if b < 10**9 else ''}", n, ok, pct(ok / n)] for (a, b), (n, ok) in sorted(ev["per_len"].items())]
    print(table(["original chars", "variants", "grouped", "recall"], rows))
    rows = [[k, n, same] for k, (n, same, _) in sorted(ev["negatives"].items())]
    print(table(["negative kind", "pairs", "grouped (false)"], rows))
    for k, (_, _, grouped) in sorted(ev["negatives"].items()):
        for p in grouped:
            j, c = cs.estimate(run.sigs[p["a"]], run.sigs[p["b"]])
            print(f"  grouped negative [{k}] {p['a']} {p['b']} J={j:.2f} contained={c:.2f}: {p['why']}")
    for a, b in ev["false_pairs"][:20]:
        j, c = cs.estimate(run.sigs[a], run.sigs[b])
        group = ev["groups"].members(ev["groups"].lead_of(a))
        print(f"  false pair {a} ~ {b} (direct J={j:.2f} contained={c:.2f}; group {group})")
    for s, d in ev["distractor_groups"][:20]:
        print(f"  set documents {s} grouped with corpus rows {d[:5]}{'...' if len(d) > 5 else ''}")
    miss_kinds = Counter(v.kind for v in ev["misses"])
    for v in ev["misses"][:12]:
        j, c = cs.estimate(run.sigs[v.id], run.sigs[v.source])
        sv, so = run.sigs[v.id], run.sigs[v.source]
        print(f"  missed {v.id}: J={j:.2f} contained={c:.2f} shingles {sv.size if sv else None}/"
              f"{so.size if so else None}")
    return {"precision": sc.precision, "recall": sc.recall, "tp": sc.tp, "predicted": sc.predicted, "true": sc.true,
            "distractor_fp": sc.distractor_fp, "false_pairs": ev["false_pairs"],
            "per_kind": {k: {"variants": n, "grouped": ok} for k, (n, ok) in ev["per_kind"].items()},
            "negatives": {k: {"pairs": n, "grouped": s, "which": [[p["a"], p["b"]] for p in ps]}
                          for k, (n, s, ps) in ev["negatives"].items()},
            "missed": dict(miss_kinds)}


def hand_check_sample(g, docs_by_id: dict, sigs: dict, n: int, seed: int) -> list[tuple[str, str]]:
    pairs = [(m, grp[0]) for grp in g.groups for m in grp[1:]]
    rng = random.Random(f"handcheck|{seed}")
    return sorted(rng.sample(pairs, min(n, len(pairs))))


def write_hand_check(path: Path, pairs, docs_by_id: dict, sigs: dict, g) -> None:
    lines = []
    for k, (a, b) in enumerate(pairs, 1):
        j, c = cs.estimate(sigs[a], sigs[b])
        lines.append(f"=== {k:02d} {a} (lead {b}) group size {len(g.members(b))} J={j:.2f} contained={c:.2f}")
        for i in (b, a):
            d = docs_by_id[i]
            body = d.body if len(d.body) <= 700 else d.body[:450] + " [...] " + d.body[-200:]
            lines.append(f"  {i} {d.date} {d.publisher} | {d.title}")
            lines.append("    " + body.replace("\n", " / "))
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def cost(run: Run, n: int, rounds: int, seed: int) -> dict:
    """Median per-document cost of body_signature (terms given) and of Kiwi's tokenize, interleaved rounds."""
    an = Analyzer.for_words()
    kiwi = an.kiwi
    pool = sorted(run.originals, key=lambda d: d.id)
    docs = random.Random(f"cost|{seed}").sample(pool, min(n, len(pool)))
    bodies = [d.body for d in docs]
    terms = [an.terms(b) for b in bodies]
    for b in bodies[:5]:
        kiwi.tokenize(b, match_options=MATCH)
    tok, sig = [], []
    for r in range(rounds):
        order = ("tok", "sig") if r % 2 == 0 else ("sig", "tok")
        for what in order:
            t0 = time.perf_counter()
            if what == "tok":
                for b in bodies:
                    kiwi.tokenize(b, match_options=MATCH)
                tok.append(time.perf_counter() - t0)
            else:
                for b, t in zip(bodies, terms):
                    body_signature(b, t)
                sig.append(time.perf_counter() - t0)
    chars = sum(map(len, bodies))
    mt, ms = statistics.median(tok), statistics.median(sig)
    return {"docs": len(bodies), "chars": chars, "rounds": rounds, "tokenize_ms_per_doc": 1000 * mt / len(bodies),
            "signature_ms_per_doc": 1000 * ms / len(bodies), "ratio": ms / mt,
            "tokenize_rounds_s": tok, "signature_rounds_s": sig}


def sweep(run: Run) -> list[dict]:
    saved = (groups_mod.COPY_JACCARD, groups_mod.COPY_CONTAINMENT, groups_mod.CONTAINED_JACCARD)
    grid = list(itertools.product((0.3, 0.4, 0.5, 0.6, 0.7), (0.6, 0.7, 0.8, 0.9, 1.01), (0.1, 0.15, 0.2, 0.3)))
    out = []
    try:
        for jac, cont, cjac in grid:
            groups_mod.COPY_JACCARD, groups_mod.COPY_CONTAINMENT, groups_mod.CONTAINED_JACCARD = jac, cont, cjac
            main = run.evaluate(cs.KINDS)
            hard = run.evaluate(("first_para",))
            real, _ = run.real()
            neg = main["negatives"]
            out.append({
                "COPY_JACCARD": jac, "COPY_CONTAINMENT": cont, "CONTAINED_JACCARD": cjac,
                "precision": main["scores"].precision, "recall": main["scores"].recall,
                "lead_half_recall": _kind_recall(main, "lead_half"), "cut_end_recall": _kind_recall(main, "cut_end"),
                "first_para_recall": _kind_recall(hard, "first_para"),
                "first_para_precision": hard["scores"].precision,
                "neg_grouped": sum(neg.get(k, [0, 0])[1] for k in ("same_event", "follow_up")),
                "lead_only_grouped": neg.get("lead_only", [0, 0])[1],
                "real_groups": len(real), "real_grouped_docs": real.grouped,
            })
    finally:
        groups_mod.COPY_JACCARD, groups_mod.COPY_CONTAINMENT, groups_mod.CONTAINED_JACCARD = saved
    return out


def _kind_recall(ev: dict, kind: str) -> float:
    n, ok = ev["per_kind"].get(kind, (0, 0))
    return ok / n if n else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared")
    ap.add_argument("--seed", type=int, default=0, help="variant seed (default 0)")
    ap.add_argument("--limit", type=int, help="use only N random originals (quick runs)")
    ap.add_argument("--pairs", type=int, default=50, help="grouped pairs printed for the hand check")
    ap.add_argument("--cost-docs", type=int, default=300)
    ap.add_argument("--cost-rounds", type=int, default=7)
    ap.add_argument("--no-cost", action="store_true")
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("--out", default=str(OUT_DIR / "copies_eval.json"))
    args = ap.parse_args(argv)
    shared = shared_dir(args.shared)

    t0 = time.perf_counter()
    corpus = cs.load_corpus(shared)
    originals = sorted(cs.eligible_originals(corpus), key=lambda d: d.id)
    if args.limit:
        originals = sorted(random.Random(f"limit|{args.seed}").sample(originals, args.limit), key=lambda d: d.id)
    variants = [cs.make_variant(o, k, args.seed) for o in originals for k in cs.ALL_KINDS]
    negatives = cs.load_negatives()
    dups = cs.exact_duplicates(corpus.values())
    print(f"corpus rows {len(corpus)} ({sum(1 for i in corpus if i.startswith('kowikinews'))} wikinews, "
          f"{sum(1 for i in corpus if i.startswith('scinews'))} scinews, "
          f"{sum(1 for i in corpus if i.startswith('bigkinds'))} bigkinds); exact duplicate bodies {len(dups)}")
    print(f"originals {len(originals)}, variants {len(variants)} ({len(cs.ALL_KINDS)} kinds, seed {args.seed}), "
          f"negative pairs {len(negatives)} {dict(Counter(p['kind'] for p in negatives))}")
    an = Analyzer.for_words()
    an.warm_up()
    t1 = time.perf_counter()
    sigs = cs.signatures(list(corpus.values()) + variants, an)
    t2 = time.perf_counter()
    print(f"read {t1 - t0:.1f} s; terms + signatures of {len(sigs)} documents {t2 - t1:.1f} s; "
          f"without a signature: {sum(s is None for s in sigs.values())}")
    run = Run(corpus, originals, variants, negatives, sigs)
    thresholds = {"COPY_JACCARD": groups_mod.COPY_JACCARD, "COPY_CONTAINMENT": groups_mod.COPY_CONTAINMENT,
                  "CONTAINED_JACCARD": groups_mod.CONTAINED_JACCARD, "NUM_PERM": groups_mod.NUM_PERM,
                  "ROWS": groups_mod.ROWS}
    print(f"thresholds {thresholds}")
    src = {f.name: hashlib.sha1(f.read_bytes()).hexdigest()[:12]
           for f in sorted((BENCH.parent / "src" / "newsearch" / "copies").glob("*.py"))}
    print(f"src/newsearch/copies sha1 {src}")
    result = {"thresholds": thresholds, "src_sha1": src, "originals": len(originals), "variants": len(variants),
              "negatives": len(negatives)}
    result["main"] = report_eval("labelled set, kinds " + " ".join(cs.KINDS), run.evaluate(cs.KINDS), run)
    result["first_para"] = report_eval("hard kind first_para (one-paragraph briefs), apart",
                                       run.evaluate(("first_para",)), run)

    g, docs = run.real()
    by_corpus = Counter(grp[0].split("-")[0] for grp in g.groups)
    sizes = Counter(len(grp) for grp in g.groups)
    print(f"\n## real corpora as they are: {len(docs)} rows, {len(g)} groups holding {g.grouped} rows; "
          f"groups by lead's corpus {dict(by_corpus)}; sizes {dict(sorted(sizes.items()))}")
    docs_by_id = {d.id: d for d in docs}
    pairs = hand_check_sample(g, docs_by_id, sigs, args.pairs, args.seed)
    hc = OUT_DIR / "copies_handcheck.txt"
    write_hand_check(hc, pairs, docs_by_id, sigs, g)
    print(f"{len(pairs)} random grouped pairs (member, lead) of {sum(len(x) - 1 for x in g.groups)} written to {hc}")
    for k, (a, b) in enumerate(pairs, 1):
        j, c = cs.estimate(sigs[a], sigs[b])
        print(f"  {k:02d} {a} ~ {b} J={j:.2f} contained={c:.2f}")
    result["real"] = {"rows": len(docs), "groups": len(g), "grouped_rows": g.grouped, "by_corpus": dict(by_corpus),
                      "sizes": {str(k): v for k, v in sizes.items()}, "hand_check_pairs": pairs}

    if not args.no_cost:
        c = cost(run, args.cost_docs, args.cost_rounds, args.seed)
        print(f"\n## cost on {c['docs']} article bodies ({c['chars']} chars), {c['rounds']} interleaved rounds, "
              f"medians: Kiwi tokenize {c['tokenize_ms_per_doc']:.2f} ms/doc, "
              f"body_signature {c['signature_ms_per_doc']:.3f} ms/doc, "
              f"ratio {c['ratio']:.3f}")
        result["cost"] = c

    if not args.no_sweep:
        t = time.perf_counter()
        sw = sweep(run)
        print(f"\n## threshold sweep ({len(sw)} settings, {time.perf_counter() - t:.0f} s); "
              f"the goal: P >= 0.99 and R >= 0.95")
        rows = [[s["COPY_JACCARD"], s["COPY_CONTAINMENT"], s["CONTAINED_JACCARD"], pct(s["precision"]),
                 pct(s["recall"]),
                 pct(s["cut_end_recall"]), pct(s["lead_half_recall"]), pct(s["first_para_recall"]), s["neg_grouped"],
                 s["lead_only_grouped"], s["real_groups"], s["real_grouped_docs"]] for s in sw]
        print(table(["J", "C", "CJ", "precision", "recall", "cut_end", "lead_half", "first_para", "neg grouped",
                     "lead_only", "real groups", "real rows"], rows))
        result["sweep"] = sw

    rows = []
    for days in (None, 0, 1, 3, 7, 30):
        finder = windowed_finder(days) if days is not None else None
        main_ev, hard_ev = run.evaluate(cs.KINDS, finder), run.evaluate(("first_para",), finder)
        real, _ = run.real(finder)
        neg = main_ev["negatives"]
        rows.append([("none" if days is None else days), pct(main_ev["scores"].precision),
                     pct(main_ev["scores"].recall),
                     pct(_kind_recall(hard_ev, "first_para")),
                     sum(neg.get(k, [0, 0])[1] for k in ("same_event", "follow_up")),
                     f"{neg.get('lead_only', [0, 0])[1]}/{neg.get('lead_only', [0, 0])[0]}", len(real), real.grouped,
                     max((len(x) for x in real.groups), default=0)])
    print("\n## experiment: a date window on verified pairs (not in src; see windowed_finder)")
    print(table(["days", "precision", "recall", "first_para", "neg grouped", "lead_only grouped", "real groups",
                 "real rows", "largest"], rows))
    result["date_window"] = rows

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
