#!/usr/bin/env bash
# WordPress overhead benchmark: Debian's wordpress package (with its default theme, twentytwentythree) on
# MariaDB under nginx + php-fpm (opcache on), driven by wrk, alternating modes in one run so the machine's
# noise hits every mode alike:
#   none, none2     no extension loaded (twice: the spread between these identical modes is the noise floor)
#   disabled        extension loaded with opa.enabled=0
#   unsampled       opa.sampling_rate=0 (root summary only), sent to the agent
#   sampled         opa.sampling_rate=0.1 (10% full capture, 90% root summary only), sent to the agent
#   full            opa.sampling_rate=1.0 (every request fully captured), sent to the agent
#   unsampled_sink  opa.sampling_rate=0 (root summary only), sampled_sink 0.1, full_sink 1.0: the same, sent to
#                   a discarding socket (bench/php-ext/sink.py) instead of the agent, to separate the
#                   extension's own cost from the receiver's CPU
#   <mode>_each     (any mode with the extension) opa.summary_flush_ms=0: every request's output in its own write,
#                   as before unsampled summaries were grouped per worker (e.g. sampled_each against sampled)
# Reports per mode and page (median over rounds): requests/s, p50/p99 latency, throughput against `none`,
# and the CPU time per request of the php-fpm workers (/proc/<pid>/schedstat: the extension's cost shows
# here even when the receiver competes for the same cores) and of the receiver (agent or sink). When a
# mode sends to the agent, checks that WordPress traces with their mysqli queries reached it, and FAILS unless
# the agent stored exactly one trace per request PHP served in the agent modes (php-fpm's `accepted conn` from
# its status page, which counts wrk's requests, the warm-ups, the page checks and the status queries, each of
# which sends a trace; wrk's own count is printed next to it). Before reading the agent's CPU after a
# measurement it waits until the agent has stored every trace sent so far, so the agent's CPU per request
# includes all of its work (tail grace, batching, store) for those requests. Headline: PHP worker CPU + agent
# CPU per request, the cost a host pays per request.
#
# Usage: bash bench/wordpress/run.sh [--rounds 3] [--duration 10] [--connections 4] [--modes a,b,...] [--pin]
#   --pin   receiver (agent, sink) on CPU 1; nginx, php-fpm, wrk and MariaDB on CPU 0 (needs 2 CPUs), so
#           the receiver's CPU does not come out of PHP's throughput
#   --agent-jar PATH   run this agent jar instead of building target/opa-agent.jar
#   --install-only     install WordPress, print the run directory and stop (for bench/wordpress/cgi.sh and
#                      bench/wordpress/callgrind.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=3 DURATION=10 CONNECTIONS=4 PIN=0 AGENT_JAR="" INSTALL_ONLY=0
MODES_CSV=none,none2,disabled,sampled,full,full_sink
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --modes) MODES_CSV=$2; shift 2 ;;
    --pin) PIN=1; shift ;;
    --agent-jar) AGENT_JAR=$(realpath "$2"); shift 2 ;;
    --install-only) INSTALL_ONLY=1 MODES_CSV=none; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a MODES <<<"$MODES_CSV"
NEEDS_AGENT=0
for m in "${MODES[@]}"; do
  case "${m%_each}" in
    none|none2|disabled|unsampled_sink|sampled_sink|full_sink) ;;
    unsampled|sampled|full) NEEDS_AGENT=1 ;;
    *) echo "unknown mode $m" >&2; exit 2 ;;
  esac
done
[ "$PIN" = 0 ] || [ "$(nproc)" -ge 2 ] || { echo "--pin needs 2 CPUs" >&2; exit 2; }

RUN=$(mktemp -d /tmp/opa-wpbench.XXXXXX)
source examples/lib/stack.sh
source bench/wordpress/site.sh
trap stack_stop_all EXIT
stack_install nginx php8.2-fpm php8.2-cli php8.2-dev php8.2-mysql php8.2-opcache mariadb-server wordpress \
  wordpress-theme-twentytwentythree wrk liblz4-dev curl

