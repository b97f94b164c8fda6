#include "serialize.h"
#include "request_facts.h"
#include "calltree.h"
#include "json.h"
#include "redact.h"
#include "clock.h"
#include "../php_opa.h"
#include "SAPI.h"

static const char *const rec_node_keys[OPA_REC_KINDS] = {
	"sql_queries", "http_requests", "cache_operations", "redis_operations", "file_operations"};
static const char *const rec_span_keys[OPA_REC_KINDS] = {"sql", "http", "cache", "redis", "file_io"};

bool opa_msg_begin_span(opa_request *req, smart_str *b, const char *type, const char *span_id)
{
	bool first = true;
	opa_json_c(b, '{');
	opa_json_key(b, "type", &first);
	opa_json_cstr(b, type);
	opa_json_key(b, "trace_id", &first);
	opa_json_hex_or_null(b, req->trace_id);
	opa_json_key(b, "span_id", &first);
	opa_json_hex_or_null(b, span_id);
	opa_json_key(b, "service", &first);
	opa_json_cstr(b, OPA_G(service_name) && *OPA_G(service_name) ? OPA_G(service_name) : "php");
	return first;
}

bool opa_msg_begin(opa_request *req, smart_str *b, const char *type)
{
	return opa_msg_begin_span(req, b, type, opa_request_current_span(req));
}

static void opt_str(smart_str *b, const char *key, const char *value, bool *first)
{
	if (!value || !*value) return;
	opa_json_key(b, key, first);
	opa_json_cstr(b, value);
}

void opa_msg_org_project(smart_str *b, bool *first)
{
	opt_str(b, "organization_id", OPA_G(organization_id), first);
	opt_str(b, "project_id", OPA_G(project_id), first);
}

void opa_msg_tenant(opa_request *req, smart_str *b, bool *first)
{
	(void) req;
	opa_msg_org_project(b, first);
	opt_str(b, "environment", OPA_G(environment), first);
	opt_str(b, "release", OPA_G(release), first);
}

void opa_msg_end(opa_request *req, smart_str *b)
{
	opa_json_raw(b, "}\n", 2);
	req->out_messages++;
	OPA_G(counters).messages_queued++;
}

void opa_json_tag_pairs(smart_str *b, HashTable *tags, bool *first)
{
	zend_string *k;
	zval *v;
	ZEND_HASH_FOREACH_STR_KEY_VAL(tags, k, v) {
		if (!k || Z_TYPE_P(v) != IS_STRING) continue;
		if (!*first) opa_json_c(b, ',');
		*first = false;
		opa_json_zstr(b, k);
		opa_json_c(b, ':');
		if (opa_is_sensitive(ZSTR_VAL(k), ZSTR_LEN(k))) opa_json_cstr(b, OPA_MASK);
		else opa_json_zstr(b, Z_STR_P(v));
	} ZEND_HASH_FOREACH_END();
}

static void tag_long(smart_str *b, const char *key, zend_long v, bool *first)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), ZEND_LONG_FMT, v);
	opa_json_key(b, key, first);
	opa_json_cstr(b, tmp);
}

static void tag_ms(smart_str *b, const char *key, uint64_t ns, bool *first)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%.3f", (double) ns / 1e6);
	opa_json_key(b, key, first);
	opa_json_cstr(b, tmp);
}

static void span_records(opa_request *req, smart_str *b, bool *first)
{
	for (int kind = 0; kind < OPA_REC_KINDS; kind++) {
		opa_json_key(b, rec_span_keys[kind], first);
		opa_json_c(b, '[');
		bool any = false;
		for (uint32_t i = 0; i < req->recs_len; i++) {
			opa_record *r = &req->recs[i];
			if ((int) r->kind != kind) continue;
			if (any) opa_json_c(b, ',');
			any = true;
			opa_json_raw(b, ZSTR_VAL(req->rec_buf.s) + r->offset, r->len);
		}
		opa_json_c(b, ']');
	}
}

