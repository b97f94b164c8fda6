#!/usr/bin/env bash
# Runs the agent's YAML routes under Camel JBang (camel-jbang-core 4.17.0, the only JBang version served
# here; see docs/jbang.md), sends one span over TCP, stops the run with SIGTERM and checks the span is in
# the DuckDB file. Needs: Java 17, Maven (fetches everything else).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/opa-jbang.XXXXXX)
JBANG_PID=""
cleanup() {
  if [ -n "$JBANG_PID" ] && kill -0 "$JBANG_PID" 2>/dev/null; then kill "$JBANG_PID"; wait "$JBANG_PID" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
TCP_PORT=$(free_port)
HTTP_PORT=$(free_port)

echo "jbang: building the agent's bean classes"
mvn -B -q -ntp -DskipTests -Dskip.ui package
# the thin jar (our classes only) becomes a Maven artifact JBang can resolve with --dep
mvn -B -q -ntp install:install-file -Dfile=target/original-opa-agent.jar -DgroupId=dev.opa \
  -DartifactId=opa-agent-beans -Dversion=0.1.0-SNAPSHOT -Dpackaging=jar -DgeneratePom=true

echo "jbang: resolving camel-jbang-core 4.17.0"
mkdir -p "$WORK/launcher"
cp docs/jbang/pom.xml docs/jbang/Camel.java "$WORK/launcher/"
(cd "$WORK/launcher" && mvn -B -q -ntp dependency:build-classpath -Dmdep.outputFile=cp.txt)

echo "jbang: camel run routes/ingest.camel.yaml routes/pipeline.camel.yaml"
java -cp "$(cat "$WORK/launcher/cp.txt")" "$WORK/launcher/Camel.java" run \
  routes/ingest.camel.yaml routes/pipeline.camel.yaml \
  --dep=dev.opa:opa-agent-beans:0.1.0-SNAPSHOT,org.apache.camel:camel-netty:4.17.0,org.apache.camel:camel-resilience4j:4.17.0,org.apache.camel:camel-resilience4j-micrometer:4.17.0,org.apache.camel:camel-micrometer-prometheus:4.17.0,org.duckdb:duckdb_jdbc:1.5.6.0,at.yawk.lz4:lz4-java:1.10.1,org.apache.commons:commons-compress:1.28.0,com.zaxxer:HikariCP:5.1.0 \
  --prop=camel.main.configuration-classes=dev.opa.agent.beans.IngestBeans,dev.opa.agent.beans.PipelineBeans,dev.opa.agent.beans.StoreBeans \
  --prop=opa.data.dir="$WORK/data" --prop=opa.socket.path="$WORK/opa.sock" \
  --prop=opa.tcp.listen=127.0.0.1:$TCP_PORT --prop=opa.http.port=$HTTP_PORT \
  --max-seconds=300 > "$WORK/jbang.log" 2>&1 &
JBANG_PID=$!

for _ in $(seq 1 240); do
  grep -q "Started ingest-tcp" "$WORK/jbang.log" && break
  kill -0 "$JBANG_PID" 2>/dev/null || break
  sleep 1
done
if ! grep -q "Started ingest-tcp" "$WORK/jbang.log"; then
  tail -50 "$WORK/jbang.log"
  echo "jbang: 0 passed, 1 failed"
  exit 1
fi

NOW=$(date +%s%3N)
printf '{"type":"span","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","service":"jbang-check","name":"GET /jbang","start_ts":%s,"duration_ms":4.5}\n' "$NOW" \
  > "/dev/tcp/127.0.0.1/$TCP_PORT"
sleep 2
kill "$JBANG_PID"                      # SIGTERM: the agent flushes its tail buffer to the store
wait "$JBANG_PID" || true
JBANG_PID=""

DUCKDB_JAR=$(find ~/.m2/repository/org/duckdb/duckdb_jdbc/1.5.6.0 -name 'duckdb_jdbc-1.5.6.0.jar' | head -1)
COUNT=$(java -cp "$DUCKDB_JAR" docs/jbang/CountSpans.java "$WORK/data/opa.duckdb" jbang-check)
if [ "$COUNT" = "1" ]; then
  echo "jbang: span stored by the routes running under Camel JBang"
  echo "jbang: 1 passed, 0 failed"
else
  grep -E "ERROR|WARN|flush" "$WORK/jbang.log" | head -40 || true
  echo "jbang: expected 1 stored span, found '$COUNT'"
  echo "jbang: 0 passed, 1 failed"
  exit 1
fi
