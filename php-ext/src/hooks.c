#include "hooks.h"
#include "calltree.h"
#include "errors.h"
#include "spans.h"
#include "json.h"
#include "redact.h"
#include "clock.h"
#include "../php_opa.h"
#include "ext/pdo/php_pdo_driver.h"
#include "ext/standard/file.h"
#include "zend_exceptions.h"

#define CURLOPT_HTTPHEADER_ 10023
#define CURLOPT_CUSTOMREQUEST_ 10036
#define CURLOPT_POST_ 47
#define CURLOPT_NOBODY_ 44
#define CURLOPT_HTTPGET_ 80
#define CURLOPT_PUT_ 54
#define CURLOPT_UPLOAD_ 46
#define CURLOPT_POSTFIELDS_ 10015

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

/* ---------- helpers ---------- */

static zval *arg(zend_execute_data *ex, uint32_t n)
{
	if (n >= ZEND_CALL_NUM_ARGS(ex)) return NULL;
	zval *v = ZEND_CALL_ARG(ex, n + 1);
	ZVAL_DEREF(v);
	return v;
}

static zval *this_of(zend_execute_data *ex)
{
	return Z_TYPE(ex->This) == IS_OBJECT ? &ex->This : NULL;
}

static zval *str_arg(zend_execute_data *ex, uint32_t n)
{
	zval *v = arg(ex, n);
	return v && Z_TYPE_P(v) == IS_STRING ? v : NULL;
}

/* Calls a PHP function on behalf of the extension, invisibly: no recording, no exception left behind. */
static bool call_quietly(opa_request *req, const char *name, zval *ret, uint32_t argc, zval *argv)
{
	if (EG(exception)) return false;
	zval fn;
	ZVAL_STRING(&fn, name);
	req->in_hook = true;
	zend_result r = call_user_function(NULL, NULL, &fn, ret, argc, argv);
	req->in_hook = false;
	zval_ptr_dtor(&fn);
	if (EG(exception)) {
		zend_clear_exception();
		zval_ptr_dtor(ret);
		ZVAL_UNDEF(ret);
		return false;
	}
	return r == SUCCESS;
}

static zend_long read_long_prop(opa_request *req, zval *obj, const char *name, zend_long fallback)
{
	if (!obj || Z_TYPE_P(obj) != IS_OBJECT || EG(exception)) return fallback;
	zval rv, *v;
	req->in_hook = true;
	v = zend_read_property(Z_OBJCE_P(obj), Z_OBJ_P(obj), name, strlen(name), 1, &rv);
	req->in_hook = false;
	zend_long out = fallback;
	if (EG(exception)) zend_clear_exception();
	else if (v && Z_TYPE_P(v) == IS_LONG) out = Z_LVAL_P(v);
	if (v == &rv) zval_ptr_dtor(&rv);
	return out;
}

static void rec_common(opa_request *req, bool *first, uint64_t start_ns, uint64_t dur_ns)
{
	smart_str *b = &req->rec_buf;
	opa_json_key(b, "duration_ms", first);
	opa_json_ms(b, dur_ns);
	opa_json_key(b, "start_ts", first);
	opa_json_double(b, opa_req_epoch_ms(req, start_ns));
}

/* ---------- SQL ---------- */

static const char *db_system_of_pdo(pdo_dbh_t *dbh)
{
	if (!dbh || !dbh->driver) return "unknown";
	const char *d = dbh->driver->driver_name;
	if (strcmp(d, "pgsql") == 0) return "postgresql";
	if (strcmp(d, "sqlsrv") == 0 || strcmp(d, "dblib") == 0) return "mssql";
	return d;
}

