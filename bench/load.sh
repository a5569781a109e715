#!/usr/bin/env bash
# Load benchmark (issue #7): wrk, 32 concurrent connections for 30 s on loopback against a real
# `newsearch serve`, cycling through 1,000 real queries on /api/search and /search (half each).
#
#   bash bench/load.sh [INDEX_DIR]
#
# Without INDEX_DIR it uses (building once if needed) the 100k mixed index of
# bench/query_latency.py in bench/out/latency/idx-100000 (SIZE=10000 for the 10k one).
# Environment: DURATION=30 CONNECTIONS=32 WRK_THREADS=2 SERVER_THREADS=8 WARMUP=5 SIZE=100000
#              SHARED=../shared
# Prints requests/s, errors (non-2xx and socket errors must both be 0), latency percentiles and the
# server's RSS at start, after a WARMUP-second warm-up run, and after the measured run (flat memory).
# Only 127.0.0.1 is contacted; every wrk run is bounded by DURATION. Exit code 1 when any error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DURATION="${DURATION:-30}"
CONNECTIONS="${CONNECTIONS:-32}"
WRK_THREADS="${WRK_THREADS:-2}"
SERVER_THREADS="${SERVER_THREADS:-8}"
WARMUP="${WARMUP:-5}"
SIZE="${SIZE:-100000}"
PY="${PYTHON:-python3}"
out="$here/out/load"
mkdir -p "$out"

command -v wrk >/dev/null || { echo "load.sh: error: wrk not found (apt-get install wrk)" >&2; exit 2; }
command -v newsearch >/dev/null || { echo "load.sh: error: newsearch not on PATH (pip install -e .)" >&2; exit 2; }

# Index and query paths (the helper exits with a one-line error when ../shared is missing).
index_dir="$(PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" "$PY" -c '
import sys
from pathlib import Path
import _common as C
arg, size, paths, shared = sys.argv[1:5]
sh = C.shared_dir(shared or None)
if arg:
    ix = Path(arg)
    if not ix.is_dir():
        C.die(f"no index at {ix}")
else:
    work = C.OUT_DIR / "latency"
    work.mkdir(parents=True, exist_ok=True)
    ix = C.ensure_index(sh, work, int(size), lambda m: print(m, file=sys.stderr))
qs = C.query_mix(sh, 1000, seed=7)
Path(paths).write_text("\n".join(C.api_path(q, "/api/search" if i % 2 == 0 else "/search")
                                 for i, q in enumerate(qs)) + "\n")
print(ix.resolve())
' "${1:-}" "$SIZE" "$out/paths.txt" "${SHARED:-}")"

port="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
newsearch serve --index "$index_dir" --host 127.0.0.1 --port "$port" --threads "$SERVER_THREADS" \
    >"$out/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

rss() { awk '/^VmRSS:/{r=$2} /^VmHWM:/{h=$2} END{printf "%.0f %.0f", r/1024, h/1024}' "/proc/$server/status"; }

t0=$(date +%s%N)
for _ in $(seq 1 1200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/api/search?q=%EB%89%B4%EC%8A%A4" 2>/dev/null; then break; fi
    kill -0 "$server" 2>/dev/null || { echo "load.sh: error: newsearch serve exited (see $out/serve.log)" >&2; exit 2; }
    sleep 0.1
done
ready=$(( ($(date +%s%N) - t0) / 1000000 ))
read -r rss_start _ <<<"$(rss)"

export WRK_PATHS="$out/paths.txt"
lua="$here/wrk_queries.lua"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s -s "$lua" "http://127.0.0.1:$port" \
    >"$out/wrk-warmup.txt" 2>&1
read -r rss_warm _ <<<"$(rss)"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$lua" \
    "http://127.0.0.1:$port" >"$out/wrk.txt" 2>&1
read -r rss_end rss_peak <<<"$(rss)"
kill -0 "$server" 2>/dev/null || { echo "load.sh: error: server died during the run" >&2; exit 1; }

json="$(grep '^WRKJSON ' "$out/wrk.txt" | sed 's/^WRKJSON //')"
[[ -n "$json" ]] || { echo "load.sh: error: no result from wrk:" >&2; cat "$out/wrk.txt" >&2; exit 2; }

"$PY" - "$json" "$index_dir" "$ready" "$rss_start" "$rss_warm" "$rss_end" "$rss_peak" \
    "$DURATION" "$CONNECTIONS" "$WRK_THREADS" "$SERVER_THREADS" <<'EOF'
import json, os, sys
j = json.loads(sys.argv[1])
ix, ready, r0, r1, r2, peak, dur, conns, wt, st = sys.argv[2:]
sock = j["connect_errors"] + j["read_errors"] + j["write_errors"] + j["timeouts"]
la = os.getloadavg()
print(f"\nLoad: wrk -t{wt} -c{conns} -d{dur}s on 127.0.0.1, /api/search + /search (1,000 queries cycled), "
      f"server --threads {st}")
print(f"index {ix}; server ready in {int(ready) / 1000:.1f}s")
print(f"machine: {os.cpu_count()} cores, load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}")
rows = [("requests", f"{j['requests']:,}"), ("requests/s", f"{j['rps']:.1f}"),
        ("non-2xx responses", str(j["non2xx"])),
        ("socket errors (connect/read/write/timeout)",
         f"{sock} ({j['connect_errors']}/{j['read_errors']}/{j['write_errors']}/{j['timeouts']})"),
        ("latency p50 / p90 / p99 / max ms",
         f"{j['p50_ms']:.0f} / {j['p90_ms']:.0f} / {j['p99_ms']:.0f} / {j['max_ms']:.0f}"),
        ("server RSS MB: start / after warm-up / after run", f"{r0} / {r1} / {r2}"),
        ("server peak RSS MB", peak)]
w = max(len(a) for a, _ in rows)
print(f"| {'measure'.ljust(w)} | value |")
print(f"|{'-' * (w + 2)}|-------|")
for a, b in rows:
    print(f"| {a.ljust(w)} | {b} |")
ok = j["non2xx"] == 0 and sock == 0
print("errors: none" if ok else "errors: NOT zero")
sys.exit(0 if ok else 1)
EOF
