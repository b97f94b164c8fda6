#!/usr/bin/env bash
# The agent on real traffic: starts it exactly as the README says (`java -jar target/opa-agent.jar`, no JVM
# flags; only env vars for its ports, socket and data dir), measures its idle CPU for 30 s, then replays the
# recorded corpus of real PHP requests (bench/corpus/, bench/agent/Replay.java: fresh ids, fixed rate, fixed
# count) and checks that every request's trace was stored. Samples the agent's CPU (/proc/<pid>/stat) and RSS
# (VmRSS every second, VmHWM at the end) and prints one summary. Exit status 1 when traces stored != sent.
#
# Usage: bash bench/agent/real.sh [options] [rate] [seconds]     (default 50 requests/s for 600 s)
#   --saturate N    send N requests as fast as the agent reads them (rate and seconds are ignored); reports the
#                   sustained rate (stored traces over the time from first send to last stored)
#   --summaries     replay the root summaries (what opa.sampling_rate=0 sends: *-summary.opa) instead of the
#                   full captures
#   --mix F         a host at sampling rate F (e.g. 0.1): full captures for a fraction F of the requests, root
#                   summaries for the rest, interleaved at the given total rate; every full capture is checked to be
#                   stored with its call stack (Replay.java --mix), and the total by count
#   --group-summaries N   send root summaries N per message (several JSON lines in one write), as the extension
#                   does when it groups a worker's unsampled summaries
#   --corpus LIST   comma-separated corpus files (default: the full captures, or with --summaries the
#                   summaries, of $CORPUS_DIR = /work/corpus); CORPUS_DIR=/tmp/wire-corpus after
#                   bench/corpus/attach_stack.py replays the form the extension sends now (attached stacks)
#   --tcp           send over TCP instead of the Unix socket
#   --idle S        idle measurement before the replay (default 30 s)
#   --warm S[:R]    after the idle measurement, replay the corpus for S s at R requests/s (default: the measured
#                   rate) first, so that the measured replay runs on compiled code (at 20/s the JIT takes ~7 minutes
#                   to settle, and its compilations then cost more than the requests)
#   --threads       per-thread CPU (bench/agent/thread-cpu.sh) over the idle window and over the middle half of
#                   the measured replay
#   --settle S      give up waiting for stored traces after S s without progress (default 60)
#   --queries       meanwhile call the dashboard's heaviest API queries over the whole range in a loop (as
#                   bench/api/under_ingest.sh does); prints HTTP status counts, fails on any status but 200
# Env: OPA_JAR (default target/opa-agent.jar, built if missing); OPA_ENV="OPA_X=y ..." extra agent settings.
set -euo pipefail
cd "$(dirname "$0")/../.."
SATURATE=0 SUMMARIES=0 CORPUS="" TCP=0 IDLE=30 SETTLE=60 QUERIES=0 WARM="" THREADS=0 MIX="" GROUP=1
while [ $# -gt 0 ]; do
  case "$1" in
    --saturate) SATURATE=$2; shift 2 ;;
    --summaries) SUMMARIES=1; shift ;;
    --mix) MIX=$2; shift 2 ;;
    --group-summaries) GROUP=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --tcp) TCP=1; shift ;;
    --idle) IDLE=$2; shift 2 ;;
    --warm) WARM=$2; shift 2 ;;
    --threads) THREADS=1; shift ;;
    --settle) SETTLE=$2; shift 2 ;;
    --queries) QUERIES=1; shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
RATE=${1:-50} SECONDS_=${2:-600}
CORPUS_DIR=${CORPUS_DIR:-/work/corpus}
if [ -z "$CORPUS" ]; then
  suffix=$([ "$SUMMARIES" = 1 ] && echo -summary || true)
  CORPUS=$CORPUS_DIR/wordpress$suffix.opa,$CORPUS_DIR/mediawiki$suffix.opa
fi
MIX_ARGS=(--group-summaries "$GROUP")
if [ -n "$MIX" ]; then
  SUMMARY_CORPUS=$CORPUS_DIR/wordpress-summary.opa,$CORPUS_DIR/mediawiki-summary.opa
  MIX_ARGS+=(--mix "$MIX" --summaries-corpus "$SUMMARY_CORPUS")
  CORPUS_FILES=$CORPUS,$SUMMARY_CORPUS
fi
for f in $(tr , " " <<<"${CORPUS_FILES:-$CORPUS}"); do
  [ -s "$f" ] || { echo "no corpus file $f: record one with bash bench/corpus/record.sh" >&2; exit 2; }
