/* OpenProfilingAgent PHP extension: module globals and shared declarations. */
#ifndef PHP_OPA_H
#define PHP_OPA_H

#include "php.h"
#include "zend_smart_str.h"

#define PHP_OPA_VERSION "0.1.0"
#define PHP_OPA_EXTNAME "opa"

extern zend_module_entry opa_module_entry;
#define phpext_opa_ptr &opa_module_entry

#include "src/request.h"

/* Per-process (per-thread under ZTS) counters, readable with opa_stats() and phpinfo(). */
typedef struct {
	zend_long requests;
	zend_long requests_sampled;
	zend_long messages_queued;
	zend_long messages_sent;
	zend_long messages_dropped;
	zend_long bytes_sent;
	zend_long frames_compressed;
	zend_long stacks_attached;   /* requests whose call stack was sent attached (opa.attach_stack) */
	zend_long connects;
	zend_long connect_failures;
	zend_long send_failures;
	zend_long send_timeouts;
	zend_long tls_handshakes;
	zend_long tls_handshake_failures; /* refused: certificate not verified, protocol error, bad local TLS files */
	zend_long tls_handshake_timeouts; /* the handshake did not finish within opa.send_budget_ms */
	zend_long nodes_dropped_threshold;
	zend_long nodes_dropped_cap;
	zend_long records_dropped_cap;
	/* unsampled requests' output grouped per process (batch.c): sends of the buffer by cause */
	zend_long batch_sends_due;       /* opa.summary_flush_ms elapsed (flusher thread, or the next request) */
	zend_long batch_sends_full;      /* the byte or count bound was reached */
	zend_long batch_sends_piggyback; /* with a sampled request's output, in its write */
	zend_long batch_sends_exit;      /* at process end (MSHUTDOWN) */
	zend_long batch_messages;        /* JSON lines that went through the buffer */
} opa_counters;

/* One connection to the agent (transport.c): the PHP thread's, or the flusher thread's (batch.c). */
typedef struct {
	int fd;
	pid_t pid;              /* the process that opened fd (a forked child must not write on its parent's) */
	void *ssl;              /* SSL of fd when it is a TLS connection */
	uint64_t next_connect_ns; /* monotonic time before which no reconnect is tried */
	/* settings */
	const char *address;
	const char *tls_server_name;
	void *tls_ctx;          /* SSL_CTX (shared by both connections of a process) */
	zend_long reconnect_delay_ms;
	zend_long compress_threshold;
	bool tls;
	bool is_main;           /* the PHP thread's: may build the SSL_CTX */
	opa_counters *counters; /* where its sends are counted */
} opa_conn;

ZEND_BEGIN_MODULE_GLOBALS(opa)
	/* INI */
	bool enabled;
	char *socket_path;
	char *service_name;
	char *organization_id;
	char *project_id;
	char *environment;
	char *release;
	double sampling_rate;
	zend_long call_threshold_us;
	zend_long hot_function_limit;
	zend_long hot_function_recheck;
	zend_long file_io_threshold_us;
	zend_long max_nodes;
	zend_long max_records;
	zend_long max_depth;
	zend_long send_budget_ms;
	zend_long reconnect_delay_ms;
	zend_long compress_threshold;
	zend_long summary_flush_ms; /* unsampled output grouped per process for at most this long; 0 = sent at once */
	bool attach_stack;      /* send the root span's call stack LZ4-compressed beside its JSON (docs/protocol.md) */
	bool redact_sql;
	char *redact_keys;
	char *trusted_proxy_header;
	zend_long max_string_length;
	char *call_hook;        /* auto | execute_ex | observer */
	bool tls;               /* TLS on TCP connections (a Unix socket stays plain) */
	char *tls_ca_file;
	char *tls_cert_file;
	char *tls_key_file;
	char *tls_server_name;

	/* state */
	opa_request *req;       /* NULL outside a recorded request */
	bool runtime_disabled;  /* opa_disable() */
	opa_conn conn;          /* the PHP thread's connection to the agent */
	void *tls_ctx;          /* SSL_CTX, built on first use from the opa.tls_* files */
	opa_counters counters;
ZEND_END_MODULE_GLOBALS(opa)

ZEND_EXTERN_MODULE_GLOBALS(opa)
#define OPA_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(opa, v)

#if defined(ZTS) && defined(COMPILE_DL_OPA)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif
