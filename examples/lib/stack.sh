# Shared by the end-to-end suite, the demo and the WordPress benchmark: installs and starts the pieces of a
# real PHP stack (MariaDB, the OPA agent, php-fpm with the extension, nginx) in one run directory.
# Source it, set RUN (a fresh directory) and call the functions; stack_stop_all runs on EXIT.
# Every server binds to 127.0.0.1 or a Unix socket inside $RUN.

STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_PIDS=()

stack_install() { # stack_install pkg... : apt-get install what is missing
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

stack_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

stack_wait() { # stack_wait <what> <command...> : poll for up to 60 s
  local what=$1; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "timed out waiting for $what" >&2
  return 1
}

stack_stop_all() { # the EXIT trap: must not change the caller's exit status
  local status=$?
  set +e
  [ -f "$RUN/nginx.pid" ] && kill "$(cat "$RUN/nginx.pid")" 2>/dev/null
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  exit $status
}

stack_build_extension() { # -> STACK_EXT: a clean, non-sanitizer build in a copy (php-ext/ may hold an ASan build)
  echo "== build the extension"
  rm -rf "$RUN/ext" && cp -r "$STACK_ROOT/php-ext" "$RUN/ext"
  (cd "$RUN/ext" && { [ ! -f Makefile ] || make -s distclean >/dev/null 2>&1 || true; } \
    && phpize --clean >/dev/null 2>&1 && phpize >/dev/null && ./configure -q >/dev/null && make -s -j2 >/dev/null)
  STACK_EXT=$RUN/ext/modules/opa.so
}

stack_build_agent() { # the agent jar, and the dashboard when it is not built yet
  echo "== build the agent and the dashboard"
  [ -f "$STACK_ROOT/ui/dist/index.html" ] || (cd "$STACK_ROOT/ui" && npm ci --no-audit --no-fund --silent && npm run -s build)
  (cd "$STACK_ROOT" && mvn -B -ntp -q -DskipTests -Dskip.ui package)
}

stack_start_mariadb() { # -> STACK_MYSQL_SOCKET; database/user/password opa_demo
  echo "== start MariaDB"
  mariadb-install-db --user=root --datadir="$RUN/mysql" >/dev/null
  mariadbd --user=root --datadir="$RUN/mysql" --socket="$RUN/mysqld.sock" --pid-file="$RUN/mysqld.pid" \
    --skip-networking --log-error="$RUN/mysqld.log" &
  STACK_PIDS+=($!)
  STACK_MYSQL_SOCKET=$RUN/mysqld.sock
  stack_wait "MariaDB" mariadb -S "$STACK_MYSQL_SOCKET" -uroot -e "SELECT 1"
  mariadb -S "$STACK_MYSQL_SOCKET" -uroot -e "CREATE DATABASE IF NOT EXISTS opa_demo;
    CREATE USER IF NOT EXISTS 'opa_demo'@'localhost' IDENTIFIED BY 'opa_demo';
    GRANT ALL ON opa_demo.* TO 'opa_demo'@'localhost';"
}

stack_start_agent() { # stack_start_agent <http port> <data dir> -> STACK_SOCKET (the agent's Unix socket)
  echo "== start the agent (data in $2, dashboard on http://127.0.0.1:$1)"
  STACK_SOCKET=$RUN/opa.sock
  (cd "$STACK_ROOT" && OPA_DATA_DIR=$2 OPA_HTTP_PORT=$1 OPA_TCP_LISTEN=127.0.0.1:$(stack_free_port) \
    OPA_SOCKET_PATH=$STACK_SOCKET exec java -jar target/opa-agent.jar >"$RUN/agent.log" 2>&1) &
  STACK_PIDS+=($!)
  stack_wait "the agent" curl -sf "http://127.0.0.1:$1/health"
}

stack_render() { # stack_render <template> <out> VAR=value... : replaces @VAR@ (and @RUN@, @ROOT@)
  local tmpl=$1 out=$2; shift 2
  local args=(-e "s#@RUN@#$RUN#g" -e "s#@ROOT@#$STACK_ROOT#g")
  for kv in "$@"; do args+=(-e "s#@${kv%%=*}@#${kv#*=}#g"); done
  sed "${args[@]}" "$tmpl" >"$out"
}

stack_start_fpm() { # stack_start_fpm <php-fpm.conf> [-d ini=value ...]
  local conf=$1; shift
  echo "== start php-fpm"
  php-fpm8.2 -R -F -y "$conf" "$@" &
  STACK_PIDS+=($!)
  sleep 1
  kill -0 "${STACK_PIDS[-1]}" 2>/dev/null || { echo "php-fpm did not start" >&2; cat "$RUN/php-fpm.log" >&2; return 1; }
}

stack_stop_fpm() {
  [ -f "$RUN/php-fpm.pid" ] && kill "$(cat "$RUN/php-fpm.pid")" 2>/dev/null
  for _ in $(seq 1 50); do [ -f "$RUN/php-fpm.pid" ] || return 0; sleep 0.1; done
}

stack_start_nginx() { # stack_start_nginx <nginx.conf> <url to wait for>
  echo "== start nginx"
  nginx -c "$1" -p "$RUN"
  stack_wait "nginx" curl -sf "$2"
}
