#!/usr/bin/env bash
# Side-by-side ranking quality: newsearch vs Lucene/Nori (BM25) on one judged query set.
#
#   bench/quality.sh [EVAL_DIR]
#
# EVAL_DIR holds corpus.jsonl, queries.jsonl and qrels.tsv (default: ../shared/eval/korquad1_dev
# relative to the repo root). Runs land in bench/out/quality/ (git-ignored). Both runs are scored by
# the same code, `python3 -m newsearch.search.evaluate`, and printed as one table.
# (`python bench/news_eval.py` does the same for KorQuAD and the news sets together, in one table.)
#
# Environment:
#   NORI_ARGS="--k1 0.9 --b 0.4"  extra options for bench/nori/run.sh search
#   NORI_COMBINED=0               skip the Nori row over one combined title+body field (the stronger
#                                 Nori setup, which reproduces the reference 0.963; on by default)
#   QUALITY_OUT=DIR               output folder (default bench/out/quality)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-$root/../shared/eval/korquad1_dev}"
dir="$(cd "$dir" && pwd)"
out="${QUALITY_OUT:-$root/bench/out/quality}"
mkdir -p "$out"
corpus="$dir/corpus.jsonl"
queries="$dir/queries.jsonl"
qrels="$dir/qrels.tsv"
for f in "$corpus" "$queries" "$qrels"; do
    [[ -f "$f" ]] || { echo "quality.sh: missing $f" >&2; exit 1; }
done

export PYTHONPATH="$root/src${PYTHONPATH:+:$PYTHONPATH}"
runs=()   # "name:path" pairs to score

# (a) newsearch: its own CLI (prints its own metrics row; we re-score the run below).
echo "== newsearch eval $dir" >&2
ns=()
if command -v newsearch >/dev/null 2>&1; then
    ns=(newsearch)
elif python3 -c 'import newsearch.cli' >/dev/null 2>&1; then
    ns=(python3 -m newsearch.cli)
fi
rm -f "$out/newsearch.tsv"
if (( ${#ns[@]} == 0 )); then
    echo "note: the newsearch command is not available (pip install -e .); skipping the newsearch run" >&2
else
    start=$(date +%s%N)
    if (cd "$root" && "${ns[@]}" eval "$corpus" "$queries" "$qrels" --run "$out/newsearch.tsv"); then
        ms=$(( ($(date +%s%N) - start) / 1000000 ))
        printf 'newsearch: eval took %d.%03d s\n' $((ms / 1000)) $((ms % 1000)) >&2
        runs+=("newsearch:$out/newsearch.tsv")
    else
        echo "note: 'newsearch eval' failed (exit $?); continuing with Nori only" >&2
    fi
fi

# (b) Lucene 8 + Nori KoreanAnalyzer, BM25 k1=0.9 b=0.4, OR over title and body.
echo "== Lucene/Nori search $dir" >&2
# shellcheck disable=SC2086
bash "$root/bench/nori/run.sh" search "$corpus" "$queries" "$out/nori.tsv" ${NORI_ARGS:-}
runs+=("nori:$out/nori.tsv")
if [[ "${NORI_COMBINED:-1}" != 0 ]]; then
    # shellcheck disable=SC2086
    bash "$root/bench/nori/run.sh" search "$corpus" "$queries" "$out/nori-combined.tsv" \
        --fields combined --tag nori-combined ${NORI_ARGS:-}
    runs+=("nori-combined:$out/nori-combined.tsv")
fi

# Score every run with the same evaluator.
{
    echo "# $(basename "$dir"): $(grep -c . "$queries") queries, $(grep -c . "$corpus") documents"
    for r in "${runs[@]}"; do
        python3 -m newsearch.search.evaluate "$qrels" "${r#*:}" "${r%%:*}"
    done
} | tee "$out/quality.txt"
