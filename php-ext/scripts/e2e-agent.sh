#!/usr/bin/env bash
# End-to-end check across components: the built extension sends real PHP requests (Unix socket and
# TCP) to the real agent jar, and the traces are read back through the agent's REST API.
# Needs: php-ext built (modules/opa.so) and the agent jar (mvn package -> target/opa-agent.jar).
# Usage: php-ext/scripts/e2e-agent.sh [path/to/opa-agent.jar]     Exit code 0 = every check passed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
jar="${1:-$root/target/opa-agent.jar}"
ext="${OPA_E2E_EXT_SO:-$root/php-ext/modules/opa.so}"
[ -f "$jar" ] || { echo "agent jar missing: $jar (run mvn package first)"; exit 1; }
[ -f "$ext" ] || { echo "extension missing: $ext (build php-ext first)"; exit 1; }
work="$(mktemp -d /tmp/opa-e2e.XXXXXX)"
http_port=$((20000 + RANDOM % 10000)); tcp_port=$((http_port + 1))
agent=0
cleanup() { [ "$agent" != 0 ] && kill "$agent" 2>/dev/null; wait "$agent" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
( cd "$root" && exec env OPA_SOCKET_PATH="$work/opa.sock" OPA_TCP_LISTEN="127.0.0.1:$tcp_port" OPA_HTTP_PORT="$http_port" \
    OPA_DATA_DIR="$work/data" OPA_TAIL_GRACE_MS=200 OPA_TAIL_TTL_MS=1500 java -jar "$jar" >"$work/agent.log" 2>&1 ) &
agent=$!
for _ in $(seq 120); do
  [ -S "$work/opa.sock" ] && curl -sf "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$http_port/health" >/dev/null || { echo "agent did not start:"; tail -20 "$work/agent.log"; exit 1; }
# traces that continue an incoming traceparent have no local root: the agent completes them after
# opa.tail.ttl-ms, shortened here
OPA_E2E_EXT="$ext" OPA_E2E_SOCKET="$work/opa.sock" OPA_E2E_TCP="127.0.0.1:$tcp_port" OPA_E2E_API="http://127.0.0.1:$http_port" \
  php -n "$root/php-ext/scripts/e2e-agent.php"