static void sql_record(opa_request *req, opa_frame *f, const char *sql, size_t len, const char *db,
		zend_long rows, bool failed, uint64_t now)
{
	size_t off = opa_record_begin(req);
	smart_str *b = &req->rec_buf;
	bool first = true;
	opa_json_c(b, '{');
	opa_json_key(b, "query", &first);
	opa_json_sql(b, sql, len);
	opa_json_key(b, "db_system", &first);
	opa_json_cstr(b, db);
	rec_common(req, &first, f->start_ns, now - f->start_ns);
	if (rows >= 0) {
		opa_json_key(b, "rows", &first);
		opa_json_long(b, rows);
	}
	if (failed) {
		opa_json_key(b, "error", &first);
		opa_json_raw(b, "true", 4);
	}
	opa_json_c(b, '}');
	opa_record_end(req, f, OPA_REC_SQL, off);
}

static bool call_failed(zval *retval)
{
	return EG(exception) || !retval || Z_TYPE_P(retval) == IS_FALSE;
}

static void pdo_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	zval *self = this_of(ex);
	if (!self) return;
	if (hook == OPA_HOOK_PDOSTMT_EXECUTE) {
		pdo_stmt_t *stmt = Z_PDO_STMT_P(self);
		if (!stmt || !stmt->query_string) return;
		sql_record(req, f, ZSTR_VAL(stmt->query_string), ZSTR_LEN(stmt->query_string), db_system_of_pdo(stmt->dbh),
			call_failed(retval) ? -1 : stmt->row_count, call_failed(retval), now);
		return;
	}
	zval *sql = str_arg(ex, 0);
	if (!sql) return;
	pdo_dbh_t *dbh = Z_PDO_DBH_P(self);
	zend_long rows = -1;
	if (retval && hook == OPA_HOOK_PDO_EXEC && Z_TYPE_P(retval) == IS_LONG) rows = Z_LVAL_P(retval);
	if (retval && hook == OPA_HOOK_PDO_QUERY && Z_TYPE_P(retval) == IS_OBJECT) {
		pdo_stmt_t *stmt = Z_PDO_STMT_P(retval);
		if (stmt) rows = stmt->row_count;
	}
	sql_record(req, f, Z_STRVAL_P(sql), Z_STRLEN_P(sql), db_system_of_pdo(dbh), rows, call_failed(retval), now);
}

static void mysqli_remember_stmt(opa_request *req, zval *stmt, zval *sql)
{
	if (!stmt || Z_TYPE_P(stmt) != IS_OBJECT || !sql) return;
	zval copy;
	ZVAL_STR(&copy, zend_string_init(Z_STRVAL_P(sql), Z_STRLEN_P(sql), 1));
	zend_hash_index_update(&req->stmt_sql, Z_OBJ_HANDLE_P(stmt), &copy);
}

static void mysqli_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	zval *self = this_of(ex);
	uint32_t base = self ? 0 : 1; /* procedural style passes the link/statement first */
	zval *link = self ? self : arg(ex, 0);
	bool failed = call_failed(retval);
	switch (hook) {
		case OPA_HOOK_MYSQLI_QUERY: {
			zval *sql = str_arg(ex, base);
			if (!sql) return;
			zend_long rows = -1;
			zval *mode = arg(ex, base + 1);
			/* MYSQLI_USE_RESULT (1): num_rows is not known yet; MYSQLI_ASYNC (8): nothing is known yet */
			bool use_result = mode && Z_TYPE_P(mode) == IS_LONG && (Z_LVAL_P(mode) == 1 || (Z_LVAL_P(mode) & 8));
			zend_string *fname = ex->func->common.function_name;
			bool multi = fname && strstr(ZSTR_VAL(fname), "multi") != NULL;
			if (!failed && retval && Z_TYPE_P(retval) == IS_OBJECT && !use_result) {
				rows = read_long_prop(req, retval, "num_rows", -1);
			} else if (!failed && retval && Z_TYPE_P(retval) == IS_TRUE && !multi && !use_result) {
				rows = read_long_prop(req, link, "affected_rows", -1);
			}
			sql_record(req, f, Z_STRVAL_P(sql), Z_STRLEN_P(sql), "mysql", rows, failed, now);
			return;
		}
		case OPA_HOOK_MYSQLI_PREPARE:
			if (!failed) mysqli_remember_stmt(req, retval, str_arg(ex, base));
			return;
		case OPA_HOOK_MYSQLI_STMT_PREPARE:
			if (!failed) mysqli_remember_stmt(req, link, str_arg(ex, base));
			return;
		case OPA_HOOK_MYSQLI_STMT_CONSTRUCT:
			if (!EG(exception)) mysqli_remember_stmt(req, self, str_arg(ex, 1));
			return;
		case OPA_HOOK_MYSQLI_STMT_EXECUTE: {
			if (!link || Z_TYPE_P(link) != IS_OBJECT) return;
			zval *sql = zend_hash_index_find(&req->stmt_sql, Z_OBJ_HANDLE_P(link));
			if (!sql) return;
			zend_long rows = failed ? -1 : read_long_prop(req, link, "affected_rows", -1);
			sql_record(req, f, Z_STRVAL_P(sql), Z_STRLEN_P(sql), "mysql", rows, failed, now);
			return;
		}
	}
}

