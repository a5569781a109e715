"""Retrieval metrics (nDCG@10, MRR@10, Recall@100) over TREC-style runs and qrels."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Iterable

from .core import Searcher
from .model import SearchRequest


def load_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """Read `query-id<TAB>corpus-id<TAB>score` (a header line is skipped; TREC 4-column qrels also work)."""
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 4:  # TREC: qid iter docid rel
                parts = [parts[0], parts[2], parts[3]]
            if len(parts) != 3:
                continue
            qid, docid, rel = parts
            try:
                grade = int(float(rel))
            except ValueError:
                continue  # header
            qrels.setdefault(qid, {})[docid] = grade
    return qrels


def load_run(path: str | Path) -> dict[str, list[str]]:
    """Read a TREC run (`qid Q0 docid rank score tag`) into ranked doc-id lists."""
    scored: dict[str, list[tuple[int, str]]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 6:
                continue
            scored.setdefault(parts[0], []).append((int(parts[3]), parts[2]))
    return {qid: [d for _, d in sorted(rows)] for qid, rows in scored.items()}


def write_run(path: str | Path, run: dict[str, list[tuple[str, float]]], tag: str = "newsearch") -> None:
    """Write ranked (doc-id, score) lists per query in TREC format."""
    with open(path, "w", encoding="utf-8") as fh:
        for qid, ranked in run.items():
            for rank, (docid, score) in enumerate(ranked, 1):
                fh.write(f"{qid} Q0 {docid} {rank} {score:.4f} {tag}\n")


def ndcg_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** rels.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rels.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def mrr_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    for i, d in enumerate(ranked[:k]):
        if rels.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: list[str], rels: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, g in rels.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def score_run(run: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    """Mean metrics over every judged query (a query missing from the run scores 0)."""
    judged = [q for q, r in qrels.items() if any(g > 0 for g in r.values())]
    if not judged:
        return {"ndcg@10": 0.0, "mrr@10": 0.0, "recall@100": 0.0, "queries": 0}
    n = len(judged)
    return {
        "ndcg@10": sum(ndcg_at(run.get(q, []), qrels[q]) for q in judged) / n,
        "mrr@10": sum(mrr_at(run.get(q, []), qrels[q]) for q in judged) / n,
        "recall@100": sum(recall_at(run.get(q, []), qrels[q]) for q in judged) / n,
        "queries": n,
    }


def run_queries(searcher: Searcher, queries: Iterable[tuple[object, str]], depth: int = 100
                ) -> dict[str, list[tuple[str, float]]]:
    """Each query's ranked (doc-id, score) list, `depth` deep: questions as plain words, no snippets.

    Copies are not grouped: judgements are of documents, and a run lists every one (as Lucene's does).
    """
    run: dict[str, list[tuple[str, float]]] = {}
    for qid, text in queries:
        res = searcher.search(SearchRequest(text, limit=depth, suggest=False, snippets=False, syntax=False,
                                            group=False))
        run[str(qid)] = [(h.id, h.score) for h in res.hits]
    return run


def format_row(name: str, metrics: dict[str, float]) -> str:
    return (f"{name:<24} nDCG@10 {metrics['ndcg@10']:.4f}  MRR@10 {metrics['mrr@10']:.4f}  "
            f"Recall@100 {metrics['recall@100']:.4f}  queries {metrics['queries']}")


def main(argv: list[str] | None = None) -> int:
    """`python -m newsearch.evaluate QRELS RUN [NAME]`: score a TREC run file."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m newsearch.evaluate QRELS.tsv RUN.tsv [NAME]", file=sys.stderr)
        return 2
    metrics = score_run(load_run(args[1]), load_qrels(args[0]))
    print(format_row(args[2] if len(args) > 2 else Path(args[1]).stem, metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
