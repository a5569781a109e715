#!/usr/bin/env bash
# Run every benchmark once, in sequence, at modest sizes (about 15-25 minutes on 2 busy cores).
# Full-size runs: see bench/README.md. Output also goes to bench/out/run_all.txt.
#   bash bench/run_all.sh [SHARED_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shared="${1:-$here/../../shared}"
[[ -d "$shared/corpus" ]] || { echo "run_all.sh: error: shared data not found at $shared (pass it as the argument)" >&2; exit 2; }
export SHARED="$shared"
mkdir -p "$here/out"
{
    set -x
    python3 "$here/index_throughput.py" --shared "$shared" --docs 2000 --repeat 2
    python3 "$here/reindex.py" --shared "$shared" --docs 10000 --repeat 2
    python3 "$here/query_latency.py" --shared "$shared" --sizes 10000 --queries 300 --wrk-seconds 5
    python3 "$here/cold_start.py" --shared "$shared" --size 10000 --runs 5
    python3 "$here/memory.py" --shared "$shared" --sizes 2000,10000 --queries 300
    DURATION=10 SIZE=10000 bash "$here/load.sh"
} 2>&1 | tee "$here/out/run_all.txt"
