/* OpenProfilingAgent PHP extension: module entry, INI, request lifecycle and the userland API. */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "php_ini.h"
#include "SAPI.h"
#include "ext/standard/info.h"
#include "ext/json/php_json.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "php_opa.h"
#include "opa_arginfo.h"
#include "src/calltree.h"
#include "src/hooks.h"
#include "src/errors.h"
#include "src/spans.h"
#include "src/serialize.h"
#include "src/transport.h"
#include "src/batch.h"
#include "src/json.h"
#include "src/clock.h"

ZEND_DECLARE_MODULE_GLOBALS(opa)

static const uint32_t max_dumps = 100;

PHP_INI_BEGIN()
	STD_PHP_INI_BOOLEAN("opa.enabled", "1", PHP_INI_SYSTEM, OnUpdateBool, enabled, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.socket_path", "/tmp/opa.sock", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateString, socket_path, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.service_name", "php-app", PHP_INI_ALL, OnUpdateString, service_name, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.organization_id", "", PHP_INI_ALL, OnUpdateString, organization_id, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.project_id", "", PHP_INI_ALL, OnUpdateString, project_id, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.environment", "", PHP_INI_ALL, OnUpdateString, environment, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.release", "", PHP_INI_ALL, OnUpdateString, release, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.sampling_rate", "1.0", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateReal, sampling_rate, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.call_threshold_us", "100", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, call_threshold_us, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.hot_function_limit", "32", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, hot_function_limit, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.hot_function_recheck", "64", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, hot_function_recheck, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.file_io_threshold_us", "1000", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, file_io_threshold_us, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.max_nodes", "2000", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, max_nodes, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.max_records", "1000", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, max_records, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.max_depth", "512", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, max_depth, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.max_string_length", "8192", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, max_string_length, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.send_budget_ms", "5", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, send_budget_ms, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.reconnect_delay_ms", "1000", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, reconnect_delay_ms, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.compress_threshold", "4096", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateLong, compress_threshold, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.summary_flush_ms", "1000", PHP_INI_SYSTEM, OnUpdateLong, summary_flush_ms, zend_opa_globals, opa_globals)
	STD_PHP_INI_BOOLEAN("opa.attach_stack", "1", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateBool, attach_stack, zend_opa_globals, opa_globals)
	STD_PHP_INI_BOOLEAN("opa.redact_sql", "1", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateBool, redact_sql, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.redact_keys",
		"password,passwd,pwd,secret,token,api_key,apikey,access_key,private_key,authorization,auth,cookie,session,csrf,credential",
		PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateString, redact_keys, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.call_hook", "auto", PHP_INI_SYSTEM, OnUpdateString, call_hook, zend_opa_globals, opa_globals)
	STD_PHP_INI_BOOLEAN("opa.tls", "0", PHP_INI_SYSTEM, OnUpdateBool, tls, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.tls_ca_file", "", PHP_INI_SYSTEM, OnUpdateString, tls_ca_file, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.tls_cert_file", "", PHP_INI_SYSTEM, OnUpdateString, tls_cert_file, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.tls_key_file", "", PHP_INI_SYSTEM, OnUpdateString, tls_key_file, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.tls_server_name", "", PHP_INI_SYSTEM, OnUpdateString, tls_server_name, zend_opa_globals, opa_globals)
	STD_PHP_INI_ENTRY("opa.trusted_proxy_header", "", PHP_INI_SYSTEM | PHP_INI_PERDIR, OnUpdateString, trusted_proxy_header, zend_opa_globals, opa_globals)
PHP_INI_END()

/* OPA_SOCKET_PATH=... overrides opa.socket_path (containers configure by environment). */
static void apply_env_overrides(void)
{
	for (const zend_ini_entry_def *def = ini_entries; def->name; def++) {
		char env[64] = "OPA_";
		size_t n = 4;
		for (const char *p = def->name + 4; *p && n < sizeof(env) - 1; p++) env[n++] = (char) toupper((unsigned char) *p);
		env[n] = 0;
		const char *value = getenv(env);
		if (!value) continue;
		zend_string *name = zend_string_init(def->name, def->name_length, 1);
		zend_alter_ini_entry_chars(name, value, strlen(value), PHP_INI_SYSTEM, PHP_INI_STAGE_STARTUP);
		zend_string_release(name);
	}
}

static PHP_GINIT_FUNCTION(opa)
{
#if defined(COMPILE_DL_OPA) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	memset(opa_globals, 0, sizeof(*opa_globals));
	opa_globals->conn.fd = -1;
}

static PHP_GSHUTDOWN_FUNCTION(opa)
{
	opa_transport_release(opa_globals);
}

static ZEND_MODULE_POST_ZEND_DEACTIVATE_D(opa)
{
	if (OPA_G(enabled)) opa_calltree_post_deactivate();
	return SUCCESS;
}

PHP_MINIT_FUNCTION(opa)
{
	REGISTER_INI_ENTRIES();
	apply_env_overrides();
	if (!OPA_G(enabled)) return SUCCESS; /* disabled: no observer, no hook, nothing runs per call */
	opa_clock_calibrate();
	opa_hooks_startup();
	opa_calltree_register();
	opa_errors_startup();
	opa_batch_startup();
	return SUCCESS;
}

PHP_MSHUTDOWN_FUNCTION(opa)
{
	if (OPA_G(enabled)) {
		opa_batch_shutdown(); /* before the INI entries go: it sends on the PHP thread's connection */
		opa_errors_shutdown();
		opa_hooks_shutdown();
		opa_calltree_unregister();
	}
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

PHP_RINIT_FUNCTION(opa)
{
#if defined(COMPILE_DL_OPA) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	OPA_G(runtime_disabled) = false;
	if (!OPA_G(enabled)) return SUCCESS;
	OPA_G(req) = opa_request_start();
	if (OPA_G(req)) opa_hooks_request_init(OPA_G(req)); /* the integrations' per-request state */
	opa_calltree_request_begin(OPA_G(req));
	return SUCCESS;
}

PHP_RSHUTDOWN_FUNCTION(opa)
{
	opa_request *req = OPA_G(req);
	if (OPA_G(enabled)) opa_calltree_request_end();
	if (req) {
		OPA_G(req) = NULL; /* nothing re-enters recording from here on */
		opa_spans_end_all(req); /* manual spans left open end with the request, before its root span */
		opa_request_finish(req);
		opa_errors_request_end(req);
		opa_hooks_request_free(req);
		opa_request_free(req);
	}
	return SUCCESS;
}

static void stats_array(zval *out)
{
	opa_counters merged = OPA_G(counters), *c = &merged;
	opa_batch_counters(c);
	array_init(out);
#define C(name) add_assoc_long(out, #name, c->name)
	C(requests); C(requests_sampled); C(messages_queued); C(messages_sent); C(messages_dropped); C(bytes_sent);
	C(frames_compressed); C(stacks_attached); C(connects); C(connect_failures); C(send_failures); C(send_timeouts);
	C(tls_handshakes); C(tls_handshake_failures); C(tls_handshake_timeouts);
	C(nodes_dropped_threshold); C(nodes_dropped_cap); C(records_dropped_cap);
	C(batch_messages); C(batch_sends_due); C(batch_sends_full); C(batch_sends_piggyback); C(batch_sends_exit);
#undef C
}

PHP_MINFO_FUNCTION(opa)
{
	php_info_print_table_start();
	php_info_print_table_row(2, "OpenProfilingAgent", OPA_G(enabled) ? "enabled" : "disabled");
	php_info_print_table_row(2, "Version", PHP_OPA_VERSION);
	zval stats, *v;
	zend_string *k;
	stats_array(&stats);
	ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL(stats), k, v) {
		char num[32];
		snprintf(num, sizeof(num), ZEND_LONG_FMT, Z_LVAL_P(v));
		php_info_print_table_row(2, ZSTR_VAL(k), num);
	} ZEND_HASH_FOREACH_END();
	zval_ptr_dtor(&stats);
	php_info_print_table_end();
	DISPLAY_INI_ENTRIES();
}

/* ---------- userland API ---------- */

ZEND_FUNCTION(opa_enable)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (!OPA_G(enabled)) RETURN_FALSE;
	OPA_G(runtime_disabled) = false;
	if (OPA_G(req)) OPA_G(req)->recording = OPA_G(req)->sampled;
	RETURN_TRUE;
}

ZEND_FUNCTION(opa_disable)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (!OPA_G(enabled)) RETURN_FALSE;
	OPA_G(runtime_disabled) = true;
	if (OPA_G(req)) OPA_G(req)->recording = false;
	RETURN_TRUE;
}

