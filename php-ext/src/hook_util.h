/* Helpers shared by the integration files (hook_*.c). */
#ifndef OPA_HOOK_UTIL_H
#define OPA_HOOK_UTIL_H

#include "request.h"

zval *opa_arg(zend_execute_data *ex, uint32_t n);      /* n-th argument (0-based), dereferenced, or NULL */
zval *opa_this(zend_execute_data *ex);                 /* $this of a method call, or NULL */
zval *opa_str_arg(zend_execute_data *ex, uint32_t n);  /* n-th argument if it is a string */
/* Calls a PHP function on behalf of the extension, invisibly: no recording, no exception left behind. */
bool opa_call_quietly(opa_request *req, const char *name, zval *ret, uint32_t argc, zval *argv);
zend_long opa_read_long_prop(opa_request *req, zval *obj, const char *name, zend_long fallback);
/* ,"duration_ms":..,"start_ts":.. of a record being written into req->rec_buf */
void opa_rec_timing(opa_request *req, bool *first, uint64_t start_ns, uint64_t dur_ns);
bool opa_call_failed(zval *retval);                    /* exception, no value or false */

/* integration entry points, called by hooks.c */
void opa_pdo_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now);
void opa_mysqli_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now);
void opa_curl_inject(opa_request *req, zval *ch);
void opa_curl_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now);
void opa_curl_request_init(opa_request *req);
void opa_curl_request_free(opa_request *req);
void opa_file_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now);
void opa_cache_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now);
void opa_log_from_error_log(opa_request *req, zend_execute_data *ex);

#endif
