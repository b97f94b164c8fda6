dnl OpenProfilingAgent extension
PHP_ARG_ENABLE([opa],
  [whether to enable the OpenProfilingAgent extension],
  [AS_HELP_STRING([--enable-opa], [Enable OpenProfilingAgent support])],
  [yes])

if test "$PHP_OPA" != "no"; then
  AC_CHECK_HEADER([lz4frame.h], [], [AC_MSG_ERROR([lz4frame.h not found: install liblz4-dev])])
  PHP_CHECK_LIBRARY(lz4, LZ4F_compressFrame,
    [PHP_ADD_LIBRARY(lz4, 1, OPA_SHARED_LIBADD)],
    [AC_MSG_ERROR([liblz4 not found: install liblz4-dev])])
  dnl TLS to the agent over TCP (opa.tls): libssl/libcrypto, the same OpenSSL PHP's openssl extension uses
  PHP_SETUP_OPENSSL(OPA_SHARED_LIBADD, [], [AC_MSG_ERROR([OpenSSL not found: install libssl-dev])])
  PHP_SUBST(OPA_SHARED_LIBADD)

  PHP_NEW_EXTENSION(opa,
    opa.c src/request.c src/request_facts.c src/calltree.c src/hooks.c src/hook_util.c src/hook_sql.c src/hook_curl.c src/hook_io.c src/hook_cache.c src/hook_log.c src/errors.c src/spans.c src/serialize.c src/transport.c src/batch.c src/json.c src/redact.c src/clock.c,
    $ext_shared,, -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 -Wall -Wextra -Wno-unused-parameter)
  PHP_ADD_EXTENSION_DEP(opa, json)
  PHP_ADD_BUILD_DIR($ext_builddir/src)
fi
