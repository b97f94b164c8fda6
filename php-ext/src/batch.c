/* What unsampled requests send, grouped per worker process (docs/protocol.md §6, php-ext/README.md).
 *
 * An unsampled request's output (its root summary, and its error and log lines) is appended to a per-process
 * buffer instead of being written at once; the buffer goes to the agent as one payload when
 *   (a) its oldest line is opa.summary_flush_ms old (sent by the flusher thread, or by the next request),
 *   (b) it would pass BATCH_MAX_BYTES or BATCH_MAX_MESSAGES (sent by the request that would pass it),
 *   (c) a sampled request sends (its output follows the buffer's in the same write),
 *   (d) the process ends (MSHUTDOWN).
 * The flusher thread sleeps while the buffer is empty, so an idle worker neither holds a summary for longer
 * than opa.summary_flush_ms nor wakes up for nothing. It never calls a Zend API: it sees malloc'd buffers and
 * settings copied when it starts, and writes on its own connection (its own TLS session from the process's
 * SSL_CTX). The PHP thread holds the lock only to append or take the buffer, never while sending, and never
 * waits for the thread; the thread's counters are merged under the lock.
 * Off (sent at once, as before) on ZTS builds, with opa.summary_flush_ms=0, and in the CLI (one request per
 * process: nothing to group). */
#include "batch.h"
#include "transport.h"
#include "clock.h"
#include "../php_opa.h"
#include "SAPI.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <openssl/crypto.h>

#define BATCH_MAX_BYTES (64 * 1024)
#define BATCH_MAX_MESSAGES 512

typedef struct {
	char *p;
	size_t len, cap;
	uint32_t messages;
} opa_buf;

static struct {
	bool enabled;           /* MINIT: NTS, opa.summary_flush_ms > 0, a SAPI that serves many requests */
	bool configured;        /* settings copied (first use in the process) */
	bool started;           /* this process's flusher thread runs (PHP thread and fork handlers only) */
	bool failed;            /* it could not be started: (a) to (d) still hold, (a) at the next request */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;    /* the buffer turned non-empty, or stop */
	/* guarded by lock */
	opa_buf pending;
	uint64_t first_ns;      /* when the oldest line of pending was added */
	char *in_flight;        /* the buffer the thread is sending (kept reachable: a forked child frees its copy) */
	bool stop;
	opa_counters merged;    /* the thread's counts */
	/* the thread's own */
	opa_conn conn;
	void *orphan_ssl;       /* a forked child's copy of the thread's TLS session: never used, never freed */
	/* settings, copied on the PHP thread at first use */
	char *address, *server_name;
	uint64_t flush_ns, budget_ns;
} batch;

static void init_sync(void)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&batch.wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&batch.lock, NULL);
}

/* fork (pcntl_fork, a php-fpm master starting a worker): the lock is held across it, so the child gets a
 * consistent buffer; the child drops the parent's pending lines (the parent sends them) and starts its own
 * thread when it first needs one. */
static void atfork_prepare(void)
{
	if (batch.enabled) pthread_mutex_lock(&batch.lock);
}

static void atfork_parent(void)
{
	if (batch.enabled) pthread_mutex_unlock(&batch.lock);
}

static void atfork_child(void)
{
	if (!batch.enabled) return;
	init_sync();
	batch.pending.len = 0;
	batch.pending.messages = 0;
	batch.first_ns = 0;
	free(batch.in_flight);
	batch.in_flight = NULL;
	batch.started = batch.failed = batch.stop = false;
	/* the parent's thread connection: our copy of the descriptor is closed, the TLS state (possibly mid-write in
	 * the parent) is left alone */
	if (batch.conn.fd >= 0) close(batch.conn.fd);
	batch.conn.fd = -1;
	if (batch.conn.ssl && !batch.orphan_ssl) batch.orphan_ssl = batch.conn.ssl;
	batch.conn.ssl = NULL;
}

