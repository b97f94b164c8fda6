/* curl: outgoing HTTP calls (curl_exec, curl_multi_*) and W3C traceparent injection. The application's
 * own CURLOPT_HTTPHEADER and method options are tracked per handle, so that injecting traceparent
 * keeps every header it set. */
#include "hook_util.h"
#include "hooks.h"
#include "calltree.h"
#include "json.h"
#include "redact.h"
#include "clock.h"
#include "../php_opa.h"

#define CURLOPT_HTTPHEADER_ 10023
#define CURLOPT_CUSTOMREQUEST_ 10036
#define CURLOPT_POST_ 47
#define CURLOPT_NOBODY_ 44
#define CURLOPT_HTTPGET_ 80
#define CURLOPT_PUT_ 54
#define CURLOPT_UPLOAD_ 46
#define CURLOPT_POSTFIELDS_ 10015

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

void opa_curl_request_init(opa_request *req)
{
	zend_hash_init(&req->curl_headers, 8, NULL, curl_state_dtor, 1);
	zend_hash_init(&req->curl_multi, 8, NULL, NULL, 1);
}

void opa_curl_request_free(opa_request *req)
{
	zend_hash_destroy(&req->curl_headers);
	zend_hash_destroy(&req->curl_multi);
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

void opa_curl_inject(opa_request *req, zval *ch)
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
	snprintf(tp, sizeof(tp), "traceparent: 00-%s-%s-%s", req->trace_id, opa_request_current_span(req), req->sampled ? "01" : "00");
	add_next_index_string(&headers, tp);
	if (req->tracestate) {
		add_next_index_str(&headers, zend_strpprintf(0, "tracestate: %s", ZSTR_VAL(req->tracestate)));
	}
	ZVAL_COPY_VALUE(&args[0], ch);
	ZVAL_LONG(&args[1], CURLOPT_HTTPHEADER_);
	ZVAL_COPY_VALUE(&args[2], &headers);
	if (opa_call_quietly(req, "curl_setopt", &ret, 3, args)) zval_ptr_dtor(&ret);
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
	if (!ch || Z_TYPE_P(ch) != IS_OBJECT || !opa_call_quietly(req, "curl_getinfo", &info, 1, ch)) return;
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
	opa_rec_timing(req, &first, start_ns, dur_ns);
	if (failed && opa_call_quietly(req, "curl_error", &err, 1, ch)) {
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

void opa_curl_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	zval *ch = opa_arg(ex, 0);
	switch (hook) {
		case OPA_HOOK_CURL_EXEC:
			if (f) curl_record(req, f, ch, opa_call_failed(retval), f->start_ns, now - f->start_ns, false);
			return;
		case OPA_HOOK_CURL_SETOPT: {
			zval *opt = opa_arg(ex, 1), *val = opa_arg(ex, 2);
			if (retval && Z_TYPE_P(retval) == IS_TRUE && opt && Z_TYPE_P(opt) == IS_LONG && val) {
				curl_track_option(req, ch, Z_LVAL_P(opt), val);
			}
			return;
		}
		case OPA_HOOK_CURL_SETOPT_ARRAY: {
			zval *opts = opa_arg(ex, 1), *val;
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
			zval *h = opa_arg(ex, 1), t;
			if (h && Z_TYPE_P(h) == IS_OBJECT) {
				ZVAL_LONG(&t, (zend_long) (f ? f->start_ns : opa_mono_ns()));
				zend_hash_index_update(&req->curl_multi, Z_OBJ_HANDLE_P(h), &t);
			}
			return;
		}
		case OPA_HOOK_CURL_MULTI_REMOVE: {
			zval *h = opa_arg(ex, 1), *t;
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
