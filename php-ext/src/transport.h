/* Transport to the agent: one persistent, non-blocking connection per worker (Unix socket or TCP),
 * TLS on TCP with opa.tls=1, LZ4 frames above opa.compress_threshold, a total time budget per request. Every failure drops the
 * payload and is counted; nothing is ever reported to the application. */
#ifndef OPA_TRANSPORT_H
#define OPA_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

/* Sends payload (one or more JSON lines) before deadline_ns (monotonic). messages = lines in it. With a stack
 * (the JSON array of the payload's last line, a span), both go as one span-with-attached-stack frame. */
void opa_transport_send(const char *payload, size_t len, const char *stack, size_t stack_len, uint32_t messages,
	uint64_t deadline_ns);
void opa_transport_close(void);
/* Frees the connection and TLS state of one globals block (GSHUTDOWN). */
struct _zend_opa_globals;
void opa_transport_release(struct _zend_opa_globals *g);

#endif