PORT=$(stack_free_port); API_PORT=$(stack_free_port)
stack_build_extension
if [ "$NEEDS_AGENT" = 1 ] && [ -z "$AGENT_JAR" ]; then stack_build_agent; fi
stack_start_mariadb
MYSQL_PID=${STACK_PIDS[-1]}
STACK_SOCKET=$RUN/opa.sock AGENT_PID=""
if [ "$NEEDS_AGENT" = 1 ]; then
  if [ -n "$AGENT_JAR" ]; then # the same as stack_start_agent, with the given jar
    echo "== start the agent $AGENT_JAR (data in $RUN/data)"
    (OPA_DATA_DIR=$RUN/data OPA_HTTP_PORT=$API_PORT OPA_TCP_LISTEN=127.0.0.1:$(stack_free_port) \
      OPA_SOCKET_PATH=$STACK_SOCKET exec java -jar "$AGENT_JAR" >"$RUN/agent.log" 2>&1) &
    STACK_PIDS+=($!)
    stack_wait "the agent" curl -sf "http://127.0.0.1:$API_PORT/health"
  else
    stack_start_agent "$API_PORT" "$RUN/data"
  fi
  AGENT_PID=${STACK_PIDS[-1]}
  AGENT_PID=$(pgrep -P "$AGENT_PID" java || echo "$AGENT_PID") # java -jar runs the agent in a child JVM
fi
python3 bench/php-ext/sink.py "$RUN/sink.sock" >"$RUN/sink.out" &
SINK_PID=$!
STACK_PIDS+=($SINK_PID)
stack_wait "the sink" grep -q ready "$RUN/sink.out"
if [ "$PIN" = 1 ]; then
  echo "== pin: receiver on CPU 1; MariaDB, nginx, php-fpm, wrk (this shell's children) on CPU 0"
  for pid in $AGENT_PID $SINK_PID; do taskset -a -p -c 1 "$pid" >/dev/null; done
  taskset -a -p -c 0 "$MYSQL_PID" >/dev/null
  taskset -p -c 0 $$ >/dev/null
fi

