/* Which internal functions are observed (the hook table), and dispatch to the integration files:
 * hook_sql.c, hook_curl.c, hook_io.c. */
#include "hooks.h"
#include "hook_util.h"
#include "errors.h"
#include "../php_opa.h"

static const struct { const char *name; uint8_t hook; } hook_names[] = {
	{"pdo::query", OPA_HOOK_PDO_QUERY}, {"pdo::exec", OPA_HOOK_PDO_EXEC},
	{"pdostatement::execute", OPA_HOOK_PDOSTMT_EXECUTE},
	{"mysqli_query", OPA_HOOK_MYSQLI_QUERY}, {"mysqli::query", OPA_HOOK_MYSQLI_QUERY},
	{"mysqli_real_query", OPA_HOOK_MYSQLI_QUERY}, {"mysqli::real_query", OPA_HOOK_MYSQLI_QUERY},
	{"mysqli_multi_query", OPA_HOOK_MYSQLI_QUERY}, {"mysqli::multi_query", OPA_HOOK_MYSQLI_QUERY},
	{"mysqli_execute_query", OPA_HOOK_MYSQLI_QUERY}, {"mysqli::execute_query", OPA_HOOK_MYSQLI_QUERY},
	{"mysqli_prepare", OPA_HOOK_MYSQLI_PREPARE}, {"mysqli::prepare", OPA_HOOK_MYSQLI_PREPARE},
	{"mysqli_stmt_prepare", OPA_HOOK_MYSQLI_STMT_PREPARE}, {"mysqli_stmt::prepare", OPA_HOOK_MYSQLI_STMT_PREPARE},
	{"mysqli_stmt::__construct", OPA_HOOK_MYSQLI_STMT_CONSTRUCT},
	{"mysqli_stmt_execute", OPA_HOOK_MYSQLI_STMT_EXECUTE}, {"mysqli_execute", OPA_HOOK_MYSQLI_STMT_EXECUTE},
	{"mysqli_stmt::execute", OPA_HOOK_MYSQLI_STMT_EXECUTE},
	{"curl_exec", OPA_HOOK_CURL_EXEC}, {"curl_setopt", OPA_HOOK_CURL_SETOPT},
	{"curl_setopt_array", OPA_HOOK_CURL_SETOPT_ARRAY}, {"curl_init", OPA_HOOK_CURL_INIT},
	{"curl_reset", OPA_HOOK_CURL_RESET}, {"curl_copy_handle", OPA_HOOK_CURL_COPY},
	{"curl_multi_add_handle", OPA_HOOK_CURL_MULTI_ADD}, {"curl_multi_remove_handle", OPA_HOOK_CURL_MULTI_REMOVE},
	{"fopen", OPA_HOOK_FILE_OPEN}, {"fread", OPA_HOOK_FILE_READ}, {"fgets", OPA_HOOK_FILE_READ},
	{"fwrite", OPA_HOOK_FILE_WRITE}, {"fputs", OPA_HOOK_FILE_WRITE}, {"fclose", OPA_HOOK_FILE_CLOSE},
	{"file_get_contents", OPA_HOOK_FILE_GET_CONTENTS}, {"file_put_contents", OPA_HOOK_FILE_PUT_CONTENTS},
	{"apcu_fetch", OPA_HOOK_APCU}, {"apcu_store", OPA_HOOK_APCU}, {"apcu_add", OPA_HOOK_APCU},
	{"apcu_delete", OPA_HOOK_APCU}, {"apcu_exists", OPA_HOOK_APCU}, {"apcu_inc", OPA_HOOK_APCU},
	{"apcu_dec", OPA_HOOK_APCU}, {"apcu_cas", OPA_HOOK_APCU}, {"apcu_entry", OPA_HOOK_APCU},
	{"error_log", OPA_HOOK_ERROR_LOG}, {"pcntl_fork", OPA_HOOK_PCNTL_FORK},
};

static HashTable hook_table; /* lower-case name => hook id; built at MINIT, read-only afterwards */

void opa_hooks_startup(void)
{
	zend_hash_init(&hook_table, 64, NULL, NULL, 1);
	for (size_t i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++) {
		zval v;
		ZVAL_LONG(&v, hook_names[i].hook);
		zend_hash_str_update(&hook_table, hook_names[i].name, strlen(hook_names[i].name), &v);
	}
}

void opa_hooks_shutdown(void)
{
	zend_hash_destroy(&hook_table);
}

