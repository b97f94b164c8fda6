#!/usr/bin/env bash
# End-to-end suite: the built extension in php-fpm behind nginx, MariaDB, the agent on its embedded store,
# the demo application (examples/demo) as two services; asserts through the REST API and in Chromium.
# Installs what it needs on a fresh Debian bookworm machine. Usage: bash .ci/test-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=$(mktemp -d /tmp/opa-e2e.XXXXXX)
source examples/lib/stack.sh
trap stack_stop_all EXIT

stack_install nginx php8.2-fpm php8.2-cli php8.2-dev php8.2-sqlite3 php8.2-mysql php8.2-curl mariadb-server \
  liblz4-dev chromium curl
API_PORT=$(stack_free_port); FRONT_PORT=$(stack_free_port); BACK_PORT=$(stack_free_port)

stack_build_extension
stack_build_agent
stack_start_mariadb
stack_start_agent "$API_PORT" "$RUN/data"

stack_render examples/demo/conf/php-fpm.conf.tmpl "$RUN/php-fpm.conf" BACK_PORT="$BACK_PORT" MYSQL_SOCKET="$STACK_MYSQL_SOCKET"
stack_render examples/demo/conf/nginx.conf.tmpl "$RUN/nginx.conf" DEMO="$PWD/examples/demo" FRONT_PORT="$FRONT_PORT" BACK_PORT="$BACK_PORT"
stack_start_fpm "$RUN/php-fpm.conf" -d "extension=$STACK_EXT" -d "opa.socket_path=$STACK_SOCKET" \
  -d opa.sampling_rate=1.0 -d opa.call_threshold_us=50 -d opa.compress_threshold=256 \
  -d opa.file_io_threshold_us=0  # LZ4 frames end to end; every file call a record
stack_start_nginx "$RUN/nginx.conf" "http://127.0.0.1:$FRONT_PORT/"

echo "== drive the demo and check the traces through the REST API"
status=0
python3 examples/e2e/run_e2e.py --front "http://127.0.0.1:$FRONT_PORT" --api "http://127.0.0.1:$API_PORT" \
  --ext "$STACK_EXT" --socket "$STACK_SOCKET" --out "$RUN/e2e.json" || status=1

echo "== the extension against a second agent: CLI requests over the Unix socket and TCP, attached and inline call stacks"
OPA_E2E_EXT_SO="$STACK_EXT" bash php-ext/scripts/e2e-agent.sh "$PWD/target/opa-agent.jar" || status=1

echo "== check the dashboard shows them (Chromium)"
mkdir -p ui/test-results
[ -d ui/node_modules/playwright-core ] || (cd ui && npm ci --no-audit --no-fund --silent)
node examples/e2e/ui_check.mjs "http://127.0.0.1:$API_PORT" "$RUN/e2e.json" ui/test-results/e2e || status=1

if [ $status -ne 0 ]; then
  echo "---- agent log (tail)"; tail -n 40 "$RUN/agent.log" || true
  echo "---- php-fpm log (tail)"; tail -n 40 "$RUN/php-fpm.log" || true
fi
exit $status
