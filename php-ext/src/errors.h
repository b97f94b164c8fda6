/* Errors: warnings, notices, fatals, uncaught and tracked exceptions (logs: hook_log.c). */
#ifndef OPA_ERRORS_H
#define OPA_ERRORS_H

#include "request.h"

void opa_errors_startup(void);
void opa_errors_shutdown(void);
void opa_errors_request_end(opa_request *req);
void opa_error_from_throwable(opa_request *req, zend_object *ex, bool handled, HashTable *tags);
void opa_error_from_string(opa_request *req, zend_string *message, HashTable *tags);
/* FNV-1a 64 of type, location and message with digits folded. */
uint64_t opa_fingerprint(const char *type, const char *file, zend_long line, const char *msg, size_t msg_len);

#endif
