#!/usr/bin/env bash
# CPU of each thread of a running process over a window, from /proc/<pid>/task/*/schedstat (ns, not the 10 ms ticks
# of stat), grouped by thread name (trailing digits folded: "C2 CompilerThread0/1" -> one row), ms per second.
# Usage: bash bench/agent/thread-cpu.sh PID [seconds=30] [requests-per-second, to add a per-request column]
# The agent started by `java -jar` runs in a child JVM: pass that one (`pgrep -P <launcher pid> java`).
set -euo pipefail
PID=$1 SECS=${2:-30} RATE=${3:-0}
snap() {
  for t in /proc/"$PID"/task/*; do
    [ -r "$t/schedstat" ] || continue
    printf '%s\t%s\t%s\n' "${t##*/}" "$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null || echo 0)" "$(cat "$t/comm" 2>/dev/null)"
  done
}
A=$(snap); sleep "$SECS"; B=$(snap)
awk -F'\t' -v secs="$SECS" '
  NR == FNR { was[$1] = $2; next }
  { d = $2 - ($1 in was ? was[$1] : 0); if (d <= 0) next; n = $3; sub(/[0-9]+$/, "N", n); cpu[n] += d; total += d }
  END { for (n in cpu) printf "%.3f\t%s\n", cpu[n] / 1e6 / secs, n; printf "%.3f\tTOTAL\n", total / 1e6 / secs }' \
  <(echo "$A") <(echo "$B") | sort -t$'\t' -k1,1 -g -r |
  awk -F'\t' -v rate="$RATE" 'BEGIN { printf "%-24s %10s %12s\n", "thread", "ms/s", (rate > 0 ? "ms/request" : "") }
    { printf "%-24s %10.3f %12s\n", $2, $1, (rate > 0 ? sprintf("%.4f", $1 / rate) : "") }'
