#!/usr/bin/env bash
# The agent's CPU per unsampled request at a fixed request rate, with the extension grouping what unsampled
# requests send per worker process (`grouped`: opa.summary_flush_ms=1000, the default) against one write per
# request (`each`: opa.summary_flush_ms=0, the behaviour before). php-fpm (static pool, --workers) serves a small
# PHP page at opa.sampling_rate=0, so every request sends a ~0.6 KB root summary, driven over FastCGI at a fixed
# rate (bench/wordpress/fcgi_rate.py, 4 client threads, one connection per request); the agent is started as
# bench/wordpress/run.sh starts it. Per mode, rate and round: warm-up, wait until the agent stored everything,
# then its CPU (all threads, /proc/<pid>/task/*/schedstat) over the measured requests until it has stored every
# one of them (so its idle cost while waiting is included, alike in both modes), divided by the requests.
# Modes and rates are interleaved every round (order rotated). Fails unless traces stored = requests answered.
#
# Before the rounds the agent gets --warm seconds of requests at the highest rate (its JIT compiles early on).
#
# Usage: bash bench/wordpress/summary_rate.sh [--rounds 3] [--seconds 20] [--rates 20,200] [--workers 4]
#        [--warm 20] [--sampling 0] [--agent-jar PATH]
# (--sampling 0.1: a tenth of the requests captured in full; their writes carry the pending summaries)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=3 SECONDS_PER=20 RATES_CSV=20,200 WORKERS=4 AGENT_JAR="" WARM=20 SAMPLING=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seconds) SECONDS_PER=$2; shift 2 ;;
    --rates) RATES_CSV=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;;
    --sampling) SAMPLING=$2; shift 2 ;;
    --agent-jar) AGENT_JAR=$(realpath "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a RATES <<<"$RATES_CSV"
MODES=(grouped each)
RUN=$(mktemp -d /tmp/opa-sumrate.XXXXXX)
source examples/lib/stack.sh
trap stack_stop_all EXIT
stack_install php8.2-fpm php8.2-cli php8.2-dev liblz4-dev curl
stack_build_extension
[ -n "$AGENT_JAR" ] || { stack_build_agent; AGENT_JAR=$STACK_ROOT/target/opa-agent.jar; }
API_PORT=$(stack_free_port)
echo "== start the agent $AGENT_JAR (data in $RUN/data)"
(OPA_DATA_DIR=$RUN/data OPA_HTTP_PORT=$API_PORT OPA_TCP_LISTEN=127.0.0.1:$(stack_free_port) \
  OPA_SOCKET_PATH=$RUN/opa.sock exec java -jar "$AGENT_JAR" >"$RUN/agent.log" 2>&1) &
STACK_PIDS+=($!)
stack_wait "the agent" curl -sf "http://127.0.0.1:$API_PORT/health"
AGENT_PID=$(pgrep -P "${STACK_PIDS[-1]}" java || echo "${STACK_PIDS[-1]}")

mkdir -p "$RUN/www"
cat >"$RUN/www/index.php" <<'PHP'
<?php
function work($n) { $s = 0; for ($i = 0; $i < $n; $i++) { $s += $i % 7; } return $s; }
echo work(2000);
PHP
cat >"$RUN/php-fpm.conf" <<CONF
[global]
pid = $RUN/php-fpm.pid
error_log = $RUN/php-fpm.log
daemonize = no
[www]
listen = $RUN/fpm.sock
pm = static
pm.max_children = $WORKERS
clear_env = no
CONF

cpu_ns() { local total=0 t; for t in /proc/"$1"/task/*/schedstat; do total=$((total + $(cut -d' ' -f1 "$t" 2>/dev/null || echo 0))); done; echo "$total"; }
stored() { curl -fs "http://127.0.0.1:$API_PORT/api/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["traces_stored"])'; }
drain() { # until the agent stored $1 traces (or 30 s without progress)
  local have last="" since=$SECONDS
  while have=$(stored) && [ "$have" -lt "$1" ] && [ $((SECONDS - since)) -lt 30 ]; do
    [ "$have" = "$last" ] || { last=$have since=$SECONDS; }
    sleep 0.2
  done
  echo "$have"
}
drive() { python3 bench/wordpress/fcgi_rate.py "$RUN/fpm.sock" "$RUN/www/index.php" "$1" "$2"; }

start_fpm() { # start_fpm <opa.summary_flush_ms> -> FPM
  php-fpm8.2 -R -F -n -y "$RUN/php-fpm.conf" -d "extension=$STACK_EXT" -d "opa.socket_path=$RUN/opa.sock" \
    -d "opa.sampling_rate=$SAMPLING" -d opa.service_name=summary-rate -d "opa.summary_flush_ms=$1" &
  FPM=$!
  for _ in $(seq 50); do [ -S "$RUN/fpm.sock" ] && break; sleep 0.1; done
}
stop_fpm() { kill -QUIT "$FPM"; wait "$FPM" 2>/dev/null || true; rm -f "$RUN/fpm.sock"; }

EXPECTED=0 RESULTS=$RUN/results.tsv
: >"$RESULTS"
MAX_RATE=$(printf '%s\n' "${RATES[@]}" | sort -n | tail -1)
echo "== warm-up: $WARM s at $MAX_RATE requests/s"
start_fpm 0
read -r ok fail < <(drive "$MAX_RATE" "$WARM")
EXPECTED=$((EXPECTED + ok))
drain "$EXPECTED" >/dev/null
stop_fpm
for round in $(seq 1 "$ROUNDS"); do
  for rate in "${RATES[@]}"; do
    shift_by=$(( (round - 1) % ${#MODES[@]} ))
    for mode in "${MODES[@]:$shift_by}" "${MODES[@]:0:$shift_by}"; do
      flush=1000; [ "$mode" = each ] && flush=0
      start_fpm "$flush"
      read -r ok fail < <(drive "$rate" 3) # warm-up: workers started, agent code paths compiled
      EXPECTED=$((EXPECTED + ok))
      [ "$(drain "$EXPECTED")" = "$EXPECTED" ] || echo "warning: warm-up not fully stored" >&2
      c0=$(cpu_ns "$AGENT_PID") t0=$(date +%s.%N)
      read -r ok fail < <(drive "$rate" "$SECONDS_PER")
      EXPECTED=$((EXPECTED + ok))
      have=$(drain "$EXPECTED")
      c1=$(cpu_ns "$AGENT_PID") t1=$(date +%s.%N)
      stop_fpm
      [ "$fail" = 0 ] || echo "warning: $fail requests failed ($mode, $rate/s)" >&2
      per=$(awk -v a="$c0" -v b="$c1" -v n="$ok" 'BEGIN { printf "%.4f", (b - a) / n / 1e6 }')
      persec=$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 / (e - s) }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$rate" "$mode" "$ok" "$per" "$persec" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS"
    done
  done
done
STORED=$(drain "$EXPECTED")
echo "== requests answered $EXPECTED, traces stored $STORED"
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
print("| rate | mode | agent CPU ms per request (median, min .. max) | agent CPU ms/s | load |")
print("|---:|---|---:|---:|---:|")
for rate in sorted({r[1] for r in rows}, key=float):
    for mode in ("each", "grouped"):
        s = [r for r in rows if r[1] == rate and r[2] == mode]
        v = [float(r[4]) for r in s]
        print(f"| {rate}/s | {mode} | {statistics.median(v):.3f} ({min(v):.3f} .. {max(v):.3f}) | "
              f"{statistics.median(float(r[5]) for r in s):.1f} | {min(r[6].strip() for r in s)}–{max(r[6].strip() for r in s)} |")
PY
[ "$STORED" = "$EXPECTED" ] || { echo "FAIL: requests answered $EXPECTED, traces stored $STORED" >&2; exit 1; }
