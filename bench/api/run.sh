#!/usr/bin/env bash
# p50/p95 latency of the main REST API queries on 1M stored spans in the embedded (DuckDB) store.
# Data: the ClickHouse engineer's realistic generator (RealisticTraces, seed 42) written through the
# agent's DuckDB store into target/api-bench/opa.duckdb (generated once, reused on later runs).
# Usage: bash bench/api/run.sh [SPANS] [RUNS]     (defaults 1000000, 30)
set -euo pipefail
cd "$(dirname "$0")/../.."
SPANS="${1:-1000000}"
RUNS="${2:-30}"
OUT="target/api-bench-$SPANS"
mvn -B -ntp -q -Dskip.ui -DskipTests test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/api-bench-cp.txt -Dmdep.includeScope=test
CP="target/classes:target/test-classes:$(cat target/api-bench-cp.txt)"
if [ ! -f "$OUT/opa.duckdb" ]; then
    java -cp "$CP" dev.opa.agent.store.clickhouse.ClickHouseDatasetExport \
        --out "$OUT" --spans "$SPANS" --tables none > /dev/null
fi
java ${API_BENCH_OPTS:-} -cp "$CP" bench/api/ApiBench.java "$OUT" "$RUNS"   # API_BENCH_OPTS=-Dthreads=2
