/* Message envelopes and the root span of a request, as JSON lines (docs/protocol.md). */
#ifndef OPA_SERIALIZE_H
#define OPA_SERIALIZE_H

#include "request.h"

/* {"type":..,"trace_id":..,"span_id":<current span>,"service":..  — returns the json "first" flag (false) */
bool opa_msg_begin(opa_request *req, smart_str *b, const char *type);
bool opa_msg_begin_span(opa_request *req, smart_str *b, const char *type, const char *span_id);
void opa_msg_tenant(opa_request *req, smart_str *b, bool *first); /* organization_id, project_id, environment, release */
void opa_msg_end(opa_request *req, smart_str *b);                 /* closes the object and the line */
/* "key":"value" pairs of a string table; values of sensitive keys are masked */
void opa_json_tag_pairs(smart_str *b, HashTable *tags, bool *first);
void opa_serialize_root(opa_request *req, uint64_t end_ns);
zend_string *opa_server_var(const char *name); /* $_SERVER[name] if a string */

#endif
