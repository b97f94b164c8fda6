/* Call tree: observer init/begin/end handlers, the frame stack and the kept nodes. */
#ifndef OPA_CALLTREE_H
#define OPA_CALLTREE_H

#include "request.h"

void opa_calltree_register(void);             /* MINIT, only when opa.enabled */
void opa_calltree_unwind(opa_request *req);   /* request end: close frames left open (fatal errors) */

/* Records: the caller writes one JSON object into req->rec_buf between begin and end. */
size_t opa_record_begin(opa_request *req);
void opa_record_end(opa_request *req, opa_frame *owner, opa_rec_kind kind, size_t offset);

/* Epoch milliseconds of a monotonic timestamp of this request. */
static inline double opa_req_epoch_ms(const opa_request *req, uint64_t mono_ns)
{
	return req->start_epoch_ms + ((double) (int64_t) (mono_ns - req->start_ns)) / 1e6;
}

#endif
