#!/usr/bin/env bash
# PHP extension overhead benchmark. Modes: no extension / loaded but disabled / sampled out / full capture.
# Usage: bench/php-ext/run.sh [calls] [requests] [repeats]   (build php-ext first: phpize && ./configure && make)
# Prints a markdown table: ns/call = fastest of [repeats] runs; µs/request = median of [repeats] runs of
# [requests] sequential requests. See docs/benchmarks.md for recorded results.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ext="$here/../../php-ext/modules/opa.so"
calls="${1:-1000000}" requests="${2:-500}" repeats="${3:-7}"
[ -f "$ext" ] || { echo "build the extension first: $ext missing"; exit 1; }
work="$(mktemp -d)"
python3_bin=/usr/bin/python3
"$python3_bin" "$here/sink.py" "$work/agent.sock" > "$work/sink.out" &
sink=$!
trap 'kill $sink 2>/dev/null; kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=0
for _ in $(seq 50); do grep -q ready "$work/sink.out" 2>/dev/null && break; sleep 0.1; done

mode_args() {
  case "$1" in
    none) echo "" ;;
    disabled) echo "-d extension=$ext -d opa.enabled=0" ;;
    sampled_out) echo "-d extension=$ext -d opa.sampling_rate=0 -d opa.socket_path=$work/agent.sock" ;;
    full) echo "-d extension=$ext -d opa.sampling_rate=1 -d opa.socket_path=$work/agent.sock" ;;
  esac
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
minimum() { sort -n | head -1; }   # CPU-bound loops: the fastest run is the one least disturbed by other load

opcache_flags=(-d opcache.enable_cli=1 -d opcache.jit=off)
jit_flags=(-d opcache.enable_cli=1 -d opcache.jit=tracing -d opcache.jit_buffer_size=64M)

echo "| mode | ns/call (opcache) | ns/call (opcache+JIT) | µs/request (built-in server, opcache) |"  # table header
echo "|---|---|---|---|"
for mode in none disabled sampled_out full; do
  # shellcheck disable=SC2046
  a=$(for _ in $(seq "$repeats"); do php "${opcache_flags[@]}" $(mode_args $mode) "$here/calls.php" "$calls"; done | minimum)
  # shellcheck disable=SC2046
  j=$(for _ in $(seq "$repeats"); do php "${jit_flags[@]}" $(mode_args $mode) "$here/calls.php" "$calls"; done | minimum)
  port=$((20000 + RANDOM % 20000))
  # shellcheck disable=SC2046
  php -d opcache.enable_cli=1 $(mode_args $mode) -S "127.0.0.1:$port" "$here/request.php" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  php -n "$here/http_load.php" "$port" 50 >/dev/null   # warm-up
  r=$(for _ in $(seq "$repeats"); do php -n "$here/http_load.php" "$port" "$requests"; done | median)
  kill $server; wait $server 2>/dev/null || true
  echo "| $mode | $a | $j | $r |"
done
