# Shared by bench/wordpress/cgi.sh and bench/wordpress/callgrind.sh: MariaDB and a discarding sink on a
# run directory left by `bench/wordpress/run.sh` (e.g. with --install-only), the modes, and one
# `php-cgi -T N` run of a WordPress page.
#
# Modes (extension = $OPA_EXT, default the run directory's build; $OPA_EXT_OLD for the *_old modes):
#   none, none2         no extension (twice: their spread is the noise floor)
#   disabled            opa.enabled=0
#   unsampled           opa.sampling_rate=0 (root summary only)
#   sampled10           opa.sampling_rate=0.1
#   full                opa.sampling_rate=1.0 (default opa.hot_function_limit=32)
#   full_every_call     opa.sampling_rate=1.0, opa.hot_function_limit=0
#   *_observer          the same with opa.call_hook=observer (the Zend observer API instead of the
#                       per-request zend_execute_ex hook), e.g. unsampled_observer, full_observer
#   *_old               the same with the extension at $OPA_EXT_OLD (e.g. an older build), e.g. unsampled_old
#   *_each              the same with opa.summary_flush_ms=0 (every request's output in its own write, as before
#                       unsampled output was grouped per process), e.g. unsampled_each, sampled10_each
# Needs: RUN (run directory), URI (page path). Optional: OPA_INI_EXTRA (more -d flags for the modes that
# load the extension, e.g. "-d opa.call_threshold_us=5000"), PHP_CONF_D (the conf.d whose extensions are
# loaded, minus other profilers; default /etc/php/8.2/cgi/conf.d), PHP_CGI (default php-cgi8.2; e.g. php-cgi8.4 with
# VALGRIND=/opt/php-8.4/bin/valgrind for a PHP installed in a chroot, docs/benchmarks.md), OPA_EXT built
# for that PHP, and CGI_PHP_FLAGS (more -d flags for every mode).

cgi_init() {
  EXT=${OPA_EXT:-$RUN/ext/modules/opa.so} WP=$RUN/wordpress
  [ -f "$EXT" ] && [ -f "$WP/wp-config.php" ] || { echo "$RUN is not a bench/wordpress/run.sh run directory" >&2; exit 2; }
  PORT=$(sed -n "s#.*define('WP_HOME', 'http://127.0.0.1:\([0-9]*\)').*#\1#p" "$WP/wp-config.php")
  SOCK=$(sed -n "s#.*define('DB_HOST', 'localhost:\(.*\)').*#\1#p" "$WP/wp-config.php")
  # the distribution's conf.d without other profilers (tideways_xhprof registers an observer and a
  # zend_execute_internal hook, excimer a timer): they would change what `none` measures
  local conf=${PHP_CONF_D:-/etc/php/8.2/cgi/conf.d}
  CGI_INI_DIR=$(mktemp -d "$RUN/conf.d.XXXXXX")
  for f in "$conf"/*.ini; do
    case "$(basename "$f")" in *tideways*|*excimer*|*xdebug*|*pcov*|*spx*|*xhprof*|*opa*|*datadog*|*newrelic*|*blackfire*) ;;
      *) cp -P "$f" "$CGI_INI_DIR/" ;; esac  # -P: a link resolves where PHP runs (chroot)
  done
  CGI_PIDS=()
  trap 'for p in "${CGI_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
  rm -f "$SOCK"
  mariadbd --user=root --datadir="$RUN/mysql" --socket="$SOCK" --pid-file="$RUN/mysqld.pid" --skip-networking \
    --log-error="$RUN/mysqld-cgi.log" &
  CGI_PIDS+=($!)
  for _ in $(seq 100); do mariadb -S "$SOCK" -uroot -e "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
  # without its database WordPress answers every request with an error page in ≈ 1 M instructions
  mariadb -S "$SOCK" -uroot -e "SELECT 1" >/dev/null 2>&1 \
    || { echo "MariaDB did not start on $RUN/mysql (another mariadbd on it?): see $RUN/mysqld-cgi.log" >&2; exit 1; }
  rm -f "$RUN/cgi-sink.sock"
  python3 bench/php-ext/sink.py "$RUN/cgi-sink.sock" >"$RUN/cgi-sink.out" &
  CGI_PIDS+=($!)
  for _ in $(seq 50); do grep -q ready "$RUN/cgi-sink.out" 2>/dev/null && break; sleep 0.1; done
}

# WordPress 6.1 keeps its theme's global styles in transients that expire after a minute; a request that
# finds them expired rebuilds them (≈ +4 % instructions). Runs under valgrind take minutes, so without this
# the work a request does would depend on the clock, not on the mode. Called before every run.
cgi_freeze_transients() {
  mariadb -S "$SOCK" -uroot wordpress -e "UPDATE wp_options SET option_value = UNIX_TIMESTAMP() + 86400
    WHERE option_name LIKE '\_transient\_timeout\_%' OR option_name LIKE '\_site\_transient\_timeout\_%'"
}

cgi_mode_flags() {
  local mode=$1 ext=$EXT extra=""
  case "$mode" in
    *_each) extra="-d opa.summary_flush_ms=0"; mode=${mode%_each} ;;
  esac
  case "$mode" in
    *_old) ext=${OPA_EXT_OLD:?set OPA_EXT_OLD for the *_old modes}; mode=${mode%_old} ;;
  esac
  case "$mode" in
    *_observer) extra="$extra -d opa.call_hook=observer"; mode=${mode%_observer} ;;
  esac
  local flags="-d extension=$ext -d opa.socket_path=$RUN/cgi-sink.sock $extra ${OPA_INI_EXTRA:-}"
  case "$mode" in
    none|none2) ;;
    disabled) echo "-d extension=$ext -d opa.enabled=0" ;;
    unsampled) echo "$flags -d opa.sampling_rate=0" ;;
    sampled10) echo "$flags -d opa.sampling_rate=0.1" ;;
    full) echo "$flags -d opa.sampling_rate=1.0" ;;
    full_every_call) echo "$flags -d opa.sampling_rate=1.0 -d opa.hot_function_limit=0" ;;
    *) echo "unknown mode $1" >&2; exit 2 ;;
  esac
}

# cgi_run MODE N [wrapper...]: runs the page N times in one php-cgi process (opcache on, JIT off)
cgi_run() {
  local mode=$1 n=$2
  shift 2
  cgi_freeze_transients
  # shellcheck disable=SC2046
  (cd "$WP" && PHP_INI_SCAN_DIR=$CGI_INI_DIR REDIRECT_STATUS=200 REQUEST_METHOD=GET REQUEST_URI="$URI" SCRIPT_FILENAME="$WP/index.php" \
    SCRIPT_NAME=/index.php HTTP_HOST="127.0.0.1:$PORT" SERVER_NAME=127.0.0.1 SERVER_PORT="$PORT" \
    "$@" "${PHP_CGI:-php-cgi8.2}" -d opcache.enable=1 -d opcache.enable_cli=1 -d opcache.jit=disable $(cgi_mode_flags "$mode") \
    ${CGI_PHP_FLAGS:-} -T "$n" index.php)
}
