#!/usr/bin/env bash
# PHP CPU per WordPress request without a server: each mode runs the page N times in one `php-cgi -T N`
# process (the CGI SAPI's repeat option, opcache on) and the process's CPU time (user+sys, /usr/bin/time)
# is divided by N; modes interleaved in every round; median over rounds. Below the noise floor of wrk on a
# shared VM (compare `none` with the identical `none2`).
#
# Needs a run directory left by bench/wordpress/run.sh (WordPress installed, MariaDB data, the built
# extension); starts MariaDB on it again and a discarding sink (bench/php-ext/sink.py) for the extension.
# Modes: none, none2 (no extension), unsampled (opa.sampling_rate=0), full (1.0, default
# opa.hot_function_limit), full_every_call (1.0, opa.hot_function_limit=0).
#
# Usage: bash bench/wordpress/cgi.sh RUN_DIR [rounds 7] [requests per run 60] [path /] [modes csv]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$(realpath "$1") ROUNDS=${2:-7} N=${3:-60} URI=${4:-/}
MODES_CSV=${5:-none,none2,unsampled,full,full_every_call}
IFS=, read -r -a MODES <<<"$MODES_CSV"
EXT=$RUN/ext/modules/opa.so WP=$RUN/wordpress
[ -f "$EXT" ] && [ -f "$WP/wp-config.php" ] || { echo "$RUN is not a bench/wordpress/run.sh run directory" >&2; exit 2; }
PORT=$(sed -n "s#.*define('WP_HOME', 'http://127.0.0.1:\([0-9]*\)').*#\1#p" "$WP/wp-config.php")
SOCK=$(sed -n "s#.*define('DB_HOST', 'localhost:\(.*\)').*#\1#p" "$WP/wp-config.php")

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
rm -f "$SOCK"
mariadbd --user=root --datadir="$RUN/mysql" --socket="$SOCK" --pid-file="$RUN/mysqld.pid" --skip-networking \
  --log-error="$RUN/mysqld-cgi.log" &
PIDS+=($!)
for _ in $(seq 100); do mariadb -S "$SOCK" -uroot -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
rm -f "$RUN/cgi-sink.sock"
python3 bench/php-ext/sink.py "$RUN/cgi-sink.sock" >"$RUN/cgi-sink.out" &
PIDS+=($!)
for _ in $(seq 50); do grep -q ready "$RUN/cgi-sink.out" 2>/dev/null && break; sleep 0.1; done

mode_flags() {
  local ext="-d extension=$EXT -d opa.socket_path=$RUN/cgi-sink.sock"
  case "$1" in
    none|none2) ;;
    unsampled) echo "$ext -d opa.sampling_rate=0" ;;
    full) echo "$ext -d opa.sampling_rate=1.0" ;;
    full_every_call) echo "$ext -d opa.sampling_rate=1.0 -d opa.hot_function_limit=0" ;;
    *) echo "unknown mode $1" >&2; exit 2 ;;
  esac
}
run_once() { # -> CPU ms per request
  local t
  # shellcheck disable=SC2046
  t=$(cd "$WP" && REDIRECT_STATUS=200 REQUEST_METHOD=GET REQUEST_URI="$URI" SCRIPT_FILENAME="$WP/index.php" \
    SCRIPT_NAME=/index.php HTTP_HOST="127.0.0.1:$PORT" SERVER_NAME=127.0.0.1 SERVER_PORT="$PORT" \
    /usr/bin/time -f "%U %S" php-cgi8.2 -d opcache.enable=1 -d opcache.enable_cli=1 $(mode_flags "$1") \
    -T "$N" index.php 2>&1 >/dev/null | tail -1)
  awk -v t="$t" -v n="$N" 'BEGIN { split(t, a, " "); printf "%.3f", (a[1] + a[2]) * 1000 / n }'
}
declare -A CPU
for m in "${MODES[@]}"; do run_once "$m" >/dev/null; done # warm the page cache and MariaDB
for r in $(seq "$ROUNDS"); do
  for m in "${MODES[@]}"; do
    v=$(run_once "$m")
    CPU[$m]+="$v "
    echo "round $r $m $v"
  done
done
echo "| mode | CPU ms/request (median of $ROUNDS, $N requests per run, $URI) | vs none |"
echo "|---|---:|---:|"
base=$(tr ' ' '\n' <<<"${CPU[none]:-}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
for m in "${MODES[@]}"; do
  med=$(tr ' ' '\n' <<<"${CPU[$m]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  awk -v m="$m" -v v="$med" -v b="$base" 'BEGIN { printf "| %s | %.2f | %s |\n", m, v,
    (m == "none" || b == "") ? "baseline" : sprintf("%+.1f %%", (v / b - 1) * 100) }'
done
