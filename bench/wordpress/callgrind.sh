#!/usr/bin/env bash
# Instructions per steady-state WordPress request, per mode, under callgrind (deterministic, unlike CPU
# time on a shared VM): for each mode, `valgrind --tool=callgrind php-cgi -T A` and `-T B` (opcache on),
# and (Ir(B) - Ir(A)) / (B - A), so start-up, first compilation and the cold first requests cancel out.
# Modes as in bench/wordpress/cgi-lib.sh; sampled10 is random and therefore not deterministic: with
# unsampled and full measured, the table adds the estimate 0.9 x unsampled + 0.1 x full.
#
# Needs a run directory left by bench/wordpress/run.sh --install-only.
# Usage: bash bench/wordpress/callgrind.sh RUN_DIR [path /] [modes csv] [A 2] [B 6]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=$(realpath "$1") URI=${2:-/}
MODES_CSV=${3:-none,disabled,unsampled,full,unsampled_observer,full_observer}
A=${4:-2} B=${5:-6}
IFS=, read -r -a MODES <<<"$MODES_CSV"
source bench/wordpress/cgi-lib.sh
cgi_init
# runs under valgrind last minutes: without this, entries of PHP's realpath cache expire (120 s) during some
# runs and not others, and the files are resolved again (≈ 0.1 M instructions per request, by the clock)
CGI_PHP_FLAGS="-d realpath_cache_ttl=86400 ${CGI_PHP_FLAGS:-}"
OUT=$(mktemp -d "$RUN/callgrind.XXXXXX")
instructions() { # MODE N -> total instructions of the process
  local f="$OUT/$1.$2.out"
  cgi_run "$1" "$2" "${VALGRIND:-valgrind}" --tool=callgrind --callgrind-out-file="$f" >/dev/null 2>"$OUT/$1.$2.log"
  sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$f"
}
# one native run first: a fresh install's first requests also run WordPress's due cron jobs (≈ +2 %)
cgi_run none 2 "${VALGRIND:-valgrind}" --tool=none >/dev/null 2>&1 || true # (valgrind: also where PHP runs in a chroot)
declare -A PER
for m in "${MODES[@]}"; do
  a=$(instructions "$m" "$A")
  b=$(instructions "$m" "$B")
  PER[$m]=$(( (b - a) / (B - A) ))
  echo "$m: -T $A $a, -T $B $b instructions" >&2
done
echo "| mode | instructions per steady-state request ($URI) | vs none |"
echo "|---|---:|---:|"
for m in "${MODES[@]}"; do
  awk -v m="$m" -v v="${PER[$m]}" -v b="${PER[none]:-}" 'BEGIN { printf "| %s | %.1f M | %s |\n", m, v / 1e6,
    (m == "none" || b == "") ? "baseline" : sprintf("%+.2f %%", (v / b - 1) * 100) }'
done
if [ -n "${PER[unsampled]:-}" ] && [ -n "${PER[full]:-}" ] && [ -n "${PER[none]:-}" ]; then
  awk -v u="${PER[unsampled]}" -v f="${PER[full]}" -v b="${PER[none]}" 'BEGIN { v = 0.9 * u + 0.1 * f
    printf "| sampled10 (estimate: 0.9 x unsampled + 0.1 x full) | %.1f M | %+.2f %% |\n", v / 1e6, (v / b - 1) * 100 }'
fi
echo "(callgrind files in $OUT)"