/* ---------- curl ---------- */

typedef struct {
	zval headers;      /* the application's CURLOPT_HTTPHEADER array, or UNDEF */
	char method[16];
} curl_state;

static void curl_state_dtor(zval *zv)
{
	curl_state *st = Z_PTR_P(zv);
	zval_ptr_dtor(&st->headers);
	free(st);
}

void opa_hooks_request_init(opa_request *req)
{
	zend_hash_init(&req->curl_headers, 8, NULL, curl_state_dtor, 1);
	zend_hash_init(&req->curl_multi, 8, NULL, NULL, 1);
	zend_hash_init(&req->stmt_sql, 8, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
}

void opa_hooks_request_free(opa_request *req)
{
	zend_hash_destroy(&req->curl_headers);
	zend_hash_destroy(&req->curl_multi);
	zend_hash_destroy(&req->stmt_sql);
}

static curl_state *curl_state_of(opa_request *req, zval *ch, bool create)
{
	if (!ch || Z_TYPE_P(ch) != IS_OBJECT) return NULL;
	curl_state *st = zend_hash_index_find_ptr(&req->curl_headers, Z_OBJ_HANDLE_P(ch));
	if (st || !create) return st;
	st = calloc(1, sizeof(*st));
	if (!st) return NULL;
	ZVAL_UNDEF(&st->headers);
	zend_hash_index_update_ptr(&req->curl_headers, Z_OBJ_HANDLE_P(ch), st);
	return st;
}

static bool is_header(zval *h, const char *name)
{
	size_t n = strlen(name);
	return Z_TYPE_P(h) == IS_STRING && Z_STRLEN_P(h) > n && Z_STRVAL_P(h)[n] == ':'
		&& zend_binary_strncasecmp(Z_STRVAL_P(h), n, name, n, n) == 0;
}

static void curl_inject(opa_request *req, zval *ch)
{
	if (!ch || Z_TYPE_P(ch) != IS_OBJECT || EG(exception)) return;
	curl_state *st = curl_state_of(req, ch, false);
	zval headers, args[3], ret;
	array_init(&headers);
	if (st && Z_TYPE(st->headers) == IS_ARRAY) {
		zval *h;
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(st->headers), h) {
			ZVAL_DEREF(h);
			if (is_header(h, "traceparent") || (req->tracestate && is_header(h, "tracestate"))) continue;
			Z_TRY_ADDREF_P(h);
			add_next_index_zval(&headers, h);
		} ZEND_HASH_FOREACH_END();
	}
	char tp[80];
	snprintf(tp, sizeof(tp), "traceparent: 00-%s-%s-%s", req->trace_id, opa_spans_current_id(req), req->sampled ? "01" : "00");
	add_next_index_string(&headers, tp);
	if (req->tracestate) {
		add_next_index_str(&headers, zend_strpprintf(0, "tracestate: %s", ZSTR_VAL(req->tracestate)));
	}
	ZVAL_COPY_VALUE(&args[0], ch);
	ZVAL_LONG(&args[1], CURLOPT_HTTPHEADER_);
	ZVAL_COPY_VALUE(&args[2], &headers);
	if (call_quietly(req, "curl_setopt", &ret, 3, args)) zval_ptr_dtor(&ret);
	zval_ptr_dtor(&headers);
}

