#!/usr/bin/env bash
# PHP CPU per WordPress request without a server: each mode runs the page N times in one `php-cgi -T N`
# process (the CGI SAPI's repeat option, opcache on) and the process's CPU time (user+sys from wait4(),
# microseconds) is divided by N; modes interleaved in every round, their order rotated from round to round
# (so no mode always runs first or after the same one); median over rounds. Below the noise floor of wrk on a
# shared VM (compare `none` with the identical `none2`).
#
# Needs a run directory left by bench/wordpress/run.sh (WordPress installed, MariaDB data, the built
# extension); starts MariaDB on it again and a discarding sink (bench/php-ext/sink.py) for the extension.
# Modes: see bench/wordpress/cgi-lib.sh (none, none2, disabled, unsampled, sampled10, full, full_every_call,
# *_observer, *_old). Each mode is compared with `none` of the same round; the table gives the median and
# the interquartile range of these per-round ratios (`none2` shows the noise floor).
#
# Usage: bash bench/wordpress/cgi.sh RUN_DIR [rounds 7] [requests per run 60] [path /] [modes csv]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$(realpath "$1") ROUNDS=${2:-7} N=${3:-60} URI=${4:-/}
MODES_CSV=${5:-none,none2,unsampled,sampled10,full}
IFS=, read -r -a MODES <<<"$MODES_CSV"
source bench/wordpress/cgi-lib.sh
cgi_init
# runs a command and prints its CPU time (user + sys, s) from wait4(), to the microsecond (/usr/bin/time
# rounds to 10 ms: 0.6 % of a 40-request run)
CPU_OF='import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
print("%.6f" % (ru.ru_utime + ru.ru_stime), file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))'
run_once() { # -> CPU ms per request
  local t
  t=$(cgi_run "$1" "$N" python3 -c "$CPU_OF" 2>&1 >/dev/null | tail -1)
  awk -v t="$t" -v n="$N" 'BEGIN { printf "%.3f", t * 1000 / n }'
}
declare -A CPU RATIO
for m in "${MODES[@]}"; do run_once "$m" >/dev/null; done # warm the page cache and MariaDB
for r in $(seq "$ROUNDS"); do
  declare -A THIS=()
  k=$(( (r - 1) % ${#MODES[@]} ))
  for m in "${MODES[@]:k}" "${MODES[@]:0:k}"; do
    v=$(run_once "$m")
    THIS[$m]=$v
    CPU[$m]+="$v "
    echo "round $r $m $v"
  done
  for m in "${MODES[@]}"; do # each mode against `none` of the same round
    RATIO[$m]+="$(awk -v v="${THIS[$m]}" -v b="${THIS[none]}" 'BEGIN { printf "%.5f", (v / b - 1) * 100 }') "
  done
done
quantile() { tr ' ' '\n' | grep . | sort -g | awk -v q="$1" '{a[NR]=$1} END {i=int(q*(NR-1)+1.5); print a[i]}'; }
echo "| mode | CPU ms/request (median of $ROUNDS, $N requests per run, $URI) | vs none: median of per-round ratios (IQR) |"
echo "|---|---:|---:|"
for m in "${MODES[@]}"; do
  med=$(quantile 0.5 <<<"${CPU[$m]}")
  if [ "$m" = none ]; then
    printf '| %s | %.2f | baseline |\n' "$m" "$med"
  else
    printf '| %s | %.2f | %+.1f %% (%+.1f .. %+.1f) |\n' "$m" "$med" "$(quantile 0.5 <<<"${RATIO[$m]}")" \
      "$(quantile 0.25 <<<"${RATIO[$m]}")" "$(quantile 0.75 <<<"${RATIO[$m]}")"
  fi
done
