#include "errors.h"
#include "serialize.h"
#include "calltree.h"
#include "json.h"
#include "redact.h"
#include "clock.h"
#include "../php_opa.h"
#include "zend_observer.h"
#include "zend_exceptions.h"
#include "zend_builtin_functions.h"

static void (*prev_throw_hook)(zend_object *ex);
static const int stack_limit = 50;
/* per request: an error repeated in a loop is sent once (repeats counted), at most this many distinct
 * errors are sent (the rest counted) — a noisy request must not become a slow one (logs: hook_log.c) */
static const uint32_t max_errors = 100;

/* False when this error must not be sent (already sent in this request, or over the cap). */
static bool error_gate(opa_request *req, uint64_t fp)
{
	if (zend_hash_index_exists(&req->errors_seen, fp)) {
		req->errors_repeated++;
		return false;
	}
	if (zend_hash_num_elements(&req->errors_seen) >= max_errors) {
		req->errors_dropped++;
		return false;
	}
	zval one;
	ZVAL_TRUE(&one);
	zend_hash_index_add(&req->errors_seen, fp, &one);
	return true;
}

static const char *severity_name(int type)
{
	switch (type & E_ALL) {
		case E_ERROR: return "E_ERROR";
		case E_WARNING: return "E_WARNING";
		case E_PARSE: return "E_PARSE";
		case E_NOTICE: return "E_NOTICE";
		case E_CORE_ERROR: return "E_CORE_ERROR";
		case E_CORE_WARNING: return "E_CORE_WARNING";
		case E_COMPILE_ERROR: return "E_COMPILE_ERROR";
		case E_COMPILE_WARNING: return "E_COMPILE_WARNING";
		case E_USER_ERROR: return "E_USER_ERROR";
		case E_USER_WARNING: return "E_USER_WARNING";
		case E_USER_NOTICE: return "E_USER_NOTICE";
		case E_STRICT: return "E_STRICT";
		case E_RECOVERABLE_ERROR: return "E_RECOVERABLE_ERROR";
		case E_DEPRECATED: return "E_DEPRECATED";
		case E_USER_DEPRECATED: return "E_USER_DEPRECATED";
	}
	return "E_UNKNOWN";
}

static bool is_fatal(int type)
{
	return (type & (E_ERROR | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR | E_PARSE | E_RECOVERABLE_ERROR)) != 0;
}

uint64_t opa_fingerprint(const char *type, const char *file, zend_long line, const char *msg, size_t msg_len)
{
	uint64_t h = 1469598103934665603ULL;
#define MIX(c) do { h ^= (unsigned char) (c); h *= 1099511628211ULL; } while (0)
	for (const char *p = type; *p; p++) MIX(*p);
	MIX('|');
	for (const char *p = file ? file : ""; *p; p++) MIX(*p);
	char num[24];
	snprintf(num, sizeof(num), ":" ZEND_LONG_FMT "|", line);
	for (const char *p = num; *p; p++) MIX(*p);
	bool in_digits = false;
	for (size_t i = 0; i < msg_len; i++) {
		if (isdigit((unsigned char) msg[i])) {
			if (!in_digits) MIX('0');
			in_digits = true;
		} else {
			in_digits = false;
			MIX(msg[i]);
		}
	}
#undef MIX
	return h;
}

static void stack_json(smart_str *b, zval *frames)
{
	opa_json_c(b, '[');
	if (frames && Z_TYPE_P(frames) == IS_ARRAY) {
		zval *fr;
		bool first_frame = true;
		int n = 0;
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(frames), fr) {
			if (Z_TYPE_P(fr) != IS_ARRAY || n++ >= stack_limit) continue;
			if (!first_frame) opa_json_c(b, ',');
			first_frame = false;
			bool first = true;
			zval *v;
			opa_json_c(b, '{');
			opa_json_key(b, "file", &first);
			v = zend_hash_str_find(Z_ARRVAL_P(fr), "file", 4);
			if (v && Z_TYPE_P(v) == IS_STRING) opa_json_zstr(b, Z_STR_P(v)); else opa_json_raw(b, "null", 4);
			opa_json_key(b, "line", &first);
			v = zend_hash_str_find(Z_ARRVAL_P(fr), "line", 4);
			opa_json_long(b, v && Z_TYPE_P(v) == IS_LONG ? Z_LVAL_P(v) : 0);
			opa_json_key(b, "function", &first);
			v = zend_hash_str_find(Z_ARRVAL_P(fr), "function", 8);
			if (v && Z_TYPE_P(v) == IS_STRING) opa_json_zstr(b, Z_STR_P(v)); else opa_json_raw(b, "null", 4);
			opa_json_key(b, "class", &first);
			v = zend_hash_str_find(Z_ARRVAL_P(fr), "class", 5);
			if (v && Z_TYPE_P(v) == IS_STRING) opa_json_zstr(b, Z_STR_P(v)); else opa_json_raw(b, "null", 4);
			opa_json_c(b, '}');
		} ZEND_HASH_FOREACH_END();
	}
	opa_json_c(b, ']');
}

static void tags_json(smart_str *b, HashTable *tags, const char *severity, bool handled)
{
	bool first = true;
	opa_json_c(b, '{');
	if (severity) {
		opa_json_key(b, "severity", &first);
		opa_json_cstr(b, severity);
	}
	opa_json_key(b, "handled", &first);
	opa_json_cstr(b, handled ? "true" : "false");
	if (tags) opa_json_tag_pairs(b, tags, &first);
	opa_json_c(b, '}');
}

static uint64_t fingerprint_of(const char *type, const zend_string *message, const char *file, zend_long line)
{
	return opa_fingerprint(type, file, line, message ? ZSTR_VAL(message) : "", message ? ZSTR_LEN(message) : 0);
}