ZEND_FUNCTION(opa_is_enabled)
{
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_BOOL(OPA_G(enabled) && !OPA_G(runtime_disabled) && OPA_G(req));
}

ZEND_FUNCTION(opa_start_span)
{
	zend_string *name;
	HashTable *tags = NULL;
	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(name)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(tags)
	ZEND_PARSE_PARAMETERS_END();
	opa_request *req = OPA_G(req);
	opa_manual_span *s = req ? opa_spans_start(req, name, tags) : NULL;
	if (!s) {
		char none[17];
		opa_hex64(0, none);
		RETURN_STRING(none);
	}
	RETURN_STRING(s->span_id);
}

ZEND_FUNCTION(opa_end_span)
{
	zend_string *id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(id)
	ZEND_PARSE_PARAMETERS_END();
	opa_request *req = OPA_G(req);
	RETURN_BOOL(req && opa_spans_end(req, ZSTR_VAL(id), ZSTR_LEN(id)));
}

ZEND_FUNCTION(opa_add_tag)
{
	zend_string *key, *span_id = NULL;
	zval *value;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(key)
		Z_PARAM_ZVAL(value)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(span_id)
	ZEND_PARSE_PARAMETERS_END();
	opa_request *req = OPA_G(req);
	if (!req || ZSTR_LEN(key) == 0) RETURN_FALSE;
	HashTable *tags = &req->tags;
	if (span_id) {
		opa_manual_span *s = opa_spans_find(req, ZSTR_VAL(span_id), ZSTR_LEN(span_id));
		if (!s) RETURN_FALSE;
		tags = &s->tags;
	}
	if (zend_hash_num_elements(tags) >= 256) RETURN_FALSE;
	opa_tags_put(tags, key, value);
	RETURN_TRUE;
}

