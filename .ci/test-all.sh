#!/usr/bin/env bash
# Runs every test suite of the project (the README's test command).
# Each suite installs what it needs on a fresh Debian bookworm machine (apt, npm, pip, Maven).
# Usage: bash .ci/test-all.sh [suite...]     suites: agent php-ext clickhouse ui jbang e2e
set -uo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(agent php-ext clickhouse ui jbang e2e)

suite_cmd() {
  case "$1" in
    agent)      echo "mvn -B -ntp -Dskip.ui verify" ;;
    php-ext)    echo "bash .ci/test-php-ext.sh" ;;
    clickhouse) echo "bash .ci/test-clickhouse.sh" ;;
    ui)         echo "bash .ci/test-ui.sh" ;;
    jbang)      echo "bash .ci/test-jbang.sh" ;;
    e2e)        echo "bash .ci/test-e2e.sh" ;;
    *)          echo "" ;;
  esac
}

passed=0; failed=0; report=()
for s in "${suites[@]}"; do
  cmd=$(suite_cmd "$s")
  if [ -z "$cmd" ]; then echo "unknown suite: $s" >&2; exit 2; fi
  echo "================ suite $s: $cmd"
  start=$(date +%s)
  if $cmd; then passed=$((passed+1)); st=passed; else failed=$((failed+1)); st=FAILED; fi
  report+=("$(printf '%-11s %-7s %4ss' "$s" "$st" "$(( $(date +%s) - start ))")")
done

echo "================ summary"
printf '%s\n' "${report[@]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
