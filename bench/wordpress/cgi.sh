#!/usr/bin/env bash
# PHP CPU per WordPress request without a server: each mode runs the page N times in one `php-cgi -T N`
# process (the CGI SAPI's repeat option, opcache on, JIT off), modes interleaved in every round, their order
# rotated from round to round (so no mode always runs first or after the same one). Below the noise floor of
# wrk on a shared VM (compare `none` with the identical `none2`).
#
# What is measured, per run: the process's CPU time (user + sys) from wait4(), to the microsecond, minus its
# CPU time at the start of the second request (bench/wordpress/cgi-mark.php, an auto_prepend_file, reads it
# with getrusage()), divided by N - 1: requests 2..N only. Process start-up and the first request (which
# compiles every script into this process's opcache, as much CPU as ≈ 10 steady requests) would otherwise
# dilute every difference by 20 % at N = 40 and add their own noise.
#
# Every php-cgi runs pinned to one CPU (CGI_CPU, default the last one; CGI_CPU=none: not pinned), and by
# default the modes of a round run at the same time (CGI_TOGETHER=1): one process per mode on that one CPU,
# which the scheduler shares between them in slices of a few ms, so every mode of a round sees the same
# neighbours, frequency and interference over the same seconds; a load burst on a shared VM then moves the
# whole round, not one mode of it. CGI_TOGETHER=0 runs them one after the other (order rotated per round).
#
# Statistics: each mode is compared with `none` of the same round (per-round ratio); per mode the median of
# these ratios, their interquartile range, and a 95 % bootstrap confidence interval of the median
# (rounds resampled with replacement, 4000 times). `none2` (the same binary as `none`) is the noise floor:
# its interval should contain 0. The per-run figures are kept in RUN_DIR/cgi.<time>.tsv.
#
# Needs a run directory left by bench/wordpress/run.sh (WordPress installed, MariaDB data, the built
# extension); starts MariaDB on it again and a discarding sink (bench/php-ext/sink.py) for the extension.
# Modes: see bench/wordpress/cgi-lib.sh (none, none2, disabled, unsampled, sampled10, full, full_every_call,
# *_observer, *_old).
#
# Usage: bash bench/wordpress/cgi.sh RUN_DIR [rounds 7] [requests per run 60] [path /] [modes csv]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$(realpath "$1") ROUNDS=${2:-7} N=${3:-60} URI=${4:-/}
MODES_CSV=${5:-none,none2,unsampled,sampled10,full}
IFS=, read -r -a MODES <<<"$MODES_CSV"
[ "$N" -ge 2 ] || { echo "requests per run must be at least 2" >&2; exit 2; }
CPU_PIN=${CGI_CPU:-$(( $(nproc) - 1 ))}
source bench/wordpress/cgi-lib.sh
cgi_init
TOGETHER=${CGI_TOGETHER:-1}
MARK=$RUN/cgi-mark.$$
CGI_PHP_FLAGS="-d auto_prepend_file=$PWD/bench/wordpress/cgi-mark.php"
# runs a command (pinned to CPU_PIN) and prints its CPU time (user, sys: µs) from wait4()
CPU_OF='import os, sys
cpu = sys.argv[1]
pid = os.fork()
if pid == 0:
    if cpu != "none":
        os.sched_setaffinity(0, {int(cpu)})
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
print("%d %d" % (round(ru.ru_utime * 1e6), round(ru.ru_stime * 1e6)), file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))'
TSV=$RUN/cgi.$(date -u +%H%M%S).tsv
echo -e "round\tmode\tuser_us\tsys_us\tmark_user_us\tmark_sys_us\tms_per_request" >"$TSV"
run_once() { # MODE ROUND -> CPU ms per request (requests 2..N), and a line in $TSV
  local t m mark=$MARK.$1
  rm -f "$mark"
  t=$(OPA_BENCH_MARK=$mark cgi_run "$1" "$N" python3 -c "$CPU_OF" "$CPU_PIN" 2>&1 >/dev/null | tail -1)
  m=$(cat "$mark" 2>/dev/null || true)
  rm -f "$mark"
  [ -n "$m" ] || { echo "no CPU mark from the second request of $1 (php-cgi failed?)" >&2; exit 1; }
  read -r u s <<<"$t"
  read -r mu ms <<<"$m"
  awk -v u="$u" -v s="$s" -v mu="$mu" -v ms="$ms" -v n="$N" -v r="$2" -v mode="$1" -v tsv="$TSV" 'BEGIN {
    v = (u + s - mu - ms) / 1000 / (n - 1); printf "%.4f", v
    printf "%s\t%s\t%d\t%d\t%d\t%d\t%.4f\n", r, mode, u, s, mu, ms, v >> tsv }'
}
echo "== $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg), php-cgi on CPU $CPU_PIN, $ROUNDS rounds x $N requests of $URI, modes together: $TOGETHER"
for m in "${MODES[@]}"; do run_once "$m" 0 >/dev/null; done # warm the page cache and MariaDB
for r in $(seq "$ROUNDS"); do
  k=$(( (r - 1) % ${#MODES[@]} ))
  line="round $r"
  if [ "$TOGETHER" = 1 ]; then
    pids=()
    for m in "${MODES[@]:k}" "${MODES[@]:0:k}"; do run_once "$m" "$r" >"$MARK.out.$m" & pids+=($!); done
    wait "${pids[@]}"
    for m in "${MODES[@]}"; do line+=" $m $(cat "$MARK.out.$m")"; rm -f "$MARK.out.$m"; done
  else
    for m in "${MODES[@]:k}" "${MODES[@]:0:k}"; do line+=" $m $(run_once "$m" "$r")"; done
  fi
  echo "$line"
done
echo "== $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$TSV" "$MODES_CSV" "$URI" "$N" <<'EOF'
import csv, random, statistics, sys
tsv, modes, uri, n = sys.argv[1], sys.argv[2].split(","), sys.argv[3], int(sys.argv[4])
cpu = {}
for row in csv.DictReader(open(tsv), delimiter="\t"):
    if row["round"] != "0":
        cpu.setdefault(row["round"], {})[row["mode"]] = float(row["ms_per_request"])
rounds = [r for r in cpu.values() if "none" in r]
def q(xs, p):
    xs = sorted(xs)
    return xs[int(p * (len(xs) - 1) + 0.5)]
rng = random.Random(1)
print(f"| mode | CPU ms/request (median of {len(rounds)} rounds, requests 2..{n} of {uri}) "
      "| vs none: median of per-round ratios | IQR | 95 % CI of the median (bootstrap) |")
print("|---|---:|---:|---:|---:|")
for m in modes:
    med = statistics.median(r[m] for r in rounds)
    if m == "none":
        print(f"| {m} | {med:.2f} | baseline | | |")
        continue
    ratios = [(r[m] / r["none"] - 1) * 100 for r in rounds]
    boot = sorted(statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(4000))
    print(f"| {m} | {med:.2f} | {statistics.median(ratios):+.2f} % | {q(ratios, .25):+.1f} .. {q(ratios, .75):+.1f} "
          f"| {boot[int(.025 * len(boot))]:+.2f} .. {boot[int(.975 * len(boot)) - 1]:+.2f} |")
print(f"(per-run figures: {tsv})")
EOF
