#!/bin/bash
# Runs once, on the first start of an empty ClickHouse volume (official image's initdb hook):
# creates the OPA database and applies clickhouse-init/*.sql (mounted at /opa-init) in name order.
# Every statement is idempotent, so re-running it (or the agent applying it at start) is harmless.
set -euo pipefail
db="${OPA_CLICKHOUSE_DATABASE:-opa}"
client=(clickhouse client --host 127.0.0.1 --user "${CLICKHOUSE_USER:-default}" --password "${CLICKHOUSE_PASSWORD:-}")
"${client[@]}" --query "CREATE DATABASE IF NOT EXISTS ${db}"
for f in /opa-init/*.sql; do
  echo "opa schema: $f"
  "${client[@]}" --database "$db" --multiquery < "$f"
done
