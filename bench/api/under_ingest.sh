#!/usr/bin/env bash
# Dashboard queries while the agent ingests at full speed: starts the agent (application.yaml defaults) on a fresh
# data dir, drives it with LoadGen (TCP, LZ4) and meanwhile calls the heaviest API queries over the whole range in
# a loop; prints HTTP status counts per endpoint, the ingest rate and how often DuckDB ran out of memory.
# DuckDB's memory_limit is shared by ingest and queries: compare values with OPA_STORE_DUCKDB_MEMORY_LIMIT=64MB.
# Usage: bench/api/under_ingest.sh [traces]        (default 80000 traces = 400000 spans)
set -euo pipefail
cd "$(dirname "$0")/../.."
TRACES=${1:-80000}
WORK=$(mktemp -d /tmp/opa-under-ingest.XXXXXX)
HTTP=127.0.0.1:${OPA_BENCH_HTTP_PORT:-27681}
TCP=127.0.0.1:${OPA_BENCH_TCP_PORT:-27691}
[ -f target/opa-agent.jar ] || mvn -q -DskipTests -Dskip.ui package
LZ4_JAR=$(find ~/.m2/repository/at/yawk/lz4/lz4-java -name 'lz4-java-*.jar' | head -1)
OPA_DATA_DIR=$WORK OPA_SOCKET_PATH=$WORK/opa.sock OPA_TCP_LISTEN=$TCP OPA_HTTP_PORT=${HTTP##*:} \
  java ${JAVA_OPTS:--Xmx256m -XX:+UseParallelGC} -jar target/opa-agent.jar > "$WORK/agent.log" 2>&1 &
AGENT=$!
trap 'kill $AGENT 2>/dev/null; wait $AGENT 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do curl -fs "http://$HTTP/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
java -Xmx1g -cp "$LZ4_JAR" bench/agent/LoadGen.java --address "$TCP" --lz4 true --traces "$TRACES" --connections 2 \
  --metrics "http://$HTTP/metrics" --agent-pid "$AGENT" > "$WORK/loadgen.txt" 2>&1 &
LOADGEN=$!
ALL="from_ms=0&to_ms=9999999999999"
while kill -0 $LOADGEN 2>/dev/null; do
  for q in "sql?$ALL" "sql/n-plus-one?$ALL" "traces?$ALL&sort=duration" "traces?$ALL&q=products" "services?$ALL" "http?$ALL"; do
    echo "${q%%\?*} $(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP/api/$q")"
  done
done | sort | uniq -c
wait $LOADGEN
grep -E "steady|peak RSS" "$WORK/loadgen.txt"
echo "DuckDB out-of-memory failures: $(grep -c 'Caused by.*Out of Memory' "$WORK/agent.log" || true)"
