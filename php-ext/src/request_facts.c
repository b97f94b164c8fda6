/* The request's facts from the SAPI and $_SERVER (name, HTTP request, client IP, headers, status),
 * written as the root span's JSON by serialize.c. */
#include "request_facts.h"
#include "json.h"
#include "redact.h"
#include "../php_opa.h"
#include "SAPI.h"

static HashTable *server_table(void)
{
	zval *server = &PG(http_globals)[TRACK_VARS_SERVER];
	if (Z_TYPE_P(server) != IS_ARRAY) {
		zend_is_auto_global_str(ZEND_STRL("_SERVER"));
		server = &PG(http_globals)[TRACK_VARS_SERVER];
	}
	return Z_TYPE_P(server) == IS_ARRAY ? Z_ARRVAL_P(server) : NULL;
}

zend_string *opa_server_var(const char *name)
{
	HashTable *t = server_table();
	if (!t) return NULL;
	zval *v = zend_hash_str_find(t, name, strlen(name));
	if (!v) return NULL;
	ZVAL_DEREF(v);
	return Z_TYPE_P(v) == IS_STRING ? Z_STR_P(v) : NULL;
}

/* "X-Forwarded-For" -> HTTP_X_FORWARDED_FOR */
static zend_string *header_var(const char *header)
{
	char name[128] = "HTTP_";
	size_t n = 5;
	for (const char *p = header; *p && n < sizeof(name) - 1; p++) {
		name[n++] = *p == '-' ? '_' : (char) toupper((unsigned char) *p);
	}
	name[n] = 0;
	return opa_server_var(name);
}

static void client_ip(smart_str *b)
{
	const char *hdr = OPA_G(trusted_proxy_header);
	if (hdr && *hdr) {
		zend_string *v = header_var(hdr);
		if (v && ZSTR_LEN(v) > 0) {
			const char *s = ZSTR_VAL(v), *end = s + ZSTR_LEN(v);
			while (s < end && (*s == ' ' || *s == '\t')) s++;
			const char *e = s;
			while (e < end && *e != ',' && *e != ' ') e++;
			opa_json_str(b, s, (size_t) (e - s));
			return;
		}
	}
	opa_json_zstr(b, opa_server_var("REMOTE_ADDR"));
}

static void headers_json(smart_str *b)
{
	HashTable *t = server_table();
	bool first = true;
	opa_json_c(b, '{');
	if (t) {
		zend_string *k;
		zval *v;
		ZEND_HASH_FOREACH_STR_KEY_VAL(t, k, v) {
			if (!k || ZSTR_LEN(k) <= 5 || strncmp(ZSTR_VAL(k), "HTTP_", 5) != 0 || Z_TYPE_P(v) != IS_STRING) continue;
			char name[128];
			size_t n = MIN(ZSTR_LEN(k) - 5, sizeof(name) - 1);
			for (size_t i = 0; i < n; i++) {
				char c = ZSTR_VAL(k)[5 + i];
				name[i] = c == '_' ? '-' : (char) tolower((unsigned char) c);
			}
			name[n] = 0;
			if (!first) opa_json_c(b, ',');
			first = false;
			opa_json_str(b, name, n);
			opa_json_c(b, ':');
			if (opa_is_sensitive(name, n)) opa_json_cstr(b, OPA_MASK);
			else opa_json_zstr(b, Z_STR_P(v));
		} ZEND_HASH_FOREACH_END();
	}
	opa_json_c(b, '}');
}

int opa_response_status(bool web)
{
	int code = SG(sapi_headers).http_response_code;
	return code == 0 && web ? 200 : code;
}

void opa_request_name_json(smart_str *b, bool web)
{
	if (web) {
		zend_string *m = opa_server_var("REQUEST_METHOD"), *uri = opa_server_var("REQUEST_URI");
		smart_str t = {0};
		if (m) smart_str_appendl_ex(&t, ZSTR_VAL(m), ZSTR_LEN(m), OPA_P);
		smart_str_appendc_ex(&t, ' ', OPA_P);
		if (uri) {
			const char *q = memchr(ZSTR_VAL(uri), '?', ZSTR_LEN(uri));
			smart_str_appendl_ex(&t, ZSTR_VAL(uri), q ? (size_t) (q - ZSTR_VAL(uri)) : ZSTR_LEN(uri), OPA_P);
		} else {
			smart_str_appendc_ex(&t, '/', OPA_P);
		}
		opa_json_str(b, ZSTR_VAL(t.s), ZSTR_LEN(t.s));
		smart_str_free_ex(&t, OPA_P);
		return;
	}
	const char *script = SG(request_info).path_translated;
	zend_string *sv = script ? NULL : opa_server_var("SCRIPT_FILENAME");
	if (script) opa_json_cstr(b, script);
	else if (sv) opa_json_zstr(b, sv);
	else opa_json_cstr(b, "php");
}

void opa_http_request_json(smart_str *b, int status)
{
	bool first = true;
	zend_string *uri = opa_server_var("REQUEST_URI");
	zend_string *https = opa_server_var("HTTPS");
	zend_string *scheme = opa_server_var("REQUEST_SCHEME");
	zend_string *host = opa_server_var("HTTP_HOST");
	opa_json_c(b, '{');
	opa_json_key(b, "method", &first);
	opa_json_zstr(b, opa_server_var("REQUEST_METHOD"));
	opa_json_key(b, "uri", &first);
	if (uri) opa_json_url(b, ZSTR_VAL(uri), ZSTR_LEN(uri)); else opa_json_cstr(b, "/");
	opa_json_key(b, "host", &first);
	opa_json_zstr(b, host ? host : opa_server_var("SERVER_NAME"));
	opa_json_key(b, "scheme", &first);
	if (https && ZSTR_LEN(https) && strcasecmp(ZSTR_VAL(https), "off") != 0) opa_json_cstr(b, "https");
	else if (scheme) opa_json_zstr(b, scheme);
	else opa_json_cstr(b, "http");
	opa_json_key(b, "ip", &first);
	client_ip(b);
	opa_json_key(b, "user_agent", &first);
	opa_json_zstr(b, opa_server_var("HTTP_USER_AGENT"));
	opa_json_key(b, "status", &first);
	opa_json_long(b, status);
	opa_json_key(b, "headers", &first);
	headers_json(b);
	opa_json_c(b, '}');
}
