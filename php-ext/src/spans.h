/* Manual spans from the userland API: children of the request's root span in the same trace. */
#ifndef OPA_SPANS_H
#define OPA_SPANS_H

#include "request.h"

opa_manual_span *opa_spans_start(opa_request *req, zend_string *name, HashTable *tags);
bool opa_spans_end(opa_request *req, const char *id, size_t id_len);
opa_manual_span *opa_spans_find(opa_request *req, const char *id, size_t id_len);
void opa_spans_end_all(opa_request *req);
void opa_tags_put(HashTable *tags, zend_string *key, zval *value); /* value converted to string */

#endif