void opa_batch_startup(void)
{
#ifndef ZTS
	if (OPA_G(summary_flush_ms) <= 0 || strcmp(sapi_module.name, "cli") == 0) return;
	static bool atfork_registered = false;
	init_sync();
	batch.conn.fd = -1;
	if (!atfork_registered) {
		/* glibc unregisters these when the extension is unloaded (__cxa_finalize) */
		if (pthread_atfork(atfork_prepare, atfork_parent, atfork_child) != 0) return;
		atfork_registered = true;
	}
	batch.enabled = true;
#endif
}

static void merge_counters(opa_counters *into, opa_counters *from)
{
	zend_long *a = (zend_long *) into, *b = (zend_long *) from;
	for (size_t i = 0; i < sizeof(opa_counters) / sizeof(zend_long); i++) {
		a[i] += b[i];
		b[i] = 0;
	}
}

static void *flusher(void *arg)
{
	(void) arg;
	opa_counters local;
	memset(&local, 0, sizeof(local));
	batch.conn.counters = &local;
	pthread_mutex_lock(&batch.lock);
	while (!batch.stop) {
		if (batch.pending.len == 0) {
			pthread_cond_wait(&batch.wake, &batch.lock);
			continue;
		}
		uint64_t due = batch.first_ns + batch.flush_ns, now = opa_mono_ns();
		if (now < due) {
			struct timespec ts = {.tv_sec = (time_t) (due / 1000000000ULL), .tv_nsec = (long) (due % 1000000000ULL)};
			pthread_cond_timedwait(&batch.wake, &batch.lock, &ts);
			continue;
		}
		opa_buf b = batch.pending;
		memset(&batch.pending, 0, sizeof(batch.pending));
		batch.in_flight = b.p;
		pthread_mutex_unlock(&batch.lock);

		opa_conn_send(&batch.conn, b.p, b.len, NULL, 0, b.messages, opa_mono_ns() + batch.budget_ns);
		local.batch_sends_due++;

		pthread_mutex_lock(&batch.lock);
		batch.in_flight = NULL;
		merge_counters(&batch.merged, &local);
		if (!batch.pending.p && !batch.stop) { /* keep the allocation for the next lines */
			batch.pending.p = b.p;
			batch.pending.cap = b.cap;
		} else {
			free(b.p);
		}
	}
	pthread_mutex_unlock(&batch.lock);
	opa_conn_close(&batch.conn);
	pthread_mutex_lock(&batch.lock);
	merge_counters(&batch.merged, &local);
	pthread_mutex_unlock(&batch.lock);
	OPENSSL_thread_stop(); /* this thread's OpenSSL error state */
	return NULL;
}

static void configure(opa_conn *main)
{
	batch.configured = true;
	batch.address = strdup(main->address ? main->address : "");
	batch.server_name = main->tls_server_name ? strdup(main->tls_server_name) : NULL;
	batch.flush_ns = (uint64_t) OPA_G(summary_flush_ms) * 1000000ULL;
	batch.budget_ns = (uint64_t) MAX(OPA_G(send_budget_ms), 0) * 1000000ULL;
	batch.conn.address = batch.address;
	batch.conn.tls_server_name = batch.server_name;
	batch.conn.tls = main->tls;
	batch.conn.tls_ctx = main->tls ? opa_transport_tls_context() : NULL;
	batch.conn.reconnect_delay_ms = main->reconnect_delay_ms;
	batch.conn.compress_threshold = main->compress_threshold;
	batch.conn.is_main = false;
}

