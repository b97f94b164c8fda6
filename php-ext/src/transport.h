/* Transport to the agent: a persistent, non-blocking connection (Unix socket or TCP), TLS on TCP with opa.tls=1,
 * LZ4 frames above opa.compress_threshold, a deadline per send. The PHP thread has one connection per process
 * (OPA_G(conn)); the flusher thread of batch.c has its own. Every failure drops the payload and is counted on the
 * connection's counters; nothing is ever reported to the application. Nothing here calls a Zend API, so the
 * flusher thread may use opa_conn_send/opa_conn_close. */
#ifndef OPA_TRANSPORT_H
#define OPA_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include "../php_opa.h"

/* Sends payload (one or more JSON lines) on c before deadline_ns (monotonic). messages = lines in it. With a stack
 * (the JSON array of the payload's last line, a span), both go as one span-with-attached-stack frame. */
void opa_conn_send(opa_conn *c, const char *payload, size_t len, const char *stack, size_t stack_len,
	uint32_t messages, uint64_t deadline_ns);
void opa_conn_close(opa_conn *c);

/* The PHP thread's connection with the settings of the current request (PHP thread only). */
opa_conn *opa_transport_main(void);
void opa_transport_send(const char *payload, size_t len, const char *stack, size_t stack_len, uint32_t messages,
	uint64_t deadline_ns);
void opa_transport_close(void);
/* The process's SSL_CTX, built from the opa.tls_* files on first use; NULL when they are unusable (PHP thread only). */
void *opa_transport_tls_context(void);
/* Frees the connection and TLS state of one globals block (GSHUTDOWN). */
void opa_transport_release(zend_opa_globals *g);

#endif
