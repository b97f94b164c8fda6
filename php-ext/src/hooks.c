/* Which internal functions are observed (the hook table), and dispatch to the integration files:
 * hook_sql.c, hook_curl.c, hook_io.c (files), hook_cache.c (APCu, phpredis), hook_log.c (error_log()). */
#include "hooks.h"
#include "hook_util.h"
#include "calltree.h"
#include "clock.h"
#include "zend_extensions.h"
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

/* Each hooked internal function gets opa_hooked_handler as its handler; its own handler and hook id sit
 * in a reserved slot of the function (copied along when a class inherits the method or a closure is made
 * of the function). Other functions are not touched and cost nothing. */
typedef struct {
	zif_handler handler;
	uint8_t hook;
} opa_wrapped;

static int reserved_slot = -1;
static HashTable wrapped_by_handler;      /* original handler => opa_wrapped (persistent) */
static zend_internal_function **patched;  /* to restore at shutdown */
static uint32_t patched_len, patched_cap;
static zend_result (*prev_post_startup)(void);
static bool installed;

static bool counts_as_sql(uint8_t hook)
{
	return hook == OPA_HOOK_PDO_QUERY || hook == OPA_HOOK_PDO_EXEC || hook == OPA_HOOK_PDOSTMT_EXECUTE
		|| hook == OPA_HOOK_MYSQLI_QUERY || hook == OPA_HOOK_MYSQLI_STMT_EXECUTE;
}

static ZEND_NAMED_FUNCTION(opa_hooked_handler)
{
	const opa_wrapped *w = execute_data->func->internal_function.reserved[reserved_slot];
	opa_request *req = OPA_G(req);
	if (!req || req->in_hook) {
		w->handler(INTERNAL_FUNCTION_PARAM_PASSTHRU);
		return;
	}
	uint8_t hook = w->hook;
	bool sql = counts_as_sql(hook), http = hook == OPA_HOOK_CURL_EXEC;
	uint64_t start = sql || http ? opa_mono_ns() : 0;
	opa_hook_begin(req, execute_data, hook); /* propagation and logs: recorded or not */
	bool recording = req->recording;
	if (recording) opa_calltree_internal_begin(req, execute_data, hook, opa_hook_aggregates(hook));
	w->handler(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	if (OPA_G(req) != req) return;
	if (sql || http) { /* RED figures of the root span, at any sample rate */
		uint64_t dur = opa_mono_ns() - start;
		if (sql) { req->sql_count++; req->sql_ns += dur; }
		else { req->http_count++; req->http_ns += dur; }
	}
	if (recording) opa_calltree_internal_end(req, execute_data, return_value);
	else if (opa_hook_always(hook)) opa_hook_end(req, NULL, execute_data, hook, return_value, opa_mono_ns());
}

static void remember(zend_function *fn, uint8_t hook)
{
	if (!fn || fn->type != ZEND_INTERNAL_FUNCTION || fn->internal_function.handler == opa_hooked_handler) return;
	zend_ulong key = (zend_ulong) (uintptr_t) fn->internal_function.handler;
	if (zend_hash_index_exists(&wrapped_by_handler, key)) return;
	opa_wrapped *w = pemalloc(sizeof(*w), 1);
	w->handler = fn->internal_function.handler;
	w->hook = hook;
	zend_hash_index_add_new_ptr(&wrapped_by_handler, key, w);
}

static void patch(zend_function *fn)
{
	if (fn->type != ZEND_INTERNAL_FUNCTION) return;
	opa_wrapped *w = zend_hash_index_find_ptr(&wrapped_by_handler, (zend_ulong) (uintptr_t) fn->internal_function.handler);
	if (!w) return;
	if (patched_len == patched_cap) {
		patched_cap = MAX(patched_cap * 2, 64);
		patched = perealloc(patched, sizeof(*patched) * patched_cap, 1);
	}
	patched[patched_len++] = &fn->internal_function;
	fn->internal_function.reserved[reserved_slot] = w;
	fn->internal_function.handler = opa_hooked_handler;
}

/* After every extension's MINIT (so the classes of extensions loaded after this one exist too): find the
 * integration points by name, then patch every function and method with one of their handlers (aliases
 * such as fputs, and methods internal subclasses inherited, e.g. PHP 8.4's Pdo\Mysql::query). User
 * classes extending PDO or mysqli, declared later, copy the patched methods. */
static void install(void)
{
	installed = true;
	zend_hash_init(&wrapped_by_handler, 64, NULL, NULL, 1);
	for (size_t i = 0; i < sizeof(hook_names) / sizeof(hook_names[0]); i++) {
		const char *name = hook_names[i].name, *sep = strstr(name, "::");
		if (!sep) {
			remember(zend_hash_str_find_ptr(CG(function_table), name, strlen(name)), hook_names[i].hook);
			continue;
		}
		zend_class_entry *ce = zend_hash_str_find_ptr(CG(class_table), name, (size_t) (sep - name));
		if (ce) remember(zend_hash_str_find_ptr(&ce->function_table, sep + 2, strlen(sep + 2)), hook_names[i].hook);
	}
	zend_class_entry *redis = zend_hash_str_find_ptr(CG(class_table), "redis", 5);
	if (redis) {
		zend_string *lc;
		zend_function *fn;
		ZEND_HASH_FOREACH_STR_KEY_PTR(&redis->function_table, lc, fn) {
			if (lc && !zend_string_equals_literal(lc, "__construct") && !zend_string_equals_literal(lc, "__destruct")) {
				remember(fn, OPA_HOOK_REDIS);
			}
		} ZEND_HASH_FOREACH_END();
	}
	zend_function *fn;
	zend_class_entry *ce;
	ZEND_HASH_FOREACH_PTR(CG(function_table), fn) {
		patch(fn);
	} ZEND_HASH_FOREACH_END();
	ZEND_HASH_FOREACH_PTR(CG(class_table), ce) {
		if (ce->type != ZEND_INTERNAL_CLASS) continue;
		ZEND_HASH_FOREACH_PTR(&ce->function_table, fn) {
			patch(fn);
		} ZEND_HASH_FOREACH_END();
	} ZEND_HASH_FOREACH_END();
}

static zend_result hooks_post_startup(void)
{
	if (prev_post_startup) {
		zend_result (*cb)(void) = prev_post_startup;
		prev_post_startup = NULL;
		if (cb() != SUCCESS) return FAILURE;
	}
	install();
	return SUCCESS;
}

void opa_hooks_startup(void)
{
	reserved_slot = zend_get_resource_handle(PHP_OPA_EXTNAME);
	if (reserved_slot < 0) {
		php_error_docref(NULL, E_CORE_WARNING, "opa: no reserved function slot left (too many Zend extensions): "
			"SQL, HTTP, cache, file and log integrations are off");
		return;
	}
	prev_post_startup = zend_post_startup_cb;
	zend_post_startup_cb = hooks_post_startup;
	opa_calltree_on_internal_end(opa_hook_end);
}

void opa_hooks_shutdown(void)
{
	for (uint32_t i = 0; i < patched_len; i++) {
		opa_wrapped *w = patched[i]->reserved[reserved_slot];
		patched[i]->handler = w->handler;
	}
	pefree(patched, 1);
	patched = NULL;
	patched_len = patched_cap = 0;
	if (installed) {
		installed = false;
		opa_wrapped *w;
		ZEND_HASH_FOREACH_PTR(&wrapped_by_handler, w) {
			pefree(w, 1);
		} ZEND_HASH_FOREACH_END();
		zend_hash_destroy(&wrapped_by_handler);
	}
}

uint32_t opa_hooks_installed(void)
{
	return patched_len;
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
