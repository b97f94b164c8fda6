#!/usr/bin/env bash
# PHP extension overhead benchmark. Modes: no extension / loaded but disabled / sampled out / full capture /
# full capture observing every call (opa.hot_function_limit=0: no hot-function elision, the cost of one observed call),
# and sampled out / full capture with opa.call_hook=observer (the Zend observer API instead of the per-request
# zend_execute_ex hook). With the JIT configured, opa.call_hook=auto picks the observer for every mode.
# PHP loads the distribution's conf.d minus other profilers (tideways_xhprof registers an observer).
# Usage: bench/php-ext/run.sh [calls] [requests] [repeats]   (build php-ext first: phpize && ./configure && make)
# Prints a markdown table: CPU ns/call = lowest of [repeats] runs (getrusage of the PHP process);
# worker CPU µs/request = median over [repeats] rounds of [requests] sequential FastCGI requests
# (/proc/<worker>/schedstat of each mode's single php-fpm worker; modes interleaved in each round). See docs/benchmarks.md for results.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ext="$here/../../php-ext/modules/opa.so"
calls="${1:-1000000}" requests="${2:-500}" repeats="${3:-7}"
[ -f "$ext" ] || { echo "build the extension first: $ext missing"; exit 1; }
work="$(mktemp -d)"
python3_bin=/usr/bin/python3
fpm_bin="$(command -v php-fpm8.2 || command -v php-fpm)"
"$python3_bin" "$here/sink.py" "$work/agent.sock" > "$work/sink.out" &
sink=$!
declare -A fpm_pid=() worker_pid=()
cleanup() {
  kill "$sink" 2>/dev/null || true
  for p in "${fpm_pid[@]}"; do kill -QUIT "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do grep -q ready "$work/sink.out" 2>/dev/null && break; sleep 0.1; done
export PHP_INI_SCAN_DIR="$work/conf.d"
mkdir -p "$PHP_INI_SCAN_DIR"
for f in /etc/php/8.2/cli/conf.d/*.ini; do
  case "$(basename "$f")" in *tideways*|*excimer*|*xdebug*|*pcov*|*spx*|*xhprof*|*opa*) ;; *) cp -P "$f" "$PHP_INI_SCAN_DIR/" ;; esac
done

mode_args() {
  case "$1" in
    none) echo "" ;;
    disabled) echo "-d extension=$ext -d opa.enabled=0" ;;
    sampled_out) echo "-d extension=$ext -d opa.sampling_rate=0 -d opa.socket_path=$work/agent.sock" ;;
    full) echo "-d extension=$ext -d opa.sampling_rate=1 -d opa.socket_path=$work/agent.sock" ;;
    full_every_call) echo "-d extension=$ext -d opa.sampling_rate=1 -d opa.hot_function_limit=0 -d opa.socket_path=$work/agent.sock" ;;
    sampled_out_observer) echo "$(mode_args sampled_out) -d opa.call_hook=observer" ;;
    full_observer) echo "$(mode_args full) -d opa.call_hook=observer" ;;
  esac
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { sort -n | head -1; }   # CPU-bound loops: the fastest run is the one least disturbed by other load

opcache_flags=(-d opcache.enable_cli=1 -d opcache.jit=off)
jit_flags=(-d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M)

declare -A calls_opc calls_jit req_cpu
modes=(none disabled sampled_out full full_every_call sampled_out_observer full_observer)
# modes interleaved in every round, so that drifting background load hits all of them alike
for _ in $(seq "$repeats"); do
  for mode in "${modes[@]}"; do
    # shellcheck disable=SC2046
    calls_opc[$mode]+="$(php "${opcache_flags[@]}" $(mode_args $mode) "$here/calls.php" "$calls") "
    # shellcheck disable=SC2046
    calls_jit[$mode]+="$(php "${jit_flags[@]}" $(mode_args $mode) "$here/calls.php" "$calls") "
  done
done
# one php-fpm pool (one static worker) per mode, all running; request rounds interleave the modes
for mode in "${modes[@]}"; do
  mkdir -p "$work/$mode"
  cat > "$work/$mode/fpm.conf" <<CONF
[global]
error_log = $work/$mode/fpm.log
pid = $work/$mode/fpm.pid
daemonize = no
[www]
user = $(id -un)
group = $(id -gn)
listen = $work/$mode/fpm.sock
pm = static
pm.max_children = 1
CONF
  # shellcheck disable=SC2046
  "$fpm_bin" -F -R -y "$work/$mode/fpm.conf" -d opcache.enable=1 $(mode_args $mode) >/dev/null 2>&1 &
  fpm_pid[$mode]=$!
done
for mode in "${modes[@]}"; do
  for _ in $(seq 50); do [ -S "$work/$mode/fpm.sock" ] && break; sleep 0.1; done
  worker_pid[$mode]="$(pgrep -P "${fpm_pid[$mode]}" | head -1)"
  for page in request empty; do php -n "$here/fpm_load.php" "$work/$mode" "$here/$page.php" 50 >/dev/null; done  # warm-up
done
worker_cpu_us() { # mode page: mean worker CPU µs over $requests requests
  local before after
  before="$(cut -d' ' -f1 "/proc/${worker_pid[$1]}/schedstat")"
  php -n "$here/fpm_load.php" "$work/$1" "$here/$2.php" "$requests" >/dev/null
  after="$(cut -d' ' -f1 "/proc/${worker_pid[$1]}/schedstat")"
  awk -v a="$before" -v b="$after" -v n="$requests" 'BEGIN {printf "%.1f", (b - a) / n / 1000}'
}
declare -A empty_cpu
for _ in $(seq "$repeats"); do
  for mode in "${modes[@]}"; do
    req_cpu[$mode]+="$(worker_cpu_us "$mode" request) "
    empty_cpu[$mode]+="$(worker_cpu_us "$mode" empty) "
  done
done
for mode in "${modes[@]}"; do kill -QUIT "${fpm_pid[$mode]}"; wait "${fpm_pid[$mode]}" 2>/dev/null || true; done

echo "| mode | CPU ns/call (opcache) | CPU ns/call (opcache+JIT) | worker CPU µs/request, request.php | worker CPU µs/request, empty.php |"
echo "|---|---|---|---|---|"
for mode in "${modes[@]}"; do
  a="$(tr ' ' '\n' <<<"${calls_opc[$mode]}" | grep . | minimum)"
  j="$(tr ' ' '\n' <<<"${calls_jit[$mode]}" | grep . | minimum)"
  r="$(tr ' ' '\n' <<<"${req_cpu[$mode]}" | grep . | median)"
  e="$(tr ' ' '\n' <<<"${empty_cpu[$mode]}" | grep . | median)"
  echo "| $mode | $a | $j | $r | $e |"
done
