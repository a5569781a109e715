#!/usr/bin/env bash
# Compile (if needed) and run the Lucene/Nori baseline runner bench/nori/NoriRun.java.
#
#   bench/nori/run.sh search CORPUS.jsonl QUERIES.jsonl RUN_OUT.tsv [--k1 0.9 --b 0.4] [--hits 100]
#   bench/nori/run.sh index  CORPUS.jsonl[.gz] [--threads N] [--repeat R] [--limit N]
#
# Uses Debian's liblucene8-java jars (override the directory with LUCENE_JAR_DIR) and plain javac;
# classes go to bench/out/nori-classes (git-ignored; override with NORI_CLASSES).
# Extra JVM flags can be passed in NORI_JAVA_OPTS (e.g. NORI_JAVA_OPTS=-Xmx8g).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
src="$here/NoriRun.java"
classes="${NORI_CLASSES:-$repo/bench/out/nori-classes}"
jars="${LUCENE_JAR_DIR:-/usr/share/java}"

cp=""
for m in core analyzers-common analyzers-nori queryparser queries sandbox highlighter; do
    jar="$(ls "$jars"/lucene-"$m"-8.*.jar 2>/dev/null | grep -v -- '-8\.x\.jar' | sort -V | tail -n 1 || true)"
    if [[ -z "$jar" ]]; then
        echo "run.sh: lucene-$m-8.*.jar not found in $jars (apt-get install liblucene8-java)" >&2
        exit 1
    fi
    cp="${cp:+$cp:}$jar"
done

if [[ ! -f "$classes/NoriRun.class" || "$src" -nt "$classes/NoriRun.class" ]]; then
    mkdir -p "$(dirname "$classes")"
    build="$(mktemp -d "$(dirname "$classes")/.nori-build.XXXXXX")"
    trap 'rm -rf "$build"' EXIT
    javac -encoding UTF-8 -nowarn -d "$build" -cp "$cp" "$src" >&2
    rm -rf "$classes"
    mv "$build" "$classes"
    trap - EXIT
fi

# shellcheck disable=SC2086
exec java ${NORI_JAVA_OPTS:-} -cp "$classes:$cp" NoriRun "$@"