static void write_error(opa_request *req, uint64_t fp64, const char *type, const zend_string *message, const char *file,
		zend_long line, zval *frames, const char *severity, bool handled, HashTable *tags)
{
	smart_str *b = &req->out;
	char fp[17];
	opa_hex64(fp64, fp);
	bool first = opa_msg_begin(req, b, "error");
	opa_json_key(b, "error_type", &first);
	opa_json_cstr(b, type);
	opa_json_key(b, "error_message", &first);
	opa_json_zstr(b, message ? message : ZSTR_EMPTY_ALLOC());
	opa_json_key(b, "file", &first);
	opa_json_cstr(b, file ? file : "");
	opa_json_key(b, "line", &first);
	opa_json_long(b, line);
	opa_json_key(b, "stack_trace", &first);
	stack_json(b, frames);
	opa_json_key(b, "fingerprint", &first);
	opa_json_hex_or_null(b, fp);
	opa_json_key(b, "occurred_at_ms", &first);
	opa_json_double(b, opa_epoch_ms());
	opa_msg_tenant(req, b, &first);
	opa_json_key(b, "tags", &first);
	tags_json(b, tags, severity, handled);
	opa_msg_end(req, b);
}

static zval *exception_prop(zend_object *ex, zend_string *name, zval *rv)
{
	return zend_read_property_ex(zend_get_exception_base(ex), ex, name, 1, rv);
}

void opa_error_from_throwable(opa_request *req, zend_object *ex, bool handled, HashTable *tags)
{
	zval rv1, rv2, rv3, rv4;
	zval *msg = exception_prop(ex, ZSTR_KNOWN(ZEND_STR_MESSAGE), &rv1);
	zval *file = exception_prop(ex, ZSTR_KNOWN(ZEND_STR_FILE), &rv2);
	zval *line = exception_prop(ex, ZSTR_KNOWN(ZEND_STR_LINE), &rv3);
	zval *trace = exception_prop(ex, ZSTR_KNOWN(ZEND_STR_TRACE), &rv4);
	ZVAL_DEREF(msg);
	ZVAL_DEREF(file);
	ZVAL_DEREF(line);
	ZVAL_DEREF(trace);
	zend_string *m = Z_TYPE_P(msg) == IS_STRING ? Z_STR_P(msg) : NULL;
	const char *f = Z_TYPE_P(file) == IS_STRING ? Z_STRVAL_P(file) : NULL;
	zend_long l = Z_TYPE_P(line) == IS_LONG ? Z_LVAL_P(line) : 0;
	uint64_t fp = fingerprint_of(ZSTR_VAL(ex->ce->name), m, f, l);
	if (error_gate(req, fp)) write_error(req, fp, ZSTR_VAL(ex->ce->name), m, f, l, trace, NULL, handled, tags);
}

static void backtrace(zval *out)
{
	ZVAL_UNDEF(out);
	if (!EG(current_execute_data)) return;
	zend_fetch_debug_backtrace(out, 0, DEBUG_BACKTRACE_IGNORE_ARGS, stack_limit);
}

void opa_error_from_string(opa_request *req, zend_string *message, HashTable *tags)
{
	zval bt;
	const char *file = zend_get_executed_filename();
	zend_long line = zend_get_executed_lineno();
	uint64_t fp = fingerprint_of("TrackedError", message, file, line);
	if (!error_gate(req, fp)) return;
	backtrace(&bt);
	write_error(req, fp, "TrackedError", message, file, line, &bt, NULL, true, tags);
	zval_ptr_dtor(&bt);
}

static void error_cb(int type, zend_string *file, uint32_t line, zend_string *message)
{
	opa_request *req = OPA_G(req);
	if (!req || req->in_hook) return;
	if (is_fatal(type)) req->has_error = true;
	else if (!(EG(error_reporting) & type)) return; /* silenced with @ or error_reporting: not an error */

	if ((type & E_ERROR) && req->last_exception && ZSTR_LEN(message) > 9 && memcmp(ZSTR_VAL(message), "Uncaught ", 9) == 0) {
		opa_error_from_throwable(req, req->last_exception, false, NULL);
		return;
	}
	const char *fname = file ? ZSTR_VAL(file) : NULL;
	uint64_t fp = fingerprint_of(severity_name(type), message, fname, line);
	if (error_gate(req, fp)) {
		zval bt;
		backtrace(&bt);
		write_error(req, fp, severity_name(type), message, fname, line, &bt, severity_name(type), false, NULL);
		zval_ptr_dtor(&bt);
	}
	if (type & (E_ERROR | E_CORE_ERROR | E_COMPILE_ERROR | E_PARSE)) {
		/* these always bail out: close the open calls now, while their frames are still intact */
		opa_calltree_unwind(req);
	}
}

static void throw_hook(zend_object *ex)
{
	opa_request *req = OPA_G(req);
	if (req && !req->in_hook && ex) {
		if (req->last_exception) OBJ_RELEASE(req->last_exception);
		GC_ADDREF(ex);
		req->last_exception = ex;
	}
	if (prev_throw_hook) prev_throw_hook(ex);
}

void opa_errors_startup(void)
{
	zend_observer_error_register(error_cb);
	/* the throw hook is not a function handler: it only remembers the last thrown object so that an
	 * "Uncaught ..." fatal error can be reported with the exception's own class, message and trace */
	prev_throw_hook = zend_throw_exception_hook;
	zend_throw_exception_hook = throw_hook;
}

void opa_errors_shutdown(void)
{
	if (zend_throw_exception_hook == throw_hook) zend_throw_exception_hook = prev_throw_hook;
}

void opa_errors_request_end(opa_request *req)
{
	if (req->last_exception) {
		OBJ_RELEASE(req->last_exception);
		req->last_exception = NULL;
	}
}
