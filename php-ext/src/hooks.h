/* Integrations: which internal functions are observed, and what each records. */
#ifndef OPA_HOOKS_H
#define OPA_HOOKS_H

#include "request.h"

enum {
	OPA_HOOK_NONE = 0,
	OPA_HOOK_PDO_QUERY, OPA_HOOK_PDO_EXEC, OPA_HOOK_PDOSTMT_EXECUTE,
	OPA_HOOK_MYSQLI_QUERY, OPA_HOOK_MYSQLI_PREPARE, OPA_HOOK_MYSQLI_STMT_PREPARE,
	OPA_HOOK_MYSQLI_STMT_CONSTRUCT, OPA_HOOK_MYSQLI_STMT_EXECUTE,
	OPA_HOOK_CURL_EXEC, OPA_HOOK_CURL_SETOPT, OPA_HOOK_CURL_SETOPT_ARRAY, OPA_HOOK_CURL_INIT,
	OPA_HOOK_CURL_RESET, OPA_HOOK_CURL_COPY, OPA_HOOK_CURL_MULTI_ADD, OPA_HOOK_CURL_MULTI_REMOVE,
	OPA_HOOK_FILE_OPEN, OPA_HOOK_FILE_READ, OPA_HOOK_FILE_WRITE, OPA_HOOK_FILE_CLOSE,
	OPA_HOOK_FILE_GET_CONTENTS, OPA_HOOK_FILE_PUT_CONTENTS,
	OPA_HOOK_APCU,
	OPA_HOOK_REDIS,
	OPA_HOOK_ERROR_LOG,
	OPA_HOOK_PCNTL_FORK,
	OPA_HOOK_COUNT
};

void opa_hooks_startup(void);              /* MINIT: replaces the handlers after startup */
void opa_hooks_shutdown(void);
uint32_t opa_hooks_installed(void);         /* functions whose handler was replaced */
bool opa_hook_aggregates(uint8_t hook);   /* file I/O: summed on the caller */
bool opa_hook_always(uint8_t hook);       /* also active on unsampled requests */
void opa_hook_begin(opa_request *req, zend_execute_data *ex, uint8_t hook);
/* f is NULL on unsampled requests (no frames): only handle-state tracking runs then. */
void opa_hook_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now_ns);
void opa_hooks_request_init(opa_request *req);
void opa_hooks_request_free(opa_request *req);

#endif