static void curl_track_option(opa_request *req, zval *ch, zend_long opt, zval *value)
{
	ZVAL_DEREF(value);
	if (opt != CURLOPT_HTTPHEADER_ && opt != CURLOPT_CUSTOMREQUEST_ && opt != CURLOPT_POST_ && opt != CURLOPT_NOBODY_
			&& opt != CURLOPT_HTTPGET_ && opt != CURLOPT_PUT_ && opt != CURLOPT_UPLOAD_ && opt != CURLOPT_POSTFIELDS_) {
		return;
	}
	curl_state *st = curl_state_of(req, ch, true);
	if (!st) return;
	const char *m = NULL;
	switch (opt) {
		case CURLOPT_HTTPHEADER_:
			zval_ptr_dtor(&st->headers);
			ZVAL_COPY(&st->headers, value);
			return;
		case CURLOPT_CUSTOMREQUEST_:
			if (Z_TYPE_P(value) == IS_STRING) {
				strncpy(st->method, Z_STRVAL_P(value), sizeof(st->method) - 1);
				zend_str_toupper(st->method, strlen(st->method));
			} else {
				st->method[0] = 0;
			}
			return;
		case CURLOPT_POST_: m = zend_is_true(value) ? "POST" : "GET"; break;
		case CURLOPT_NOBODY_: m = zend_is_true(value) ? "HEAD" : "GET"; break;
		case CURLOPT_HTTPGET_: m = "GET"; break;
		case CURLOPT_PUT_: case CURLOPT_UPLOAD_: m = zend_is_true(value) ? "PUT" : "GET"; break;
		case CURLOPT_POSTFIELDS_: if (!st->method[0]) m = "POST"; break;
	}
	if (m) strcpy(st->method, m);
}

static double info_double(zval *info, const char *key)
{
	zval *v = zend_hash_str_find(Z_ARRVAL_P(info), key, strlen(key));
	return v ? zval_get_double(v) : 0;
}

static void curl_record(opa_request *req, opa_frame *f, zval *ch, bool failed, uint64_t start_ns, uint64_t dur_ns,
		bool use_curl_time)
{
	zval info, err;
	if (!ch || Z_TYPE_P(ch) != IS_OBJECT || !call_quietly(req, "curl_getinfo", &info, 1, ch)) return;
	if (Z_TYPE(info) != IS_ARRAY) {
		zval_ptr_dtor(&info);
		return;
	}
	curl_state *st = curl_state_of(req, ch, false);
	zval *url = zend_hash_str_find(Z_ARRVAL(info), "url", 3);
	uint64_t sent = (uint64_t) info_double(&info, "size_upload");
	uint64_t received = (uint64_t) info_double(&info, "size_download");
	req->net_sent += sent;
	req->net_received += received;
	if (use_curl_time) dur_ns = (uint64_t) (info_double(&info, "total_time") * 1e9);

	size_t off = opa_record_begin(req);
	smart_str *b = &req->rec_buf;
	bool first = true;
	opa_json_c(b, '{');
	opa_json_key(b, "url", &first);
	if (url && Z_TYPE_P(url) == IS_STRING) opa_json_url(b, Z_STRVAL_P(url), Z_STRLEN_P(url));
	else opa_json_str(b, "", 0);
	opa_json_key(b, "method", &first);
	opa_json_cstr(b, st && st->method[0] ? st->method : "GET");
	opa_json_key(b, "status_code", &first);
	opa_json_long(b, (zend_long) info_double(&info, "http_code"));
	opa_json_key(b, "bytes_sent", &first);
	opa_json_long(b, (zend_long) sent);
	opa_json_key(b, "bytes_received", &first);
	opa_json_long(b, (zend_long) received);
	rec_common(req, &first, start_ns, dur_ns);
	if (failed && call_quietly(req, "curl_error", &err, 1, ch)) {
		if (Z_TYPE(err) == IS_STRING && Z_STRLEN(err) > 0) {
			opa_json_key(b, "error", &first);
			opa_json_zstr(b, Z_STR(err));
		}
		zval_ptr_dtor(&err);
	}
	opa_json_c(b, '}');
	opa_record_end(req, f, OPA_REC_HTTP, off);
	zval_ptr_dtor(&info);
}

