#!/usr/bin/env bash
# End-to-end suite: the built extension in php-fpm behind nginx, MariaDB, the agent on its embedded store,
# the demo application (examples/demo) as two services; asserts through the REST API and in Chromium.
# Installs what it needs on a fresh Debian bookworm machine. Usage: bash .ci/test-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

need_pkgs=()
for p in nginx php8.2-fpm php8.2-cli php8.2-dev php8.2-sqlite3 php8.2-mysql php8.2-curl mariadb-server liblz4-dev chromium curl; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "== apt-get install ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

RUN=$(mktemp -d /tmp/opa-e2e.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port); TCP_PORT=$(free_port); FRONT_PORT=$(free_port); BACK_PORT=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$RUN/nginx.pid" ] && kill "$(cat "$RUN/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
wait_for() { # wait_for <what> <command...>
  local what=$1; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "timed out waiting for $what" >&2; return 1
}

echo "== build the extension (a clean, non-sanitizer build in a copy: php-ext/ may hold an ASan build)"
cp -r php-ext "$RUN/ext"
(cd "$RUN/ext" && { [ ! -f Makefile ] || make -s distclean >/dev/null 2>&1 || true; } && phpize --clean >/dev/null 2>&1 \
  && phpize >/dev/null && ./configure -q >/dev/null && make -s -j2 >/dev/null)
EXT=$RUN/ext/modules/opa.so

echo "== build the agent and the dashboard"
[ -f ui/dist/index.html ] || (cd ui && npm ci --no-audit --no-fund --silent && npm run -s build)
mvn -B -ntp -q -DskipTests -Dskip.ui package

echo "== start MariaDB"
mariadb-install-db --user=root --datadir="$RUN/mysql" >/dev/null
mariadbd --user=root --datadir="$RUN/mysql" --socket="$RUN/mysqld.sock" --pid-file="$RUN/mysqld.pid" \
  --skip-networking --log-error="$RUN/mysqld.log" &
pids+=($!)
wait_for "MariaDB" mariadb -S "$RUN/mysqld.sock" -uroot -e "SELECT 1"
mariadb -S "$RUN/mysqld.sock" -uroot -e "CREATE DATABASE opa_demo; CREATE USER 'opa_demo'@'localhost' IDENTIFIED BY 'opa_demo'; GRANT ALL ON opa_demo.* TO 'opa_demo'@'localhost';"

echo "== start the agent (embedded store in $RUN/data)"
OPA_DATA_DIR=$RUN/data OPA_HTTP_PORT=$API_PORT OPA_TCP_LISTEN=127.0.0.1:$TCP_PORT OPA_SOCKET_PATH=$RUN/opa.sock \
  java -jar target/opa-agent.jar >"$RUN/agent.log" 2>&1 &
pids+=($!)
wait_for "the agent" curl -sf "http://127.0.0.1:$API_PORT/health"

echo "== start php-fpm (two pools) and nginx"
render() { sed -e "s#@RUN@#$RUN#g" -e "s#@DEMO@#$ROOT/examples/demo#g" -e "s#@FRONT_PORT@#$FRONT_PORT#g" -e "s#@BACK_PORT@#$BACK_PORT#g" "$1"; }
render examples/e2e/php-fpm.conf.tmpl >"$RUN/php-fpm.conf"
render examples/e2e/nginx.conf.tmpl >"$RUN/nginx.conf"
DEMO_MYSQL_SOCKET=$RUN/mysqld.sock php-fpm8.2 -R -F -y "$RUN/php-fpm.conf" \
  -d "extension=$EXT" -d "opa.socket_path=$RUN/opa.sock" -d opa.sampling_rate=1.0 -d opa.call_threshold_us=50 &
pids+=($!)
wait_for "php-fpm" test -S "$RUN/fpm-backend.sock"
nginx -c "$RUN/nginx.conf" -p "$RUN"
wait_for "nginx" curl -sf "http://127.0.0.1:$FRONT_PORT/"

echo "== drive the demo and check the traces through the REST API"
status=0
python3 examples/e2e/run_e2e.py --front "http://127.0.0.1:$FRONT_PORT" --api "http://127.0.0.1:$API_PORT" \
  --out "$RUN/e2e.json" || status=1

echo "== check the dashboard shows them (Chromium)"
mkdir -p ui/test-results
node examples/e2e/ui_check.mjs "http://127.0.0.1:$API_PORT" "$RUN/e2e.json" ui/test-results/e2e || status=1

if [ $status -ne 0 ]; then
  echo "---- agent log (tail)"; tail -n 40 "$RUN/agent.log" || true
  echo "---- php-fpm log (tail)"; tail -n 40 "$RUN/php-fpm.log" || true
fi
exit $status