ZEND_FUNCTION(opa_set_parent)
{
	zend_string *parent;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(parent)
	ZEND_PARSE_PARAMETERS_END();
	opa_request *req = OPA_G(req);
	if (!req) RETURN_FALSE;
	char trace_id[33], parent_id[17];
	bool sampled;
	if (opa_parse_traceparent(ZSTR_VAL(parent), ZSTR_LEN(parent), trace_id, parent_id, &sampled)) {
		memcpy(req->trace_id, trace_id, sizeof(trace_id));
		memcpy(req->parent_id, parent_id, sizeof(parent_id));
		RETURN_TRUE;
	}
	if (ZSTR_LEN(parent) == 16 && strspn(ZSTR_VAL(parent), "0123456789abcdef") == 16) {
		memcpy(req->manual_parent, ZSTR_VAL(parent), 17);
		RETURN_TRUE;
	}
	RETURN_FALSE;
}

ZEND_FUNCTION(opa_track_error)
{
	zend_object *obj = NULL;
	zend_string *message = NULL;
	HashTable *tags = NULL;
	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_OBJ_OF_CLASS_OR_STR(obj, zend_ce_throwable, message)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(tags)
	ZEND_PARSE_PARAMETERS_END();
	opa_request *req = OPA_G(req);
	if (!req) RETURN_FALSE;
	HashTable str_tags;
	zend_hash_init(&str_tags, 8, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
	if (tags) {
		zend_string *k;
		zval *v;
		ZEND_HASH_FOREACH_STR_KEY_VAL(tags, k, v) {
			if (k) opa_tags_put(&str_tags, k, v);
		} ZEND_HASH_FOREACH_END();
	}
	if (obj) opa_error_from_throwable(req, obj, true, &str_tags);
	else opa_error_from_string(req, message, &str_tags);
	zend_hash_destroy(&str_tags);
	RETURN_TRUE;
}

static void dump_one(opa_request *req, zval *value, const char *file, uint32_t line)
{
	smart_str *b = &req->dumps;
	smart_str json = {0};
	bool first = true;
	int saved_error = JSON_G(error_code);
	php_json_encode(&json, value, PHP_JSON_PARTIAL_OUTPUT_ON_ERROR | PHP_JSON_INVALID_UTF8_SUBSTITUTE
		| PHP_JSON_UNESCAPED_SLASHES | PHP_JSON_UNESCAPED_UNICODE);
	JSON_G(error_code) = saved_error; /* json_last_error() of the application stays untouched */
	smart_str_0(&json);
	zend_string *text = zend_print_zval_r_to_str(value, 0);

	if (req->dumps_count++) opa_json_c(b, ',');
	opa_json_c(b, '{');
	opa_json_key(b, "timestamp", &first);
	opa_json_double(b, opa_epoch_ms());
	opa_json_key(b, "file", &first);
	opa_json_cstr(b, file);
	opa_json_key(b, "line", &first);
	opa_json_long(b, line);
	opa_json_key(b, "data", &first);
	if (json.s) opa_json_zstr(b, json.s); else opa_json_cstr(b, "null");
	opa_json_key(b, "text", &first);
	opa_json_zstr(b, text);
	opa_json_c(b, '}');
	smart_str_free(&json);
	zend_string_release(text);
}

ZEND_FUNCTION(opa_dump)
{
	zval *args = NULL;
	uint32_t argc = 0;
	ZEND_PARSE_PARAMETERS_START(0, -1)
		Z_PARAM_VARIADIC('*', args, argc)
	ZEND_PARSE_PARAMETERS_END();
	opa_request *req = OPA_G(req);
	if (!req || !req->recording) return;
	const char *file = zend_get_executed_filename();
	uint32_t line = zend_get_executed_lineno();
	for (uint32_t i = 0; i < argc && req->dumps_count < max_dumps; i++) {
		dump_one(req, &args[i], file, line);
	}
}

ZEND_FUNCTION(opa_trace_id)
{
	ZEND_PARSE_PARAMETERS_NONE();
	if (!OPA_G(req)) RETURN_NULL();
	RETURN_STRING(OPA_G(req)->trace_id);
}

ZEND_FUNCTION(opa_stats)
{
	ZEND_PARSE_PARAMETERS_NONE();
	stats_array(return_value);
}

static const zend_module_dep opa_deps[] = {
	ZEND_MOD_REQUIRED("json")
	ZEND_MOD_OPTIONAL("pdo")
	ZEND_MOD_OPTIONAL("curl")
	ZEND_MOD_OPTIONAL("mysqli")
	ZEND_MOD_OPTIONAL("apcu")
	ZEND_MOD_OPTIONAL("redis")
	ZEND_MOD_END
};

zend_module_entry opa_module_entry = {
	STANDARD_MODULE_HEADER_EX, NULL,
	opa_deps,
	PHP_OPA_EXTNAME,
	ext_functions,
	PHP_MINIT(opa),
	PHP_MSHUTDOWN(opa),
	PHP_RINIT(opa),
	PHP_RSHUTDOWN(opa),
	PHP_MINFO(opa),
	PHP_OPA_VERSION,
	PHP_MODULE_GLOBALS(opa),
	PHP_GINIT(opa),
	PHP_GSHUTDOWN(opa),
	ZEND_MODULE_POST_ZEND_DEACTIVATE_N(opa),
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_OPA
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(opa)
#endif