static void curl_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	zval *ch = arg(ex, 0);
	switch (hook) {
		case OPA_HOOK_CURL_EXEC:
			if (f) curl_record(req, f, ch, call_failed(retval), f->start_ns, now - f->start_ns, false);
			return;
		case OPA_HOOK_CURL_SETOPT: {
			zval *opt = arg(ex, 1), *val = arg(ex, 2);
			if (retval && Z_TYPE_P(retval) == IS_TRUE && opt && Z_TYPE_P(opt) == IS_LONG && val) {
				curl_track_option(req, ch, Z_LVAL_P(opt), val);
			}
			return;
		}
		case OPA_HOOK_CURL_SETOPT_ARRAY: {
			zval *opts = arg(ex, 1), *val;
			zend_ulong k;
			if (!opts || Z_TYPE_P(opts) != IS_ARRAY) return;
			ZEND_HASH_FOREACH_NUM_KEY_VAL(Z_ARRVAL_P(opts), k, val) {
				curl_track_option(req, ch, (zend_long) k, val);
			} ZEND_HASH_FOREACH_END();
			return;
		}
		case OPA_HOOK_CURL_INIT:
			/* a new handle may reuse a freed handle's object id: forget the old state */
			if (retval && Z_TYPE_P(retval) == IS_OBJECT) zend_hash_index_del(&req->curl_headers, Z_OBJ_HANDLE_P(retval));
			return;
		case OPA_HOOK_CURL_RESET:
			if (ch && Z_TYPE_P(ch) == IS_OBJECT) zend_hash_index_del(&req->curl_headers, Z_OBJ_HANDLE_P(ch));
			return;
		case OPA_HOOK_CURL_COPY: {
			if (!retval || Z_TYPE_P(retval) != IS_OBJECT) return;
			zend_hash_index_del(&req->curl_headers, Z_OBJ_HANDLE_P(retval));
			curl_state *src = curl_state_of(req, ch, false), *dst;
			if (src && (dst = curl_state_of(req, retval, true))) {
				ZVAL_COPY(&dst->headers, &src->headers);
				memcpy(dst->method, src->method, sizeof(dst->method));
			}
			return;
		}
		case OPA_HOOK_CURL_MULTI_ADD: {
			zval *h = arg(ex, 1), t;
			if (h && Z_TYPE_P(h) == IS_OBJECT) {
				ZVAL_LONG(&t, (zend_long) (f ? f->start_ns : opa_mono_ns()));
				zend_hash_index_update(&req->curl_multi, Z_OBJ_HANDLE_P(h), &t);
			}
			return;
		}
		case OPA_HOOK_CURL_MULTI_REMOVE: {
			zval *h = arg(ex, 1), *t;
			if (!f || !h || Z_TYPE_P(h) != IS_OBJECT) return;
			t = zend_hash_index_find(&req->curl_multi, Z_OBJ_HANDLE_P(h));
			if (!t) return;
			uint64_t start = (uint64_t) Z_LVAL_P(t);
			zend_hash_index_del(&req->curl_multi, Z_OBJ_HANDLE_P(h));
			curl_record(req, f, h, false, start, now - start, true);
			return;
		}
	}
}

/* ---------- file I/O ---------- */

static php_stream *stream_of(zval *v)
{
	if (!v || Z_TYPE_P(v) != IS_RESOURCE) return NULL;
	zend_resource *res = Z_RES_P(v);
	if (res->type != php_file_le_stream() && res->type != php_file_le_pstream()) return NULL;
	return (php_stream *) res->ptr;
}