done
JAR=${OPA_JAR:-target/opa-agent.jar}
[ -f "$JAR" ] || nice -n 10 mvn -B -ntp -q -Dskip.ui -DskipTests package
LZ4_JAR=$(find ~/.m2/repository/at/yawk/lz4/lz4-java -name 'lz4-java-*.jar' | head -1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

WORK=$(mktemp -d /tmp/opa-real.XXXXXX)
HTTP_PORT=$(free_port) TCP_ADDR=127.0.0.1:$(free_port) SOCK=$WORK/opa.sock
API=http://127.0.0.1:$HTTP_PORT
# shellcheck disable=SC2086
env OPA_DATA_DIR="$WORK/data" OPA_SOCKET_PATH="$SOCK" OPA_TCP_LISTEN="$TCP_ADDR" OPA_HTTP_PORT="$HTTP_PORT" ${OPA_ENV:-} \
  java -jar "$JAR" >"$WORK/agent.log" 2>&1 &
LAUNCHER=$!
AGENT=$LAUNCHER
SAMPLER="" QUERY_LOOP=""
cleanup() {
  [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true
  [ -z "$QUERY_LOOP" ] || kill "$QUERY_LOOP" 2>/dev/null || true
  kill "$LAUNCHER" 2>/dev/null || true
  wait "$LAUNCHER" 2>/dev/null || true
  echo "(agent log, data dir and samples kept in $WORK)"
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  curl -fs "$API/health/ready" >/dev/null 2>&1 && break
  kill -0 "$AGENT" 2>/dev/null || { echo "the agent exited:" >&2; tail -20 "$WORK/agent.log" >&2; exit 1; }
  sleep 0.5
done
curl -fs "$API/health/ready" >/dev/null || { echo "the agent is not ready" >&2; exit 1; }
# `java -jar` runs the agent in a child JVM (JvmLauncher): measure that one; the launcher only waits
AGENT=$(pgrep -P "$LAUNCHER" java || echo "$LAUNCHER")

# CPU of each live thread of the agent in ns ("tid ns" lines; schedstat: not the 10 ms ticks of stat, too coarse for
# ~1 ms/s idle). The difference of two snapshots is taken per thread: a thread that ends meanwhile is not subtracted.
cpu_ns() { for t in /proc/"$AGENT"/task/*; do echo "${t##*/} $(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0)"; done; }
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$AGENT/status"; }
# VmRSS every second for the whole run
(while kill -0 "$AGENT" 2>/dev/null; do echo "$(date +%s) $(status_kb VmRSS)"; sleep 1; done) >"$WORK/rss.txt" &
SAMPLER=$!

echo "agent $JAR (pid $AGENT, launcher pid $LAUNCHER, started as the README says), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 5 # let start-up work (JIT, first checkpoints) finish before the idle measurement
c0=$(cpu_ns)
if [ "$THREADS" = 1 ]; then bash bench/agent/thread-cpu.sh "$AGENT" "$IDLE" >"$WORK/threads-idle.txt"; else sleep "$IDLE"; fi
c1=$(cpu_ns)
IDLE_MS_PER_S=$(awk -v s="$IDLE" 'NR == FNR { was[$1] = $2; next } $2 > was[$1] { d += $2 - was[$1] } END { printf "%.2f", d / 1e6 / s }' \
  <(echo "$c0") <(echo "$c1"))
echo "idle: $IDLE_MS_PER_S ms of CPU per second over ${IDLE}s, RSS $(status_kb VmRSS) KB"

ADDRESS=$([ "$TCP" = 1 ] && echo "$TCP_ADDR" || echo "$SOCK")
if [ "$SATURATE" -gt 0 ]; then
  REPLAY_ARGS=(--rate 0 --count "$SATURATE")
  echo "== saturation: $SATURATE requests as fast as the agent reads them, $CORPUS over $ADDRESS"
else
  REPLAY_ARGS=(--rate "$RATE" --seconds "$SECONDS_")
  echo "== $RATE requests/s for $SECONDS_ s, $CORPUS${MIX:+ (a fraction $MIX; root summaries for the rest)}$([ "$GROUP" -gt 1 ] && echo ", summaries $GROUP per message") over $ADDRESS"
fi
if [ "$QUERIES" = 1 ]; then
  ALL="from_ms=0&to_ms=9999999999999"
  (while true; do
    for q in "sql?$ALL" "sql/n-plus-one?$ALL" "traces?$ALL&sort=duration" "traces?$ALL&q=wp" "services?$ALL" "http?$ALL"; do
      echo "${q%%\?*} $(curl -s -o /dev/null -w '%{http_code}' "$API/api/$q")"
      sleep 0.05  # under the API's per-address rate limit (opa.api.rate-limit.per-address, 50/s): 429s are not store errors
    done
  done) >"$WORK/queries.txt" &
  QUERY_LOOP=$!
fi
set +e
replay() {
  java -cp "$LZ4_JAR" bench/agent/Replay.java --corpus "$CORPUS" --address "$ADDRESS" --api "$API" --settle "$SETTLE" \
    --agent-pid "$AGENT" "${MIX_ARGS[@]}" "$@"
}
if [ -n "$WARM" ]; then
  WARM_S=${WARM%%:*} WARM_RATE=$([ "${WARM#*:}" != "$WARM" ] && echo "${WARM#*:}" || echo "$RATE")
  echo "== warm-up: $WARM_RATE requests/s for $WARM_S s (not measured)"
  replay --rate "$WARM_RATE" --seconds "$WARM_S" >"$WORK/warm.out" || { echo "FAIL: warm-up replay"; cat "$WORK/warm.out"; exit 1; }
fi
if [ "$THREADS" = 1 ] && [ "$SATURATE" = 0 ]; then
  (sleep "$((SECONDS_ / 4))"; bash bench/agent/thread-cpu.sh "$AGENT" "$((SECONDS_ / 2))" "$RATE" >"$WORK/threads-replay.txt") &
  THREAD_SAMPLER=$!
fi
replay "${REPLAY_ARGS[@]}" | tee "$WORK/replay.out"
REPLAY_STATUS=${PIPESTATUS[0]}
[ -z "${THREAD_SAMPLER:-}" ] || wait "$THREAD_SAMPLER"
set -e
HWM=$(status_kb VmHWM)
if [ -n "$QUERY_LOOP" ]; then
  kill "$QUERY_LOOP" 2>/dev/null || true
  wait "$QUERY_LOOP" 2>/dev/null || true
  QUERY_LOOP=""
fi
LAUNCHER_RSS=$([ "$AGENT" != "$LAUNCHER" ] && awk '$1 == "VmHWM:" { print $2 }' "/proc/$LAUNCHER/status" || echo 0)
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""

read -r SENT STORED JSON_BYTES SEND_S TOTAL_S CPU_MS MESSAGES < <(awk '/^RESULT/ {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  print v["sent"], v["stored"], v["json_bytes"], v["send_s"], v["total_s"], v["agent_cpu_ms"], v["messages"] }' "$WORK/replay.out")
[ -n "$SENT" ] || { echo "FAIL: the replay ended without a result"; exit 1; }
METRICS=$(curl -fs "$API/metrics" || true)
metric() { awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.0f", s }' <<<"$METRICS"; }
echo "== summary"
awk -v cpu="$CPU_MS" -v n="$STORED" -v sent="$SENT" -v wall="$TOTAL_S" -v msgs="$MESSAGES" \
  -v idle="$IDLE_MS_PER_S" -v json="$JSON_BYTES" -v tot="$TOTAL_S" -v send="$SEND_S" 'BEGIN {
  printf "requests sent %d in %d messages, traces stored %d\n", sent, msgs, n
  printf "agent CPU %.0f ms over %.1f s (first send to last stored): %.2f ms per stored trace (%.2f ms net of idle %.1f ms/s), %.2f ms per request sent\n",
    cpu, wall, cpu / (n > 0 ? n : 1), (cpu - idle * wall) / (n > 0 ? n : 1), idle, cpu / (sent > 0 ? sent : 1)
  printf "CPU per request: %.3f ms total / requests, %.3f ms (total - idle rate x duration) / requests; %.3f ms per message\n",
    cpu / (sent > 0 ? sent : 1), (cpu - idle * wall) / (sent > 0 ? sent : 1), cpu / (msgs > 0 ? msgs : 1)
  printf "JSON %.1f MB: %.2f MB/s while sending, %.2f MB/s first send to last stored; %.1f traces/s stored\n",
    json / 1e6, json / 1e6 / send, json / 1e6 / tot, n / tot }'
echo "peak RSS: VmHWM $((HWM / 1024)) MB (plus the launcher JVM's $((LAUNCHER_RSS / 1024)) MB), highest VmRSS sample $(( $(awk 'max < $2 { max = $2 } END { print max + 0 }' "$WORK/rss.txt") / 1024 )) MB"
echo "spool: $(metric opa_spool_batches) batches, $(metric opa_spool_bytes) bytes ($(find "$WORK/data/spool" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }') bytes in files)"
echo "store write failures: $(metric opa_store_write_failures_total); spans received $(metric opa_spans_received_total), stored $(metric opa_spans_stored_total)"
echo "health: $(curl -s -w ' (HTTP %{http_code})' "$API/health" | tr -s ' \n' ' ')"
echo "agent log lines above INFO: $(grep -cE ' (WARN|ERROR) ' "$WORK/agent.log" || true)"
grep -E ' (WARN|ERROR) ' "$WORK/agent.log" | sed -E 's/^.*( WARN | ERROR )/\1/; s/[0-9]+/N/g' | cut -c1-300 | sort | uniq -c | sort -rn | head -8 || true
if [ "$THREADS" = 1 ]; then
  echo "per-thread CPU while idle (${IDLE} s):"; cat "$WORK/threads-idle.txt"
  [ ! -s "$WORK/threads-replay.txt" ] || { echo "per-thread CPU over the middle half of the replay:"; cat "$WORK/threads-replay.txt"; }
fi
if [ "$QUERIES" = 1 ]; then
  echo "dashboard queries during the replay (endpoint, HTTP status, calls): $(sort "$WORK/queries.txt" | uniq -c | awk '{ printf "%s %s %d; ", $2, $3, $1 }')"
  if awk '$2 != 200 { bad = 1 } END { exit !bad }' "$WORK/queries.txt"; then
    echo "FAIL: dashboard queries failed during the replay (agent log: $WORK/agent.log)"
    exit 1
  fi
fi
if [ "$REPLAY_STATUS" != 0 ] || [ "$SENT" != "$STORED" ]; then
  echo "FAIL: $STORED of $SENT traces stored"
  exit 1
fi
