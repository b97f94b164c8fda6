#!/usr/bin/env bash
# Agent ingest benchmark: builds the agent, starts it on a fresh data dir, and drives it with LoadGen (a
# separate JVM) over the Unix socket and TCP, plain and LZ4. Results go to stdout; copy them to
# docs/benchmarks.md. LOADGEN_ARGS adds LoadGen options (e.g. "--stack 0 --sql 1" for small spans),
# JAVA_OPTS replaces the agent JVM options, OPA_JAR the agent jar (default target/opa-agent.jar, built if missing).
# Usage: bench/agent/run.sh [traces-per-run]   (default 20000 traces = 100000 spans)
set -euo pipefail
cd "$(dirname "$0")/../.."
TRACES=${1:-20000}
WORK=$(mktemp -d /tmp/opa-bench.XXXXXX)
HTTP_PORT=${OPA_BENCH_HTTP_PORT:-27481}
TCP=127.0.0.1:${OPA_BENCH_TCP_PORT:-27491}
SOCK=$WORK/opa.sock
JAR=${OPA_JAR:-target/opa-agent.jar}
[ -f "$JAR" ] || mvn -q -DskipTests -Dskip.ui package
LZ4_JAR=$(find ~/.m2/repository/at/yawk/lz4/lz4-java -name 'lz4-java-*.jar' | head -1)
JAVA_OPTS=${JAVA_OPTS:--Xmx256m -XX:+UseParallelGC}

OPA_DATA_DIR=$WORK OPA_SOCKET_PATH=$SOCK OPA_TCP_LISTEN=$TCP OPA_HTTP_PORT=$HTTP_PORT \
  java $JAVA_OPTS -jar "$JAR" > "$WORK/agent.log" 2>&1 &
AGENT=$!
trap 'kill $AGENT 2>/dev/null; wait $AGENT 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
CPU_READY=$(awk '{print $14 + $15}' /proc/$AGENT/stat)
echo "agent $JAR pid $AGENT, java opts: $JAVA_OPTS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for target in "$SOCK false" "$SOCK true" "$TCP false" "$TCP true"; do
  set -- $target
  echo "--- $1 lz4=$2"
  java -Xmx1g -cp "$LZ4_JAR" bench/agent/LoadGen.java --address "$1" --lz4 "$2" --traces "$TRACES" \
    --connections 2 --metrics "http://127.0.0.1:$HTTP_PORT/metrics" --agent-pid "$AGENT" ${LOADGEN_ARGS:-}
done
# agent CPU per stored span: a capacity figure that holds on a shared machine (wall-clock rates here are
# bounded by the offered rate and the 2 s tail grace of a short run, not by the agent)
CPU_TICKS=$(( $(awk '{print $14 + $15}' /proc/$AGENT/stat) - CPU_READY ))
STORED=$(curl -fs "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^opa_spans_stored_total/ {s += $2} END {printf "%d", s}')
awk -v t="$CPU_TICKS" -v hz="$(getconf CLK_TCK)" -v n="$STORED" 'BEGIN {
  printf "agent CPU %.1f s for %d stored spans (after startup): %.0f us/span = %.0f spans/s per core\n", t / hz, n, t / hz / n * 1e6, n / (t / hz) }'
echo "reject log lines: $(grep -c rejected "$WORK/agent.log" || true)"
