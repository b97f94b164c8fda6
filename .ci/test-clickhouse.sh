#!/usr/bin/env bash
# ClickHouse suite: the clickhouse-init/ schema, the writer's exact insert payloads and every ClickHouse
# query of the REST API, verified on a real ClickHouse engine (chDB, in-process) against the DuckDB store;
# the real writer (client-v2 over HTTP) against chDB behind a ClickHouse HTTP interface (chhttp.py);
# plus `docker-compose config` on the deployment files. Installs what it needs (pip, apt, Maven).
# Usage: bash .ci/test-clickhouse.sh        (OPA_CH_SPANS=20000 spans by default)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== python deps in target/ch-venv (chdb embeds the ClickHouse engine; duckdb = the agent's DuckDB version)"
[ -x target/ch-venv/bin/python ] || python3 -m venv target/ch-venv
PY=target/ch-venv/bin/python
$PY -m pip install --quiet --disable-pip-version-check \
  chdb==4.4.0 duckdb==1.5.6 pytest==9.2.0 lz4==4.4.5 clickhouse-cityhash==1.0.2.6

echo "== docker-compose config"
if ! command -v docker-compose >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker-compose >/dev/null
fi
OPA_CLICKHOUSE_PASSWORD=ci docker-compose -f docker/docker-compose.yml config -q
echo "docker/docker-compose.yml: valid"

echo "== build agent + test classes"
mvn -B -ntp -q -Dskip.ui -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/ch-classpath.txt -Dmdep.includeScope=test
CP="target/classes:target/test-classes:$(cat target/ch-classpath.txt)"

echo "== generate ${OPA_CH_SPANS:-20000} realistic spans through the ClickHouse encoder and the DuckDB store"
java -cp "$CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.opa.agent.store.clickhouse.ClickHouseDatasetExport \
  --out target/ch-dataset --spans "${OPA_CH_SPANS:-20000}"

echo "== chDB verification"
OPA_CH_DATASET=target/ch-dataset $PY -m pytest -q -p no:cacheprovider src/test/clickhouse
