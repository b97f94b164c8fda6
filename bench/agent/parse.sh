#!/usr/bin/env bash
# Decode + parse CPU per real message (bench/agent/ParseBench.java) for this checkout and for a base revision,
# interleaved in separate JVMs (the machine is noisy: compare within one run). Needs the recorded corpus.
# Usage: bench/agent/parse.sh [corpus,...] [messages per corpus] [passes] [rounds]
#        BASE=<git rev> (default main) is compiled from `git archive` into a temporary directory.
#        NEW_CORPUS=file,... : this checkout also reads these (e.g. the corpus rewritten into spans with attached
#        stacks by bench/corpus/attach_stack.py, which the base may not read), after each of its runs on CORPUS;
#        then bench/agent/StackCheckBench.java on them (the ingest check of an attached stack vs recompression).
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${1:-/work/corpus/wordpress.opa,/work/corpus/mediawiki.opa}
PER=${2:-200}
PASSES=${3:-5}
ROUNDS=${4:-2}
BASE=${BASE:-main}
mvn -q -o -DskipTests -Dskip.ui compile 2>/dev/null || mvn -q -DskipTests -Dskip.ui compile
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mvn -q dependency:build-classpath -Dmdep.outputFile="$TMP/cp" >/dev/null
DEPS=$(cat "$TMP/cp")
mkdir -p "$TMP/base-src" "$TMP/base"
git archive "$BASE" src/main/java | tar -x -C "$TMP/base-src"
javac -nowarn -d "$TMP/base" -cp "$DEPS" $(find "$TMP/base-src" -name '*.java') 2>&1 | grep -v '^Note:' || true
SIDES="base:$CORPUS new:$CORPUS${NEW_CORPUS:+ new:$NEW_CORPUS}"
for round in $(seq "$ROUNDS"); do
  for run in $SIDES; do
    side=${run%%:*}
    corpus=${run#*:}
    classes=$([ "$side" = base ] && echo "$TMP/base" || echo target/classes)
    echo "--- $side ($([ "$side" = base ] && echo "$BASE" || git rev-parse --short HEAD)), round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
    java -Xmx1g -cp "$classes:$DEPS" bench/agent/ParseBench.java "$corpus" "$PER" "$PASSES" 2>&1 | grep -v '^SLF4J'
  done
done
if [ -n "${NEW_CORPUS:-}" ]; then
  echo "--- the attached stacks of $NEW_CORPUS: the ingest check against what it replaces, load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Xmx1g -cp "target/classes:$DEPS" bench/agent/StackCheckBench.java "$NEW_CORPUS" "$PASSES" 2>&1 | grep -v '^SLF4J'
fi
