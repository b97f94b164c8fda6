/* Message envelopes and the root span of a request, as JSON lines (docs/protocol.md). */
#ifndef OPA_SERIALIZE_H
#define OPA_SERIALIZE_H

#include "request.h"

/* {"type":..,"trace_id":..,"span_id":<current span>,"service":..  — returns the json "first" flag (false) */
bool opa_msg_begin(opa_request *req, smart_str *b, const char *type);
bool opa_msg_begin_span(opa_request *req, smart_str *b, const char *type, const char *span_id);
void opa_msg_tenant(opa_request *req, smart_str *b, bool *first); /* organization_id, project_id, environment, release */
void opa_msg_org_project(smart_str *b, bool *first);              /* organization_id, project_id (a log's tenant) */
void opa_msg_end(opa_request *req, smart_str *b);                 /* closes the object and the line */
/* "key":"value" pairs of a string table; values of sensitive keys are masked */
void opa_json_tag_pairs(smart_str *b, HashTable *tags, bool *first);
/* The root span as the last line of req->out; with opa.attach_stack its call stack goes to req->stack instead. */
void opa_serialize_root(opa_request *req, uint64_t end_ns);

#endif
