/* APCu and phpredis: a cache record per call (operation or command, key, hit for lookups, error). */
#include "hook_util.h"
#include "hooks.h"
#include "calltree.h"
#include "json.h"
#include "redact.h"
#include "../php_opa.h"

static void write_key(smart_str *b, zval *key)
{
	if (!key) { opa_json_str(b, "", 0); return; }
	if (Z_TYPE_P(key) == IS_ARRAY) {
		char tmp[32];
		int n = snprintf(tmp, sizeof(tmp), "[%u keys]", zend_hash_num_elements(Z_ARRVAL_P(key)));
		opa_json_str(b, tmp, (size_t) n);
		return;
	}
	if (Z_TYPE_P(key) == IS_STRING && opa_is_sensitive(Z_STRVAL_P(key), Z_STRLEN_P(key))) {
		opa_json_cstr(b, OPA_MASK);
		return;
	}
	opa_json_zval_as_str(b, key);
}

void opa_cache_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	zend_string *fname = ex->func->common.function_name;
	bool redis = hook == OPA_HOOK_REDIS;
	char op[48];
	const char *name = ZSTR_VAL(fname);
	if (!redis && strncmp(name, "apcu_", 5) == 0) name += 5;
	strncpy(op, name, sizeof(op) - 1);
	op[sizeof(op) - 1] = 0;
	if (redis) zend_str_toupper(op, strlen(op));
	else zend_str_tolower(op, strlen(op));

	bool lookup = redis ? (strncmp(op, "GET", 3) == 0 || strncmp(op, "HGET", 4) == 0 || strcmp(op, "EXISTS") == 0)
		: (strcmp(op, "fetch") == 0 || strcmp(op, "exists") == 0);
	bool secret_arg = redis && (strcmp(op, "AUTH") == 0 || strcmp(op, "CONNECT") == 0 || strcmp(op, "PCONNECT") == 0);

	size_t off = opa_record_begin(req);
	smart_str *b = &req->rec_buf;
	bool first = true;
	opa_json_c(b, '{');
	opa_json_key(b, redis ? "command" : "operation", &first);
	opa_json_cstr(b, op);
	opa_json_key(b, "key", &first);
	if (secret_arg) opa_json_cstr(b, OPA_MASK);
	else write_key(b, opa_arg(ex, 0));
	if (!redis) {
		opa_json_key(b, "system", &first);
		opa_json_cstr(b, "apcu");
	}
	if (lookup) {
		bool hit = retval && !EG(exception) && Z_TYPE_P(retval) != IS_FALSE && Z_TYPE_P(retval) != IS_NULL
			&& !(Z_TYPE_P(retval) == IS_LONG && Z_LVAL_P(retval) == 0 && strcmp(op, "EXISTS") == 0);
		opa_json_key(b, "hit", &first);
		opa_json_raw(b, hit ? "true" : "false", hit ? 4 : 5);
	}
	if (EG(exception) || (retval && Z_TYPE_P(retval) == IS_FALSE && !lookup)) {
		opa_json_key(b, "error", &first);
		opa_json_raw(b, "true", 4);
	}
	opa_rec_timing(req, &first, f->start_ns, now - f->start_ns);
	opa_json_c(b, '}');
	opa_record_end(req, f, redis ? OPA_REC_REDIS : OPA_REC_CACHE, off);
}
