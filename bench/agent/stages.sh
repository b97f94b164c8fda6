#!/usr/bin/env bash
# The agent's CPU stages without sockets (bench/agent/StoreBench.java): parser rate and DuckDB store rate on
# LoadGen's realistic traces, in one JVM. Compare DuckDB settings within one run (the machine is noisy).
# Usage: bench/agent/stages.sh [traces] [passes]        e.g. bench/agent/stages.sh 20000 3
set -euo pipefail
cd "$(dirname "$0")/../.."
TRACES=${1:-20000}
PASSES=${2:-3}
mvn -q -o -DskipTests -Dskip.ui compile 2>/dev/null || mvn -q -DskipTests -Dskip.ui compile
CP_FILE=$(mktemp)
OUT=$(mktemp -d)
trap 'rm -rf "$CP_FILE" "$OUT"' EXIT
mvn -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="target/classes:$(cat "$CP_FILE")"
javac -d "$OUT" -cp "$CP" bench/agent/LoadGen.java bench/agent/StoreBench.java
# memory-limit checkpoint-threshold threads: application.yaml's defaults (threads = cores = 2 here), with
# threads 1, then DuckDB's own defaults
for settings in "128MB 128MB 2" "128MB 128MB 1" "128MB 16MB 2"; do
  set -- $settings
  echo "--- DuckDB memory_limit=$1 checkpoint_threshold=$2 threads=$3, load $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Xmx3g -cp "$OUT:$CP" StoreBench "$TRACES" "$PASSES" "$1" "$2" "$3" 2>&1 | grep -E '^(parse|store) pass'
done