static void file_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	const char *op = "fopen";
	const char *path = NULL;
	size_t path_len = 0;
	uint64_t bytes = 0;
	zval *p = NULL;
	php_stream *stream = NULL;
	switch (hook) {
		case OPA_HOOK_FILE_OPEN: op = "fopen"; p = str_arg(ex, 0); break;
		case OPA_HOOK_FILE_GET_CONTENTS:
			op = "file_get_contents";
			p = str_arg(ex, 0);
			if (retval && Z_TYPE_P(retval) == IS_STRING) bytes = Z_STRLEN_P(retval);
			break;
		case OPA_HOOK_FILE_PUT_CONTENTS:
			op = "file_put_contents";
			p = str_arg(ex, 0);
			if (retval && Z_TYPE_P(retval) == IS_LONG) bytes = (uint64_t) Z_LVAL_P(retval);
			break;
		case OPA_HOOK_FILE_READ:
			op = "fread";
			stream = stream_of(arg(ex, 0));
			if (retval && Z_TYPE_P(retval) == IS_STRING) bytes = Z_STRLEN_P(retval);
			break;
		case OPA_HOOK_FILE_WRITE:
			op = "fwrite";
			stream = stream_of(arg(ex, 0));
			if (retval && Z_TYPE_P(retval) == IS_LONG) bytes = (uint64_t) Z_LVAL_P(retval);
			break;
		case OPA_HOOK_FILE_CLOSE: op = "fclose"; break;
	}
	if (p) { path = Z_STRVAL_P(p); path_len = Z_STRLEN_P(p); }
	else if (stream && stream->orig_path) { path = stream->orig_path; path_len = strlen(path); }
	f->file_bytes = bytes;
	uint64_t dur = now - f->start_ns;
	if (dur < req->file_threshold_ns || req->depth == 0) return;
	opa_frame *owner = &req->frames[req->depth - 1]; /* the caller: file calls are not nodes */
	size_t off = opa_record_begin(req);
	smart_str *b = &req->rec_buf;
	bool first = true;
	opa_json_c(b, '{');
	opa_json_key(b, "operation", &first);
	opa_json_cstr(b, op);
	opa_json_key(b, "path", &first);
	if (path) opa_json_url(b, path, path_len);
	else opa_json_str(b, "", 0);
	opa_json_key(b, "bytes", &first);
	opa_json_long(b, (zend_long) bytes);
	rec_common(req, &first, f->start_ns, dur);
	opa_json_c(b, '}');
	opa_record_end(req, owner, OPA_REC_FILE, off);
}

/* ---------- APCu and Redis ---------- */

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

static void cache_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
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
	else write_key(b, arg(ex, 0));
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
	rec_common(req, &first, f->start_ns, now - f->start_ns);
	opa_json_c(b, '}');
	opa_record_end(req, f, redis ? OPA_REC_REDIS : OPA_REC_CACHE, off);
}

/* ---------- dispatch ---------- */

void opa_hook_begin(opa_request *req, zend_execute_data *ex, uint8_t hook)
{
	switch (hook) {
		case OPA_HOOK_CURL_EXEC: curl_inject(req, arg(ex, 0)); break;
		case OPA_HOOK_CURL_MULTI_ADD: curl_inject(req, arg(ex, 1)); break;
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
		curl_end(req, f, ex, hook, retval, now);
		return;
	}
	if (!f) return;
	if (hook >= OPA_HOOK_PDO_QUERY && hook <= OPA_HOOK_PDOSTMT_EXECUTE) pdo_end(req, f, ex, hook, retval, now);
	else if (hook >= OPA_HOOK_MYSQLI_QUERY && hook <= OPA_HOOK_MYSQLI_STMT_EXECUTE) mysqli_end(req, f, ex, hook, retval, now);
	else if (opa_hook_aggregates(hook)) file_end(req, f, ex, hook, retval, now);
	else if (hook == OPA_HOOK_APCU || hook == OPA_HOOK_REDIS) cache_end(req, f, ex, hook, retval, now);
}