wordpress_site "$PORT" 20
if [ "$INSTALL_ONLY" = 1 ]; then echo "== installed: run directory $RUN"; exit 0; fi
# php-fpm loads the distribution's conf.d without other profilers (tideways_xhprof registers an observer
# and a zend_execute_internal hook: `none` would not be PHP without a profiler)
export PHP_INI_SCAN_DIR=$RUN/fpm-conf.d
mkdir -p "$PHP_INI_SCAN_DIR"
for f in /etc/php/8.2/fpm/conf.d/*.ini; do
  case "$(basename "$f")" in *tideways*|*excimer*|*xdebug*|*pcov*|*spx*|*xhprof*|*opa*) ;; *) cp -P "$f" "$PHP_INI_SCAN_DIR/" ;; esac
done

mode_flags() {
  case "$1" in *_each) echo "-d opa.summary_flush_ms=0" ;; esac
  case "${1%_each}" in
    none|none2) ;;
    disabled) echo "-d extension=$STACK_EXT -d opa.enabled=0" ;;
    unsampled) echo "-d extension=$STACK_EXT -d opa.socket_path=$STACK_SOCKET -d opa.sampling_rate=0" ;;
    sampled) echo "-d extension=$STACK_EXT -d opa.socket_path=$STACK_SOCKET -d opa.sampling_rate=0.1" ;;
    full) echo "-d extension=$STACK_EXT -d opa.socket_path=$STACK_SOCKET -d opa.sampling_rate=1.0" ;;
    unsampled_sink) echo "-d extension=$STACK_EXT -d opa.socket_path=$RUN/sink.sock -d opa.sampling_rate=0" ;;
    sampled_sink) echo "-d extension=$STACK_EXT -d opa.socket_path=$RUN/sink.sock -d opa.sampling_rate=0.1" ;;
    full_sink) echo "-d extension=$STACK_EXT -d opa.socket_path=$RUN/sink.sock -d opa.sampling_rate=1.0" ;;
  esac
}

receiver_pid() { # the process that reads what the mode sends
  case "${1%_each}" in
    unsampled|sampled|full) echo "$AGENT_PID" ;;
    *_sink) echo "$SINK_PID" ;;
  esac
}

cpu_ns() { # cpu_ns pid... : CPU time (ns) of the processes and all their threads
  local total=0 t
  for pid in "$@"; do
    for t in /proc/"$pid"/task/*/schedstat; do
      [ -r "$t" ] && total=$((total + $(cut -d' ' -f1 "$t" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

fpm_accepted() { # requests the running php-fpm accepted, this status query included (it sends a trace too)
  curl -fs "http://127.0.0.1:$PORT/fpm-status" | awk '/^accepted conn:/ { print $3 }'
}

agent_traces() { # traces the agent stored; empty when its API fails
  curl -fs "http://127.0.0.1:$API_PORT/api/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["traces_stored"])' \
    2>/dev/null || true
}

# Traces the agent must hold: requests accepted by the php-fpm instances of earlier agent modes, plus the
# latest `accepted conn` of the running one (AGENT_FPM_ACCEPTED).
AGENT_EXPECTED_DONE=0 AGENT_FPM_ACCEPTED=0 AGENT_WRK_REQUESTS=0
agent_drain() { # wait until the agent stored every trace sent so far (or 30 s pass without progress)
  local want=$((AGENT_EXPECTED_DONE + AGENT_FPM_ACCEPTED)) have last="" since=$SECONDS
  while have=$(agent_traces) && [ -n "$have" ] && [ "$have" -lt "$want" ] && [ $((SECONDS - since)) -lt 30 ]; do
    [ "$have" = "$last" ] || { last=$have since=$SECONDS; }
    sleep 0.2
  done
}

end_agent_fpm() { # before php-fpm of an agent mode stops: its requests are final
  AGENT_EXPECTED_DONE=$((AGENT_EXPECTED_DONE + AGENT_FPM_ACCEPTED))
  AGENT_FPM_ACCEPTED=0
}

to_ms() { # wrk latency value (e.g. 850.12us, 3.21ms, 1.02s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.3f", n }'
}

PAGES=("home=/" "post=/benchmark-post-7/")
RESULTS=$RUN/results.tsv
: >"$RESULTS"
first=1
for round in $(seq 1 "$ROUNDS"); do
  # rotate the order each round so no mode always runs first or last
  shift_by=$(( (round - 1) % ${#MODES[@]} ))
  order=("${MODES[@]:$shift_by}" "${MODES[@]:0:$shift_by}")
  for mode in "${order[@]}"; do
    end_agent_fpm
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
      warm=$(wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT$path") # warm opcache and workers
      workers=$(pgrep -P "$(cat "$RUN/php-fpm.pid")" | tr '\n' ' ')
      receiver=$(receiver_pid "$mode")
      if [ -n "$AGENT_PID" ] && [ "$receiver" = "$AGENT_PID" ]; then
        AGENT_WRK_REQUESTS=$((AGENT_WRK_REQUESTS + 1 + $(awk '/requests in/ { print $1 }' <<<"$warm")))
        AGENT_FPM_ACCEPTED=$(fpm_accepted)
        agent_drain # the warm-up's traces are not this measurement's
      fi
      # shellcheck disable=SC2086
      w0=$(cpu_ns $workers) r0=$(cpu_ns $receiver)
      out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path")
      if [ -n "$AGENT_PID" ] && [ "$receiver" = "$AGENT_PID" ]; then
        AGENT_FPM_ACCEPTED=$(fpm_accepted)
        agent_drain
      elif [ -n "$receiver" ]; then
        sleep 0.5 # let the sink drain what the last requests sent
      fi
      # shellcheck disable=SC2086
      w1=$(cpu_ns $workers) r1=$(cpu_ns $receiver)
      requests=$(awk '/requests in/ { print $1 }' <<<"$out")
      [ -z "$AGENT_PID" ] || [ "$receiver" != "$AGENT_PID" ] || AGENT_WRK_REQUESTS=$((AGENT_WRK_REQUESTS + requests))
      rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
      wcpu=$(awk -v a="$w0" -v b="$w1" -v n="$requests" 'BEGIN { printf "%.3f", (b - a) / n / 1e6 }')
      rcpu=$(awk -v a="$r0" -v b="$r1" -v n="$requests" 'BEGIN { printf "%.3f", (b - a) / n / 1e6 }')
      p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
      p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
      errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$out")
      [ -z "$errors" ] || echo "warning ($mode $name): $errors" >&2
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$mode" "$name" "$rps" "$p50" "$p99" "$wcpu" "$rcpu" \
        | tee -a "$RESULTS"
    done
  done
done
end_agent_fpm
stack_stop_fpm

if [ "$NEEDS_AGENT" = 1 ]; then
echo "== WordPress traces in the agent"
agent_drain
AGENT_STORED=$(agent_traces)
echo "agent modes: php-fpm served $AGENT_EXPECTED_DONE requests (wrk and the page checks: $AGENT_WRK_REQUESTS, the rest" \
  "are php-fpm status queries), the agent stored ${AGENT_STORED:-? (API failed)} traces"
[ "$AGENT_STORED" = "$AGENT_EXPECTED_DONE" ] || echo "FAIL (reported again at the end): traces stored != requests served" >&2
TRACE_CHECK=0
FULL_CAPTURE=0 # the call tree and SQL check needs a mode that captures some requests in full
for m in "${MODES[@]}"; do case "${m%_each}" in sampled|full) FULL_CAPTURE=1 ;; esac; done
python3 - "$API_PORT" "$FULL_CAPTURE" <<'PY' || TRACE_CHECK=1
import json, sys, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}/api"
get = lambda p: json.load(urllib.request.urlopen(base + p, timeout=10))
traces = get("/traces?service=wordpress&limit=50&sort=duration")
assert traces["total"] > 0, "no WordPress trace reached the agent"
if sys.argv[2] == "0":
    print(f"{traces['total']} WordPress traces stored (root summaries only)")
    sys.exit(0)
# the slowest fully captured trace (with sampling, unsampled requests send a root summary without detail)
for item in traces["items"]:
    detail = get(f"/traces/{item['trace_id']}")
    sql = [q for s in detail["spans"] for q in (s.get("sql") or [])]
    if sql:
        break
assert sql and all(q.get("db_system") == "mysql" for q in sql), "no mysqli queries in the WordPress traces"
nodes = sum(len(s.get("stack") or []) for s in detail["spans"])
print(f"{traces['total']} WordPress traces stored; slowest fully captured: {item['name']} "
      f"{item['duration_ms']:.1f} ms, {len(sql)} mysqli queries, {nodes} call nodes")
PY
fi

echo "== results (median of $ROUNDS rounds, ${DURATION}s each, $CONNECTIONS connections$([ "$PIN" = 1 ] && echo ', receiver pinned to CPU 1, the rest to CPU 0'))"
python3 - "$RESULTS" "$MODES_CSV" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
modes = sys.argv[2].split(",")
pages = sorted({r[2] for r in rows}, reverse=True)
med = statistics.median
print("| page | mode | req/s | p50 ms | p99 ms | throughput vs none | worker CPU ms/req | worker CPU vs none | receiver CPU ms/req |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for page in pages:
    sel = lambda m: [r for r in rows if r[2] == page and r[1] == m]
    # without a `none` mode (--modes) there is no baseline: the relative columns stay empty
    base_rps = med([float(r[3]) for r in sel("none")]) if sel("none") else None
    base_cpu = med([float(r[6]) for r in sel("none")]) if sel("none") else None
    for mode in modes:
        s = sel(mode)
        rps, cpu = med([float(r[3]) for r in s]), med([float(r[6]) for r in s])
        recv = med([float(r[7]) for r in s])
        base = mode == "none"
        print(f"| {page} | {mode} | {rps:.1f} | {med([float(r[4]) for r in s]):.2f} | {med([float(r[5]) for r in s]):.2f} | "
              f"{'baseline' if base else '' if base_rps is None else f'{(rps / base_rps - 1) * 100:+.2f}%'} | {cpu:.2f} | "
              f"{'baseline' if base else '' if base_cpu is None else f'{(cpu / base_cpu - 1) * 100:+.2f}%'} | "
              f"{'' if recv == 0 else f'{recv:.3f}'} |")
# noise floor: per round, the ratio of each mode to `none` in the same round; min..max over rounds
print()
print("Per-round spread against `none` of the same round (min .. max over rounds): throughput | worker CPU")
for page in pages:
    for mode in modes:
        if mode == "none":
            continue
        tp, cp = [], []
        for rnd in sorted({r[0] for r in rows}):
            b = [r for r in rows if r[0] == rnd and r[2] == page and r[1] == "none"]
            m = [r for r in rows if r[0] == rnd and r[2] == page and r[1] == mode]
            if b and m:
                tp.append((float(m[0][3]) / float(b[0][3]) - 1) * 100)
                cp.append((float(m[0][6]) / float(b[0][6]) - 1) * 100)
        if tp:
            print(f"  {page:5} {mode:15} {min(tp):+6.2f}% .. {max(tp):+6.2f}%  |  {min(cp):+6.2f}% .. {max(cp):+6.2f}%")
PY
if [ "$NEEDS_AGENT" = 1 ]; then
  echo
  echo "Headline, what a host pays per request (median PHP worker CPU + agent CPU, same run):"
  python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
for page in sorted({r[2] for r in rows}, reverse=True):
    for mode in ("unsampled", "unsampled_each", "sampled", "sampled_each", "full", "full_each"):
        s = [r for r in rows if r[2] == page and r[1] == mode]
        if s:
            w, a = statistics.median(float(r[6]) for r in s), statistics.median(float(r[7]) for r in s)
            print(f"  {page:5} {mode:8} PHP worker {w:.2f} ms + agent {a:.2f} ms = {w + a:.2f} ms per request")
PY
  [ "$TRACE_CHECK" = 0 ] || echo "FAIL: the WordPress trace check above failed" >&2
  if [ "$AGENT_STORED" != "$AGENT_EXPECTED_DONE" ]; then
    echo "FAIL: php-fpm served $AGENT_EXPECTED_DONE requests in the agent modes, the agent stored ${AGENT_STORED:-? (API failed)} traces" >&2
    echo "agent log lines above INFO (last 5):" >&2
    grep -E ' (WARN|ERROR) ' "$RUN/agent.log" | tail -5 >&2 || true
    exit 1
  fi
  [ "$TRACE_CHECK" = 0 ] || exit 1
fi
