/* Call tree (the recording core): the zend_execute_ex hook or observer handlers for user calls, the
 * frame stack, the kept nodes and their I/O records. Uses only request.h and clock.h. */
#ifndef OPA_CALLTREE_H
#define OPA_CALLTREE_H

#include "request.h"
#include "clock.h"

/* How user calls are seen: a zend_execute_ex hook installed for recorded requests only (NTS, JIT off:
 * nothing runs per call in other requests), or a Zend observer (JIT, ZTS; PHP 8.2 then runs its observer
 * path on every call of every request). opa.call_hook=auto|execute_ex|observer. */
typedef enum { OPA_CALLS_NONE = 0, OPA_CALLS_EXECUTE_EX, OPA_CALLS_OBSERVER } opa_call_hook;

void opa_calltree_register(void);             /* MINIT, only when opa.enabled */
void opa_calltree_unregister(void);           /* MSHUTDOWN */
opa_call_hook opa_calltree_mode(void);
void opa_calltree_request_begin(opa_request *req); /* RINIT, after the sampling decision (req may be NULL) */
void opa_calltree_request_end(void);               /* RSHUTDOWN */
void opa_calltree_post_deactivate(void);           /* post-deactivate: the request's executor has shut down */
void opa_calltree_unwind(opa_request *req);   /* request end: close frames left open (fatal errors) */

/* A hooked internal function's call (the integration layer, hooks.c), while the request is recorded.
 * hook is the integration's id of the function (not 0); aggregate: accounted on the caller (file I/O),
 * not a node of its own. When the call ends, before the threshold decides whether it becomes a node,
 * the call tree calls the function given to opa_calltree_on_internal_end (once, at startup) with the
 * frame, so the integration can write its record (opa_record_begin/end) and mark the frame kept. */
typedef void (*opa_internal_end_fn)(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now_ns);
void opa_calltree_on_internal_end(opa_internal_end_fn fn);
void opa_calltree_internal_begin(opa_request *req, zend_execute_data *ex, uint8_t hook, bool aggregate);
void opa_calltree_internal_end(opa_request *req, zend_execute_data *ex, zval *retval);

/* Records: the caller writes one JSON object into req->rec_buf between begin and end. */
size_t opa_record_begin(opa_request *req);
void opa_record_end(opa_request *req, opa_frame *owner, opa_rec_kind kind, size_t offset);

/* Monotonic ns of a tick value of this request. */
static inline uint64_t opa_req_ns(const opa_request *req, uint64_t ticks)
{
	return req->start_ns + (uint64_t) ((double) (int64_t) (ticks - req->start_ticks) * opa_ns_per_tick);
}

/* Epoch milliseconds of a monotonic timestamp of this request. */
static inline double opa_req_epoch_ms(const opa_request *req, uint64_t mono_ns)
{
	return req->start_epoch_ms + ((double) (int64_t) (mono_ns - req->start_ns)) / 1e6;
}

#endif
