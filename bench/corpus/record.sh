#!/usr/bin/env bash
# Records a corpus of real traces (format: bench/corpus/README.md): WordPress and MediaWiki (Debian's
# packages) under nginx + php-fpm (4 workers) + MariaDB, with the extension built from php-ext/ sending to a
# recording receiver (record.py) instead of the agent. Per application, two files in OUT:
#   <app>.opa          every request fully captured (opa.sampling_rate=1), the varied pages of pages_<app>
#   <app>-summary.opa  root summaries only (opa.sampling_rate=0): what an unsampled request sends
# and fails unless each file holds exactly one trace per request served. Prints the corpus's sizes
# (inspect_corpus.py). Takes a few minutes.
#
# Usage: bash bench/corpus/record.sh [--out /work/corpus] [--requests 600] [--summaries 300] [--apps wordpress,mediawiki]
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-/usr/bin/python3} # Debian's, which has python3-lz4
OUT=/work/corpus REQUESTS=600 SUMMARIES=300 APPS=wordpress,mediawiki
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    --summaries) SUMMARIES=$2; shift 2 ;;
    --apps) APPS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

RUN=$(mktemp -d /tmp/opa-corpus.XXXXXX)
source examples/lib/stack.sh
source bench/wordpress/site.sh
source bench/corpus/mediawiki.sh
trap stack_stop_all EXIT
stack_install nginx php8.2-fpm php8.2-cli php8.2-dev php8.2-mysql php8.2-opcache php8.2-apcu mariadb-server \
  liblz4-dev curl python3-lz4
stack_build_extension
stack_start_mariadb
PORT=$(stack_free_port)

pages_wordpress() { # pages_wordpress <n>: n paths, the page kinds in turn
  local i=0 k year
  year=$(date +%Y)
  while [ $i -lt "$1" ]; do
    k=$(( i / 16 % 30 + 1 ))
    case $(( i % 16 )) in
      0) echo "/" ;;
      1|2|3) echo "/benchmark-post-$(( (k + i) % 30 + 1 ))/" ;;
      4) echo "/category/uncategorized/" ;;
      5) echo "/tag/topic-$(( k % 4 ))/" ;;
      6) echo "/?s=benchmark+post+$k" ;;
      7) echo "/feed/" ;;
      8) echo "/benchmark-post-$k/feed/" ;;
      9) echo "/no-such-page-$k/" ;;
      10) echo "/wp-login.php" ;;
      11) echo "/page/$(( k % 3 + 2 ))/" ;;
      12) echo "/author/admin/" ;;
      13) echo "/$year/" ;;
      14) echo "/wp-json/wp/v2/posts?per_page=5&page=$(( k % 3 + 1 ))" ;;
      15) echo "/?p=$(( k + 3 ))" ;;
    esac
    i=$((i + 1))
  done
}

pages_mediawiki() {
  local i=0 k
  while [ $i -lt "$1" ]; do
    k=$(( i / 16 % 30 + 1 ))
    case $(( i % 16 )) in
      0) echo "/index.php?title=Main_Page" ;;
      1|2|3) echo "/index.php?title=Article_$(( (k + i) % 30 + 1 ))" ;;
      4) echo "/index.php?title=Article_$k&action=history" ;;
      5) echo "/index.php?title=Article_$k&action=edit" ;;
      6) echo "/index.php?title=Special:Search&search=article+$k&fulltext=1" ;;
      7) echo "/index.php?title=Category:Topic_$(( k % 5 ))" ;;
      8) echo "/index.php?title=Special:RecentChanges" ;;
      9) echo "/index.php?title=No_such_page_$k" ;;
      10) echo "/index.php?title=Special:UserLogin" ;;
      11) echo "/index.php?title=Special:AllPages" ;;
      12) echo "/api.php?action=parse&page=Article_$k&format=json" ;;
      13) echo "/api.php?action=query&list=allpages&aplimit=20&format=json" ;;
      14) echo "/index.php?title=Article_$k&action=info" ;;
      15) echo "/rest.php/v1/page/Article_$k/html" ;;
    esac
    i=$((i + 1))
  done
}

drive() { # drive <app> <n>: n requests of the app's pages, 4 at a time; prints the status code counts
  "pages_$1" "$2" | sed "s#^#http://127.0.0.1:$PORT#" \
    | xargs -d "\n" -P 4 -n 1 curl -s -o /dev/null -w '%{http_code}\n' | sort | uniq -c | tr '\n' ' '
  echo
}

stop_nginx() {
  [ -f "$RUN/nginx.pid" ] || return 0
  kill "$(cat "$RUN/nginx.pid")"
  for _ in $(seq 1 50); do [ -f "$RUN/nginx.pid" ] || return 0; sleep 0.1; done
}

record() { # record <app> <sampling rate> <requests> <corpus file>
  local app=$1 rate=$2 n=$3 file=$4 recorder
  rm -f "$file.tmp"
  "$PYTHON" bench/corpus/record.py "$RUN/record.sock" "$file.tmp" >"$RUN/record.out" &
  recorder=$!
  stack_wait "the recorder" grep -q ready "$RUN/record.out"
  # a generous send budget: the extension drops a message it cannot write within opa.send_budget_ms (5 ms), and
  # the Python recorder on a busy machine is slower to read than the agent; the messages are the same
  stack_start_fpm "$RUN/php-fpm.conf" -d "extension=$STACK_EXT" -d "opa.socket_path=$RUN/record.sock" \
    -d "opa.sampling_rate=$rate" -d opa.send_budget_ms=2000 >/dev/null
  [ -f "$RUN/nginx.pid" ] || stack_start_nginx "$RUN/nginx.conf" "http://127.0.0.1:$PORT/"
  echo "== $app, opa.sampling_rate=$rate: $n requests (HTTP status counts: $(drive "$app" "$n"))"
  # one more request was served by stack_start_nginx's readiness check. A response can reach curl before its
  # trace is sent (MediaWiki ends the response with fastcgi_finish_request, then runs deferred updates): wait
  # for the traces before php-fpm stops
  local deadline=$((SECONDS + 30))
  while [ "$("$PYTHON" bench/corpus/inspect_corpus.py --count "$file.tmp")" -lt $((n + 1)) ] && [ $SECONDS -lt $deadline ]; do
    sleep 0.2
  done
  stack_stop_fpm
  kill -TERM "$recorder"
  wait "$recorder" || true
  cat "$RUN/record.out"
  "$PYTHON" bench/corpus/inspect_corpus.py --expect $((n + 1)) "$file.tmp"
  mv "$file.tmp" "$file"
}

IFS=, read -r -a APP_LIST <<<"$APPS"
for app in "${APP_LIST[@]}"; do
  case "$app" in
    wordpress) wordpress_site "$PORT" 30 ;;
    mediawiki) mediawiki_site "$PORT" 30 ;;
    *) echo "unknown application $app" >&2; exit 2 ;;
  esac
  record "$app" 1 "$REQUESTS" "$OUT/$app.opa"
  stop_nginx
  record "$app" 0 "$SUMMARIES" "$OUT/$app-summary.opa"
  stop_nginx
done
ls -l "$OUT"/*.opa
