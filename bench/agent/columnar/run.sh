#!/usr/bin/env bash
# Manual benchmark (not run by CI): the embedded store's write path on real spans, DuckDB Appenders as
# DuckDbSpanStore uses them against DuckDB's columnar ingest paths (an Arrow C stream registered on the connection +
# INSERT ... SELECT; the large details as Parquet files per batch), each with preserve_insertion_order on/off and the
# store's settings (memory_limit, checkpoint_threshold 16MB), on a fresh database file per cell, methods interleaved
# and rotated every round. Thread CPU, process CPU and wall time per span and per batch, thread CPU per phase.
# See the javadoc of ColumnarBench.java for what each method writes.
# Usage: bench/agent/columnar/run.sh [rounds] [full corpus,...] [summary corpus,...] [memory_limit]
#   defaults: 3 rounds (after a warm-up round), /work/corpus/{wordpress,mediawiki}.opa (PER_FILE=150 captures of
#   each are parsed and cycled), the matching *-summary.opa, memory_limit 128MB (application.yaml).
#   Needs the recorded corpus, the agent compiled (mvn -o -Dskip.ui -DskipTests package) and Maven for Arrow
#   (bench/agent/columnar/pom.xml: arrow-vector, arrow-memory-unsafe, arrow-c-data). Writes under /tmp/columnar-bench-*.
# Then CommitProbe.java: thread CPU of appender open/close and COMMIT for tiny transactions, data disk vs tmpfs.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROUNDS=${1:-3}
FULL=${2:-/work/corpus/wordpress.opa,/work/corpus/mediawiki.opa}
SUMMARY=${3:-/work/corpus/wordpress-summary.opa,/work/corpus/mediawiki-summary.opa}
MEMORY=${4:-128MB}
[ -d target/classes/dev/opa/agent ] || mvn -B -ntp -q -o -Dskip.ui -DskipTests compile
TMP=$(mktemp -d /tmp/columnar-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$TMP/agent.cp" >/dev/null
mvn -B -ntp -q -f bench/agent/columnar/pom.xml dependency:build-classpath -Dmdep.outputFile="$TMP/arrow.cp" >/dev/null
echo "--- $(date -u +%FT%TZ) $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx3g -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn --add-opens=java.base/java.nio=ALL-UNNAMED -DperFile="${PER_FILE:-150}" \
  -cp "target/classes:$(cat "$TMP/agent.cp"):$(cat "$TMP/arrow.cp")" bench/agent/columnar/ColumnarBench.java \
  "$FULL" "$SUMMARY" "$ROUNDS" "$TMP/work" "$MEMORY" 2>&1 | grep -v '^SLF4J'
# the fixed cost of a commit: the same transactions on the data disk (under /tmp here) and on tmpfs (no fsync cost)
echo "--- CommitProbe: $TMP (data disk) vs /dev/shm (tmpfs), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$(tr ':' '\n' < "$TMP/agent.cp" | grep duckdb_jdbc)" bench/agent/columnar/CommitProbe.java "$TMP" /dev/shm