static void node_json(opa_request *req, smart_str *b, opa_node *n)
{
	char id[17];
	bool first = true;
	opa_json_c(b, '{');
	opa_json_key(b, "call_id", &first);
	opa_hex64(n->call_id, id);
	opa_json_hex_or_null(b, id);
	opa_json_key(b, "parent_id", &first);
	if (n->parent_id) opa_hex64(n->parent_id, id); else id[0] = 0;
	opa_json_hex_or_null(b, id);
	opa_json_key(b, "function", &first);
	if (n->function) opa_json_zstr(b, n->function);
	else opa_json_cstr(b, n->depth == 0 ? "{main}" : "{include}");
	if (n->class_name) {
		opa_json_key(b, "class", &first);
		opa_json_zstr(b, n->class_name);
	}
	if (n->file) {
		opa_json_key(b, "file", &first);
		opa_json_zstr(b, n->file);
	}
	opa_json_key(b, "line", &first);
	opa_json_long(b, n->line);
	opa_json_key(b, "start_ts", &first);
	opa_json_double(b, opa_req_epoch_ms(req, n->start_ns));
	opa_json_key(b, "duration_ms", &first);
	opa_json_ms(b, n->dur_ns);
	opa_json_key(b, "cpu_ms", &first);
	opa_json_ms(b, n->cpu_ns);
	opa_json_key(b, "memory_delta", &first);
	opa_json_long(b, (zend_long) n->mem_delta);
	opa_json_key(b, "depth", &first);
	opa_json_long(b, n->depth);
	opa_json_key(b, "function_type", &first);
	opa_json_long(b, n->type);
	if (n->file_ops) {
		bool f2 = true;
		opa_json_key(b, "file_io", &first);
		opa_json_c(b, '{');
		opa_json_key(b, "operations", &f2);
		opa_json_long(b, n->file_ops);
		opa_json_key(b, "bytes", &f2);
		opa_json_long(b, (zend_long) n->file_bytes);
		opa_json_key(b, "duration_ms", &f2);
		opa_json_ms(b, n->file_ns);
		opa_json_c(b, '}');
	}
	for (int kind = 0; kind < OPA_REC_KINDS && n->rec_head >= 0; kind++) {
		bool any = false;
		for (int32_t i = n->rec_head; i >= 0; i = req->recs[i].next) {
			opa_record *r = &req->recs[i];
			if ((int) r->kind != kind) continue;
			if (!any) {
				opa_json_key(b, rec_node_keys[kind], &first);
				opa_json_c(b, '[');
			} else {
				opa_json_c(b, ',');
			}
			any = true;
			opa_json_raw(b, ZSTR_VAL(req->rec_buf.s) + r->offset, r->len);
		}
		if (any) opa_json_c(b, ']');
	}
	opa_json_c(b, '}');
}

