#!/usr/bin/env bash
# WordPress overhead benchmark: Debian's wordpress package on MariaDB under nginx + php-fpm (opcache on),
# driven by wrk, alternating modes in one run so the machine's noise hits every mode alike:
#   none      no extension loaded
#   disabled  extension loaded with opa.enabled=0
#   sampled   opa.sampling_rate=0.1 (10% full capture, 90% root summary only)
#   full      opa.sampling_rate=1.0 (every request fully captured)
#   full_sink full capture sent to a discarding socket (bench/php-ext/sink.py) instead of the agent: separates
#             the extension's own cost from the co-located agent's CPU on this 2-core machine
# Reports requests/s and p50/p99 latency per mode and page (median over rounds), the throughput loss
# against `none`, and checks that WordPress traces with their mysqli queries reached the agent.
#
# Usage: bash bench/wordpress/run.sh [--rounds 3] [--duration 10] [--connections 4]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=3 DURATION=10 CONNECTIONS=4
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

RUN=$(mktemp -d /tmp/opa-wpbench.XXXXXX)
source examples/lib/stack.sh
trap stack_stop_all EXIT
stack_install nginx php8.2-fpm php8.2-cli php8.2-dev php8.2-mysql php8.2-opcache mariadb-server wordpress wrk \
  liblz4-dev curl

PORT=$(stack_free_port); API_PORT=$(stack_free_port)
stack_build_extension
stack_build_agent
stack_start_mariadb
mariadb -S "$STACK_MYSQL_SOCKET" -uroot -e "CREATE DATABASE IF NOT EXISTS wordpress;
  GRANT ALL ON wordpress.* TO 'opa_demo'@'localhost';"
stack_start_agent "$API_PORT" "$RUN/data"

echo "== install WordPress $(dpkg-query -W -f='${Version}' wordpress) with 20 posts"
cp -rL /usr/share/wordpress "$RUN/wordpress"
rm -f "$RUN/wordpress/wp-config.php"
mkdir -p "$RUN/wordpress/wp-content"
cp -rL /usr/share/wordpress/wp-content/themes "$RUN/wordpress/wp-content/" 2>/dev/null || true
stack_render bench/wordpress/wp-config.php.tmpl "$RUN/wordpress/wp-config.php" \
  MYSQL_SOCKET="$STACK_MYSQL_SOCKET" PORT="$PORT" SALT="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
php8.2 bench/wordpress/install.php "$RUN/wordpress" "$PORT" 20
stack_render bench/wordpress/php-fpm.conf.tmpl "$RUN/php-fpm.conf"
stack_render bench/wordpress/nginx.conf.tmpl "$RUN/nginx.conf" PORT="$PORT"

mode_flags() {
  case "$1" in
    none) ;;
    disabled) echo "-d extension=$STACK_EXT -d opa.enabled=0" ;;
    sampled) echo "-d extension=$STACK_EXT -d opa.socket_path=$STACK_SOCKET -d opa.sampling_rate=0.1" ;;
    full) echo "-d extension=$STACK_EXT -d opa.socket_path=$STACK_SOCKET -d opa.sampling_rate=1.0" ;;
    full_sink) echo "-d extension=$STACK_EXT -d opa.socket_path=$RUN/sink.sock -d opa.sampling_rate=1.0" ;;
  esac
}

to_ms() { # wrk latency value (e.g. 850.12us, 3.21ms, 1.02s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'
}

python3 bench/php-ext/sink.py "$RUN/sink.sock" >/dev/null &
STACK_PIDS+=($!)
MODES=(none disabled sampled full full_sink)
PAGES=("home=/" "post=/benchmark-post-7/")
RESULTS=$RUN/results.tsv
: >"$RESULTS"
first=1
for round in $(seq 1 "$ROUNDS"); do
  # rotate the order each round so no mode always runs first or last
  shift_by=$(( (round - 1) % ${#MODES[@]} ))
  order=("${MODES[@]:$shift_by}" "${MODES[@]:0:$shift_by}")
  for mode in "${order[@]}"; do
    stack_stop_fpm
    # shellcheck disable=SC2046
    stack_start_fpm "$RUN/php-fpm.conf" $(mode_flags "$mode") >/dev/null
    if [ $first -eq 1 ]; then
      stack_start_nginx "$RUN/nginx.conf" "http://127.0.0.1:$PORT/"
      first=0
    fi
    for page in "${PAGES[@]}"; do
      name=${page%%=*} path=${page#*=}
      code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$PORT$path")
      [ "${code%% *}" = 200 ] || { echo "$path answered $code in mode $mode" >&2; tail -5 "$RUN/php-fpm.log" >&2; exit 1; }
      wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT$path" >/dev/null # warm opcache and workers
      out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path")
      rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
      p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
      p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
      errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$out")
      [ -z "$errors" ] || echo "warning ($mode $name): $errors" >&2
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$mode" "$name" "$rps" "$p50" "$p99" | tee -a "$RESULTS"
    done
  done
done
stack_stop_fpm

echo "== WordPress traces in the agent"
sleep 4 # the tail buffer's grace
python3 - "$API_PORT" <<'PY'
import json, sys, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}/api"
get = lambda p: json.load(urllib.request.urlopen(base + p, timeout=10))
traces = get("/traces?service=wordpress&limit=5&sort=duration")
assert traces["total"] > 0, "no WordPress trace reached the agent"
detail = get(f"/traces/{traces['items'][0]['trace_id']}")
sql = [q for s in detail["spans"] for q in s["sql"]]
assert sql and all(q.get("db_system") == "mysql" for q in sql), "no mysqli queries in the WordPress trace"
nodes = sum(len(s["stack"]) for s in detail["spans"])
print(f"{traces['total']} WordPress traces stored; slowest: {traces['items'][0]['name']} "
      f"{traces['items'][0]['duration_ms']:.1f} ms, {len(sql)} mysqli queries, {nodes} call nodes")
PY

echo "== results (median of $ROUNDS rounds, ${DURATION}s each, $CONNECTIONS connections)"
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
modes = ["none", "disabled", "sampled", "full", "full_sink"]
pages = sorted({r[2] for r in rows}, reverse=True)
med = lambda vals: statistics.median(vals)
print("| page | mode | req/s | p50 ms | p99 ms | throughput vs none |")
print("|---|---|---:|---:|---:|---:|")
for page in pages:
    base = med([float(r[3]) for r in rows if r[2] == page and r[1] == "none"])
    for mode in modes:
        sel = [r for r in rows if r[2] == page and r[1] == mode]
        rps = med([float(r[3]) for r in sel])
        loss = (1 - rps / base) * 100
        change = "baseline" if mode == "none" else f"{-loss:+.2f}%"
        print(f"| {page} | {mode} | {rps:.1f} | {med([float(r[4]) for r in sel]):.2f} | "
              f"{med([float(r[5]) for r in sel]):.2f} | {change} |")
PY
