#include "spans.h"
#include "serialize.h"
#include "json.h"
#include "clock.h"
#include "calltree.h"
#include "../php_opa.h"

void opa_tags_put(HashTable *tags, zend_string *key, zval *value)
{
	zval v;
	zend_string *s = zval_get_string(value);
	ZVAL_STR(&v, zend_string_init(ZSTR_VAL(s), ZSTR_LEN(s), 1));
	zend_string_release(s);
	zend_hash_str_update(tags, ZSTR_VAL(key), ZSTR_LEN(key), &v);
}

static const uint32_t max_spans = 1000; /* manual spans per request */

opa_manual_span *opa_spans_start(opa_request *req, zend_string *name, HashTable *tags)
{
	if (req->spans_started >= max_spans) {
		req->spans_dropped++;
		return NULL;
	}
	req->spans_started++;
	if (req->spans_len == req->spans_cap) {
		uint32_t cap = MAX(req->spans_cap * 2, 8);
		opa_manual_span **grown = realloc(req->spans, sizeof(*grown) * cap);
		if (!grown) return NULL;
		req->spans = grown;
		req->spans_cap = cap;
	}
	opa_manual_span *s = calloc(1, sizeof(*s));
	if (!s) return NULL;
	opa_hex64(opa_random_u64(), s->span_id);
	strcpy(s->parent_id, req->manual_parent[0] ? req->manual_parent : opa_request_current_span(req));
	req->manual_parent[0] = 0;
	s->name = zend_string_init(ZSTR_VAL(name), ZSTR_LEN(name), 1);
	zend_hash_init(&s->tags, 8, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
	if (tags) {
		zend_string *k;
		zval *v;
		ZEND_HASH_FOREACH_STR_KEY_VAL(tags, k, v) {
			if (k) opa_tags_put(&s->tags, k, v);
		} ZEND_HASH_FOREACH_END();
	}
	s->start_ns = opa_mono_ns();
	s->cpu_start_ns = opa_cpu_ns();
	req->spans[req->spans_len++] = s;
	return s;
}

opa_manual_span *opa_spans_find(opa_request *req, const char *id, size_t id_len)
{
	for (uint32_t i = req->spans_len; i-- > 0;) {
		if (id_len == 16 && memcmp(req->spans[i]->span_id, id, 16) == 0) return req->spans[i];
	}
	return NULL;
}

static void serialize_span(opa_request *req, opa_manual_span *s, bool auto_closed)
{
	smart_str *b = &req->out;
	uint64_t now = opa_mono_ns(), cpu = opa_cpu_ns();
	bool first = opa_msg_begin_span(req, b, "span", s->span_id);
	opa_json_key(b, "parent_id", &first);
	opa_json_hex_or_null(b, s->parent_id);
	opa_json_key(b, "name", &first);
	opa_json_zstr(b, s->name);
	opa_json_key(b, "start_ts", &first);
	opa_json_double(b, opa_req_epoch_ms(req, s->start_ns));
	opa_json_key(b, "end_ts", &first);
	opa_json_double(b, opa_req_epoch_ms(req, now));
	opa_json_key(b, "duration_ms", &first);
	opa_json_ms(b, now - s->start_ns);
	opa_json_key(b, "cpu_ms", &first);
	opa_json_ms(b, cpu > s->cpu_start_ns ? cpu - s->cpu_start_ns : 0);
	opa_json_key(b, "status", &first);
	opa_json_cstr(b, "ok");
	opa_json_key(b, "language", &first);
	opa_json_cstr(b, "php");
	opa_json_key(b, "tags", &first);
	bool tf = true;
	opa_json_c(b, '{');
	opa_json_tag_pairs(b, &s->tags, &tf);
	opa_msg_tenant(req, b, &tf);
	if (auto_closed) {
		opa_json_key(b, "opa.auto_closed", &tf);
		opa_json_cstr(b, "true");
	}
	opa_json_c(b, '}');
	opa_msg_end(req, b);
}

static void free_span(opa_manual_span *s)
{
	zend_string_release(s->name);
	zend_hash_destroy(&s->tags);
	free(s);
}

bool opa_spans_end(opa_request *req, const char *id, size_t id_len)
{
	for (uint32_t i = req->spans_len; i-- > 0;) {
		opa_manual_span *s = req->spans[i];
		if (id_len != 16 || memcmp(s->span_id, id, 16) != 0) continue;
		if (req->sampled) serialize_span(req, s, false);
		memmove(&req->spans[i], &req->spans[i + 1], sizeof(*req->spans) * (req->spans_len - i - 1));
		req->spans_len--;
		free_span(s);
		return true;
	}
	return false;
}

void opa_spans_end_all(opa_request *req)
{
	while (req->spans_len > 0) {
		opa_manual_span *s = req->spans[--req->spans_len];
		if (req->sampled) serialize_span(req, s, true);
		free_span(s);
	}
	free(req->spans);
	req->spans = NULL;
	req->spans_cap = 0;
}
