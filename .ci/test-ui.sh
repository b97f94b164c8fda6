#!/usr/bin/env bash
# UI suite: Vitest unit tests, production build, then Playwright (playwright-core + Debian's Chromium)
# end-to-end tests against a freshly started agent serving ui/dist, seeded over its TCP listener.
# Runs on a fresh Debian bookworm machine: installs chromium and the npm packages itself.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Debian's chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "== npm ci"
(cd ui && npm ci --no-audit --no-fund)

echo "== vitest"
(cd ui && npx vitest run)

echo "== build (typecheck + vite)"
(cd ui && npm run build)

echo "== agent jar"
mvn -q -B -ntp -DskipTests -Dskip.ui package

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
WORK=$(mktemp -d /tmp/opa-ui-e2e.XXXXXX)
HTTP_PORT=$(free_port)
TCP_PORT=$(free_port)
# The agent runs with an API token so the e2e run also covers the dashboard's token prompt, and with a
# read-only key (opa.api.keys-file) for the dashboard's answer to a 403.
API_TOKEN="e2e-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
READ_KEY="e2e-read-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
AGENT_PID=""
cleanup() {
  if [ -n "$AGENT_PID" ] && kill -0 "$AGENT_PID" 2>/dev/null; then
    kill "$AGENT_PID"
    wait "$AGENT_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== starting agent: http 127.0.0.1:$HTTP_PORT, tcp 127.0.0.1:$TCP_PORT, data $WORK"
echo "e2e-viewer read $(printf %s "$READ_KEY" | sha256sum | cut -c1-64)" > "$WORK/api-keys"
OPA_DATA_DIR="$WORK/data" \
OPA_HTTP_PORT="$HTTP_PORT" \
OPA_TCP_LISTEN="127.0.0.1:$TCP_PORT" \
OPA_SOCKET_PATH="$WORK/opa.sock" \
OPA_HTTP_STATIC_DIR="$ROOT/ui/dist" \
OPA_API_TOKEN="$API_TOKEN" \
OPA_API_KEYS_FILE="$WORK/api-keys" \
  java -jar target/opa-agent.jar >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$AGENT_PID" 2>/dev/null; then echo "agent exited:"; tail -50 "$WORK/agent.log"; exit 1; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$HTTP_PORT/health" >/dev/null || { echo "agent not healthy after 120 s"; tail -50 "$WORK/agent.log"; exit 1; }

echo "== end-to-end (screenshots in ui/test-results/)"
status=0
(cd ui && OPA_URL="http://127.0.0.1:$HTTP_PORT" OPA_TCP="127.0.0.1:$TCP_PORT" OPA_API_TOKEN="$API_TOKEN" OPA_API_READ_KEY="$READ_KEY" \
  node --test --test-concurrency=1 --test-reporter=spec e2e/dashboard.test.mjs) || status=$?
if [ "$status" -ne 0 ]; then
  echo "== agent log (last 80 lines)"
  tail -80 "$WORK/agent.log"
fi
exit "$status"