static uint8_t hook_by_name(zend_function *fn)
{
	zend_string *name = fn->common.function_name;
	if (!name) return OPA_HOOK_NONE;
	if (fn->common.scope) {
		zend_string *cls = fn->common.scope->name;
		if (zend_string_equals_literal_ci(cls, "Redis")) {
			return zend_string_equals_literal_ci(name, "__construct") || zend_string_equals_literal_ci(name, "__destruct")
				? OPA_HOOK_NONE : OPA_HOOK_REDIS;
		}
		char key[160];
		if (ZSTR_LEN(cls) + ZSTR_LEN(name) + 3 > sizeof(key)) return OPA_HOOK_NONE;
		size_t n = ZSTR_LEN(cls);
		zend_str_tolower_copy(key, ZSTR_VAL(cls), n);
		key[n++] = ':';
		key[n++] = ':';
		zend_str_tolower_copy(key + n, ZSTR_VAL(name), ZSTR_LEN(name));
		n += ZSTR_LEN(name);
		zval *v = zend_hash_str_find(&hook_table, key, n);
		return v ? (uint8_t) Z_LVAL_P(v) : OPA_HOOK_NONE;
	}
	char key[64];
	if (ZSTR_LEN(name) >= sizeof(key)) return OPA_HOOK_NONE;
	zend_str_tolower_copy(key, ZSTR_VAL(name), ZSTR_LEN(name));
	zval *v = zend_hash_str_find(&hook_table, key, ZSTR_LEN(name));
	return v ? (uint8_t) Z_LVAL_P(v) : OPA_HOOK_NONE;
}

uint8_t opa_hook_of(zend_function *fn)
{
	/* internal functions live for the whole process: cache the answer by address; closures over
	 * internal functions are copies that can be freed and their address reused, so they are not cached */
	if (fn->common.fn_flags & (ZEND_ACC_FAKE_CLOSURE | ZEND_ACC_CALL_VIA_TRAMPOLINE | ZEND_ACC_CLOSURE)) {
		return hook_by_name(fn);
	}
	HashTable *cache = &OPA_G(hook_cache);
	zval *v = zend_hash_index_find(cache, (zend_ulong) (uintptr_t) fn);
	if (v) return (uint8_t) Z_LVAL_P(v);
	zval hv;
	ZVAL_LONG(&hv, hook_by_name(fn));
	zend_hash_index_update(cache, (zend_ulong) (uintptr_t) fn, &hv);
	return (uint8_t) Z_LVAL(hv);
}

bool opa_hook_aggregates(uint8_t hook)
{
	return hook >= OPA_HOOK_FILE_OPEN && hook <= OPA_HOOK_FILE_PUT_CONTENTS;
}

bool opa_hook_always(uint8_t hook)
{
	return (hook >= OPA_HOOK_CURL_EXEC && hook <= OPA_HOOK_CURL_MULTI_ADD) || hook == OPA_HOOK_ERROR_LOG
		|| hook == OPA_HOOK_PCNTL_FORK;
}

void opa_hooks_request_init(opa_request *req)
{
	opa_curl_request_init(req);
	zend_hash_init(&req->stmt_sql, 8, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
}

void opa_hooks_request_free(opa_request *req)
{
	opa_curl_request_free(req);
	zend_hash_destroy(&req->stmt_sql);
}

/* ---------- dispatch ---------- */

void opa_hook_begin(opa_request *req, zend_execute_data *ex, uint8_t hook)
{
	switch (hook) {
		case OPA_HOOK_CURL_EXEC: opa_curl_inject(req, opa_arg(ex, 0)); break;
		case OPA_HOOK_CURL_MULTI_ADD: opa_curl_inject(req, opa_arg(ex, 1)); break;
		case OPA_HOOK_ERROR_LOG: opa_log_from_error_log(req, ex); break;
		default: break;
	}
}

void opa_hook_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	if (hook == OPA_HOOK_PCNTL_FORK) {
		if (retval && Z_TYPE_P(retval) == IS_LONG && Z_LVAL_P(retval) == 0) opa_request_forked(req);
		return;
	}
	if (hook >= OPA_HOOK_CURL_EXEC && hook <= OPA_HOOK_CURL_MULTI_REMOVE) {
		opa_curl_end(req, f, ex, hook, retval, now);
		return;
	}
	if (!f) return;
	if (hook >= OPA_HOOK_PDO_QUERY && hook <= OPA_HOOK_PDOSTMT_EXECUTE) opa_pdo_end(req, f, ex, hook, retval, now);
	else if (hook >= OPA_HOOK_MYSQLI_QUERY && hook <= OPA_HOOK_MYSQLI_STMT_EXECUTE) opa_mysqli_end(req, f, ex, hook, retval, now);
	else if (opa_hook_aggregates(hook)) opa_file_end(req, f, ex, hook, retval, now);
	else if (hook == OPA_HOOK_APCU || hook == OPA_HOOK_REDIS) opa_cache_end(req, f, ex, hook, retval, now);
}
