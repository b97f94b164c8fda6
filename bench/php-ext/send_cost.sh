#!/usr/bin/env bash
# What the extension spends at the end of a fully captured request to serialise, compress and send it, inline
# stack (opa.attach_stack=0: one LZ4 frame of everything) against attached stack (the default: the rest as an LZ4
# frame, the stack as its own LZ4 block; docs/protocol.md §2.1). Instructions under callgrind (deterministic),
# inclusive, of opa_request_finish (serialise + compress + write), opa_serialize_root and opa_transport_send,
# for bench/php-ext/send_cost.php (~1,600 call nodes); bytes on the wire and call nodes from a run against the
# phpt test listener (php-ext/tests/support/listener.py).
# Usage: bash bench/php-ext/send_cost.sh [path/to/opa.so]      (default php-ext/modules/opa.so)
set -euo pipefail
cd "$(dirname "$0")/../.."
EXT=$(realpath "${1:-php-ext/modules/opa.so}")
OUT=$(mktemp -d /tmp/opa-send-cost.XXXXXX)
SINK=""
trap '[ -z "$SINK" ] || kill $SINK 2>/dev/null || true; rm -rf "$OUT"' EXIT
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3  # the distribution's, with python3-lz4
INI=(-d "extension=$EXT" -d opa.call_threshold_us=0 -d opa.max_nodes=5000 -d opa.send_budget_ms=5000)
php "${INI[@]}" -d opa.socket_path=/nonexistent bench/php-ext/send_cost.php >/dev/null  # creates the class files

python3 bench/php-ext/sink.py "$OUT/sink.sock" >"$OUT/sink.out" &
SINK=$!
for _ in $(seq 50); do grep -q ready "$OUT/sink.out" 2>/dev/null && break; sleep 0.1; done
echo "| opa.attach_stack | opa_request_finish | opa_serialize_root | opa_transport_send | bytes sent | call nodes |"
echo "|---|---:|---:|---:|---:|---:|"
for attach in 0 1; do
  f="$OUT/cg.$attach"
  valgrind --tool=callgrind --callgrind-out-file="$f" php "${INI[@]}" -d "opa.socket_path=$OUT/sink.sock" \
    -d opa.attach_stack=$attach bench/php-ext/send_cost.php >/dev/null 2>"$f.log"
  callgrind_annotate --inclusive=yes "$f" >"$f.txt" 2>/dev/null
  ir() { awk -v fn="$1" '{ for (i = 2; i <= NF; i++) if ($i ~ ":" fn "$" || $i == fn) { gsub(",", "", $1); print $1; exit } }' "$f.txt"; }
  # the same request against the test listener: what went over the socket
  mkfifo "$OUT/in.$attach"
  "$PY" php-ext/tests/support/listener.py "unix:$OUT/l.sock" <"$OUT/in.$attach" >"$OUT/report.$attach.json" &
  lpid=$!
  exec {hold}>"$OUT/in.$attach"  # the listener reports once its stdin closes
  for _ in $(seq 50); do grep -q ready "$OUT/report.$attach.json" 2>/dev/null && break; sleep 0.1; done
  php "${INI[@]}" -d "opa.socket_path=$OUT/l.sock" -d opa.attach_stack=$attach bench/php-ext/send_cost.php >/dev/null
  exec {hold}>&-
  wait "$lpid"
  sed -i 1d "$OUT/report.$attach.json"  # the "ready" line
  read -r bytes nodes < <("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); s=[m for m in r["messages"] if m.get("stack")]; print(r["bytes"], len(s[0]["stack"]) if s else 0)' "$OUT/report.$attach.json")
  echo "| $attach | $(ir opa_request_finish) | $(ir opa_serialize_root) | $(ir opa_transport_send) | $bytes | $nodes |"
done