void opa_serialize_root(opa_request *req, uint64_t end_ns)
{
	smart_str *b = &req->out;
	bool web = opa_server_var("REQUEST_METHOD") != NULL;
	int status = opa_response_status(web);
	bool error = req->has_error || status >= 500;
	uint64_t cpu = opa_cpu_ns();
	char rate[32];

	bool first = opa_msg_begin_span(req, b, "span", req->span_id);
	opa_json_key(b, "parent_id", &first);
	opa_json_hex_or_null(b, req->parent_id);
	opa_json_key(b, "name", &first);
	opa_request_name_json(b, web);
	opa_json_key(b, "start_ts", &first);
	opa_json_double(b, req->start_epoch_ms);
	opa_json_key(b, "end_ts", &first);
	opa_json_double(b, opa_req_epoch_ms(req, end_ns));
	opa_json_key(b, "duration_ms", &first);
	opa_json_ms(b, end_ns - req->start_ns);
	opa_json_key(b, "cpu_ms", &first);
	opa_json_ms(b, cpu > req->cpu_start_ns ? cpu - req->cpu_start_ns : 0);
	opa_json_key(b, "status", &first);
	opa_json_cstr(b, error ? "error" : "ok");
	opa_json_key(b, "language", &first);
	opa_json_cstr(b, "php");
	opa_json_key(b, "language_version", &first);
	opa_json_cstr(b, PHP_VERSION);

	bool tf = true;
	opa_json_key(b, "tags", &first);
	opa_json_c(b, '{');
	opa_json_tag_pairs(b, &req->tags, &tf);
	opt_str(b, "organization_id", OPA_G(organization_id), &tf);
	opt_str(b, "project_id", OPA_G(project_id), &tf);
	opt_str(b, "environment", OPA_G(environment), &tf);
	opt_str(b, "release", OPA_G(release), &tf);
	opa_json_key(b, "sampled", &tf);
	opa_json_cstr(b, req->sampled ? "true" : "false");
	snprintf(rate, sizeof(rate), "%g", req->sample_rate);
	opa_json_key(b, "sample_rate", &tf);
	opa_json_cstr(b, rate);
	opa_json_key(b, "php.sapi", &tf);
	opa_json_cstr(b, sapi_module.name);
	tag_long(b, "memory_peak_bytes", (zend_long) zend_memory_peak_usage(0), &tf);
	/* RED: counted by the replaced handlers whether or not the request is sampled */
	tag_long(b, "opa.sql_count", req->sql_count, &tf);
	tag_ms(b, "opa.sql_ms", req->sql_ns, &tf);
	tag_long(b, "opa.http_count", req->http_count, &tf);
	tag_ms(b, "opa.http_ms", req->http_ns, &tf);
	if (req->sampled) {
		tag_long(b, "opa.nodes_kept", req->nodes_len, &tf);
		tag_long(b, "opa.nodes_dropped_threshold", req->dropped_threshold, &tf);
		tag_long(b, "opa.nodes_dropped_cap", req->dropped_cap, &tf);
		tag_long(b, "opa.records_dropped", req->records_dropped, &tf);
		tag_long(b, "opa.functions_elided", req->functions_elided, &tf);
		tag_long(b, "opa.calls_pruned", req->pruned_calls, &tf);
		opa_json_key(b, "opa.call_hook", &tf);
		opa_json_cstr(b, opa_calltree_mode() == OPA_CALLS_EXECUTE_EX ? "execute_ex" : "observer");
	}
	if (req->errors_repeated) tag_long(b, "opa.errors_repeated", req->errors_repeated, &tf);
	if (req->errors_dropped) tag_long(b, "opa.errors_dropped", req->errors_dropped, &tf);
	if (req->logs_dropped) tag_long(b, "opa.logs_dropped", req->logs_dropped, &tf);
	if (req->spans_dropped) tag_long(b, "opa.spans_dropped", req->spans_dropped, &tf);
	if (web) {
		opa_json_key(b, "http_request", &tf);
		opa_http_request_json(b, status);
		bool rf = true;
		opa_json_key(b, "http_response", &tf);
		opa_json_c(b, '{');
		opa_json_key(b, "status_code", &rf);
		opa_json_long(b, status);
		opa_json_c(b, '}');
	}
	opa_json_c(b, '}');

	if (req->sampled) {
		bool nf = true;
		opa_json_key(b, "net", &first);
		opa_json_c(b, '{');
		opa_json_key(b, "bytes_sent", &nf);
		opa_json_long(b, (zend_long) req->net_sent);
		opa_json_key(b, "bytes_received", &nf);
		opa_json_long(b, (zend_long) req->net_received);
		opa_json_c(b, '}');
		span_records(req, b, &first);
		opa_json_key(b, "dumps", &first);
		opa_json_c(b, '[');
		if (req->dumps.s) opa_json_raw(b, ZSTR_VAL(req->dumps.s), ZSTR_LEN(req->dumps.s));
		opa_json_c(b, ']');
		/* attached: the stack goes out beside this line, compressed on its own, so the agent stores it without
		 * reading it (docs/protocol.md); this line must then be the last of the payload, which it is */
		smart_str *s = b;
		if (OPA_G(attach_stack)) {
			s = &req->stack;
			if (s->s) ZSTR_LEN(s->s) = 0;
		} else {
			opa_json_key(b, "stack", &first);
		}
		opa_json_c(s, '[');
		for (uint32_t i = 0; i < req->nodes_len; i++) {
			if (i) opa_json_c(s, ',');
			node_json(req, s, &req->nodes[i]);
		}
		opa_json_c(s, ']');
	}
	opa_msg_end(req, b);
}
