#!/usr/bin/env bash
# PHP extension: install build/test dependencies, build, run the .phpt suite, then rebuild with
# AddressSanitizer and run the same suite again. Exits non-zero on any failed or skipped test.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ext="$root/php-ext"
export DEBIAN_FRONTEND=noninteractive

if [ "${OPA_SKIP_APT:-0}" != 1 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    php8.2-dev php8.2-cli php8.2-fpm php8.2-curl php8.2-mysql php8.2-sqlite3 php-apcu php-redis \
    liblz4-dev libssl-dev openssl pkg-config gcc make autoconf libc6-dev python3 python3-lz4 redis-server mariadb-server php-parser >/dev/null
fi

services="$(mktemp -d /tmp/opa-php-services.XXXXXX)"
trap '"$ext/scripts/test-services.sh" stop "$services"; rm -rf "$services"' EXIT
"$ext/scripts/test-services.sh" "$services"
set -a; . "$services/services.env"; set +a

build() {
  cd "$ext"
  if [ -f Makefile ]; then make clean >/dev/null 2>&1 || true; fi
  phpize --clean >/dev/null 2>&1 || true
  phpize >/dev/null
  ./configure --enable-opa CFLAGS="$1" LDFLAGS="$2" >/dev/null
  make -j2 >/dev/null
  cd - >/dev/null
}

run_suite() {
  local label="$1" log="$ext/tests/run-$1.log"
  echo "== $label: php-ext .phpt suite"
  set +e
  TEST_PHP_EXECUTABLE="$(command -v php)" php -n "$ext/run-tests.php" -n -q --show-diff \
    -d "extension=$ext/modules/opa.so" "$ext/tests" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ] || grep -qE '^Tests failed *: *[1-9]|^Tests borked *: *[1-9]|^Tests skipped *: *[1-9]' "$log"; then
    echo "== $label: FAILED (exit $rc; failed, borked or skipped tests above)"
    return 1
  fi
  if grep -qE '^Tests warned *: *[1-9]' "$log"; then
    echo "== $label: note: some tests passed only on their automatic retry (see WARN above)"
  fi
  echo "== $label: passed"
}

# the committed opa_arginfo.h must be what PHP's gen_stub.php makes of opa.stub.php
"$ext/scripts/gen_arginfo.sh" >/dev/null
git -C "$root" diff --exit-code -- php-ext/opa_arginfo.h || { echo "opa_arginfo.h is stale: run php-ext/scripts/gen_arginfo.sh"; exit 1; }

build "-O2 -g" ""
run_suite plain

# AddressSanitizer + LeakSanitizer build, loaded into the stock PHP binary. PHP dlopen()s extensions
# with RTLD_DEEPBIND, which ASan rejects: a test-only shim strips that flag (scripts/no_deepbind.c).
# USE_ZEND_ALLOC=0 sends PHP's request memory through malloc so ASan sees it; the harness counts only
# leak reports with a frame in the extension (PHP itself leaks request memory when a fatal error bails out).
asan_lib="$(gcc -print-file-name=libasan.so)"
shim="$services/no_deepbind.so"
gcc -shared -fPIC -O2 -o "$shim" "$ext/scripts/no_deepbind.c" -ldl
build "-O1 -g -fsanitize=address -fno-omit-frame-pointer" "-fsanitize=address"
LD_PRELOAD="$shim $asan_lib" ASAN_OPTIONS="verify_asan_link_order=0:detect_leaks=1:exitcode=86" \
  USE_ZEND_ALLOC=0 ZEND_DONT_UNLOAD_MODULES=1 run_suite asan

# leave a normal build behind for benchmarks and manual use
build "-O2 -g" ""
