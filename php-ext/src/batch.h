/* Unsampled requests' output grouped per worker process and sent by a flusher thread (batch.c). */
#ifndef OPA_BATCH_H
#define OPA_BATCH_H

#include "../php_opa.h"

/* MINIT: on when opa.summary_flush_ms > 0, the build is NTS and the SAPI serves many requests per process. */
void opa_batch_startup(void);
/* A request's output (JSON lines; a sampled request's stack beside them): an unsampled request's is added to the
 * process's buffer, a sampled request's is sent at once after the buffer's lines, in one write. */
void opa_batch_send(const char *out, size_t len, const char *stack, size_t stack_len, uint32_t messages, bool sampled,
	uint64_t deadline_ns);
/* MSHUTDOWN: stops and joins the flusher thread, sends what is left within opa.send_budget_ms. */
void opa_batch_shutdown(void);
/* Adds the flusher thread's counts (opa_stats). */
void opa_batch_counters(opa_counters *into);

#endif