static void start_thread(void)
{
	sigset_t all, old;
	sigfillset(&all);
	/* the thread takes no signal: PHP's timeout (SIGPROF), php-fpm's SIGQUIT etc. stay with the PHP thread */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	batch.started = pthread_create(&batch.thread, &attr, flusher, NULL) == 0;
	batch.failed = !batch.started;
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static bool append(opa_buf *b, const char *p, size_t len, uint32_t messages)
{
	if (b->len + len > b->cap) {
		size_t cap = MAX(b->cap * 2, MAX(b->len + len, 4096));
		char *n = realloc(b->p, cap);
		if (!n) return false;
		b->p = n;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->messages += messages;
	return true;
}

void opa_batch_send(const char *out, size_t len, const char *stack, size_t stack_len, uint32_t messages, bool sampled,
	uint64_t deadline_ns)
{
	opa_conn *main = opa_transport_main();
	if (!batch.enabled || len == 0) {
		opa_conn_send(main, out, len, stack, stack_len, messages, deadline_ns);
		return;
	}
	if (!batch.configured) configure(main);
	if (!main->address || strcmp(main->address, batch.address) != 0) { /* opa.socket_path set per directory */
		opa_conn_send(main, out, len, stack, stack_len, messages, deadline_ns);
		return;
	}
	uint64_t now = opa_mono_ns();
	opa_buf taken = {0};
	pthread_mutex_lock(&batch.lock);
	bool fits = batch.pending.len + len <= BATCH_MAX_BYTES && batch.pending.messages + messages <= BATCH_MAX_MESSAGES;
	bool due = batch.pending.len && now - batch.first_ns >= batch.flush_ns;
	if (!sampled && fits && !due) {
		bool was_empty = batch.pending.len == 0;
		if (append(&batch.pending, out, len, messages)) {
			if (was_empty) {
				batch.first_ns = now;
				pthread_cond_signal(&batch.wake);
			}
			pthread_mutex_unlock(&batch.lock);
			OPA_G(counters).batch_messages += messages;
			if (!batch.started && !batch.failed) start_thread();
			return;
		}
	}
	if (batch.pending.len) {
		taken = batch.pending;
		memset(&batch.pending, 0, sizeof(batch.pending));
	}
	pthread_mutex_unlock(&batch.lock);
	if (!taken.len) {
		free(taken.p);
		opa_conn_send(main, out, len, stack, stack_len, messages, deadline_ns);
		return;
	}
	if (sampled) OPA_G(counters).batch_sends_piggyback++;
	else if (due) OPA_G(counters).batch_sends_due++;
	else OPA_G(counters).batch_sends_full++;
	if (append(&taken, out, len, messages)) { /* one write: the buffer's lines, then this request's */
		opa_conn_send(main, taken.p, taken.len, stack, stack_len, taken.messages, deadline_ns);
	} else {
		opa_conn_send(main, taken.p, taken.len, NULL, 0, taken.messages, deadline_ns);
		opa_conn_send(main, out, len, stack, stack_len, messages, deadline_ns);
	}
	free(taken.p);
}

void opa_batch_shutdown(void)
{
	if (!batch.enabled) return;
	pthread_mutex_lock(&batch.lock);
	batch.stop = true;
	opa_buf taken = batch.pending;
	memset(&batch.pending, 0, sizeof(batch.pending));
	pthread_cond_signal(&batch.wake);
	pthread_mutex_unlock(&batch.lock);
	if (batch.started) {
		pthread_join(batch.thread, NULL); /* the thread finishes a send it is in (within opa.send_budget_ms) */
		batch.started = false;
	}
	if (batch.pending.len) { /* appended by nobody after stop; only a reused allocation can be here */
		append(&taken, batch.pending.p, batch.pending.len, batch.pending.messages);
	}
	free(batch.pending.p);
	memset(&batch.pending, 0, sizeof(batch.pending));
	if (taken.len) {
		OPA_G(counters).batch_sends_exit++;
		opa_conn_send(opa_transport_main(), taken.p, taken.len, NULL, 0, taken.messages,
			opa_mono_ns() + batch.budget_ns);
	}
	free(taken.p);
	free(batch.address);
	free(batch.server_name);
	batch.address = batch.server_name = NULL;
	batch.configured = false;
	batch.enabled = false;
}

void opa_batch_counters(opa_counters *into)
{
	if (!batch.enabled) return;
	opa_counters copy;
	pthread_mutex_lock(&batch.lock);
	copy = batch.merged;
	pthread_mutex_unlock(&batch.lock);
	zend_long *a = (zend_long *) into, *b = (zend_long *) &copy;
	for (size_t i = 0; i < sizeof(opa_counters) / sizeof(zend_long); i++) a[i] += b[i];
}
