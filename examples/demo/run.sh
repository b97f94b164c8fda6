#!/usr/bin/env bash
# The demo: builds the extension and the agent, starts the agent (dashboard on http://127.0.0.1:8080, data in
# ./data), MariaDB, php-fpm with the extension and nginx serving examples/demo as two services, then sends
# light traffic for a minute so the dashboard has something to show. Keeps running until Ctrl-C.
# Debian bookworm, as root (installs nginx, php8.2-fpm, mariadb-server, ... with apt).
# Usage: bash examples/demo/run.sh [--seconds 60] [--http-port 8080]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_OF_LOAD=60 HTTP_PORT=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_OF_LOAD=$2; shift 2 ;;
    --http-port) HTTP_PORT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
RUN=$(mktemp -d /tmp/opa-demo.XXXXXX)
source examples/lib/stack.sh
trap stack_stop_all EXIT INT TERM

stack_install nginx php8.2-fpm php8.2-cli php8.2-dev php8.2-sqlite3 php8.2-mysql php8.2-curl mariadb-server liblz4-dev curl
FRONT_PORT=$(stack_free_port); BACK_PORT=$(stack_free_port)
stack_build_extension
stack_build_agent
stack_start_mariadb
stack_start_agent "$HTTP_PORT" "$PWD/data"
stack_render examples/demo/conf/php-fpm.conf.tmpl "$RUN/php-fpm.conf" BACK_PORT="$BACK_PORT" MYSQL_SOCKET="$STACK_MYSQL_SOCKET"
stack_render examples/demo/conf/nginx.conf.tmpl "$RUN/nginx.conf" DEMO="$PWD/examples/demo" FRONT_PORT="$FRONT_PORT" BACK_PORT="$BACK_PORT"
stack_start_fpm "$RUN/php-fpm.conf" -d "extension=$STACK_EXT" -d "opa.socket_path=$STACK_SOCKET"
stack_start_nginx "$RUN/nginx.conf" "http://127.0.0.1:$FRONT_PORT/"

echo "== demo app on http://127.0.0.1:$FRONT_PORT, dashboard on http://127.0.0.1:$HTTP_PORT"
echo "== sending light traffic for ${SECONDS_OF_LOAD}s"
end=$(( $(date +%s) + SECONDS_OF_LOAD ))
routes=(/products /products /orders /fetch /files /slow /log /dump /boom /products /orders /fetch)
sent=0
while [ "$(date +%s)" -lt "$end" ]; do
  curl -s -o /dev/null "http://127.0.0.1:$FRONT_PORT${routes[$((RANDOM % ${#routes[@]}))]}" || true
  sent=$((sent + 1))
  sleep 0.2
done
echo "== sent $sent requests; open http://127.0.0.1:$HTTP_PORT — Ctrl-C stops everything"
wait
