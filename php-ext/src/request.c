#include "request.h"
#include "calltree.h"
#include "serialize.h"
#include "request_facts.h"
#include "batch.h"
#include "clock.h"
#include "json.h"
#include "../php_opa.h"
#if PHP_VERSION_ID >= 80200
# include "ext/random/php_random.h"
#else
# include "ext/standard/php_random.h"
#endif
#include <unistd.h>

uint64_t opa_random_u64(void)
{
	uint64_t v = 0;
	if (php_random_bytes_silent(&v, sizeof(v)) != SUCCESS || v == 0) {
		v = opa_mono_ns() ^ ((uint64_t) getpid() << 32) ^ (uint64_t) (uintptr_t) &v;
		v ^= v >> 33;
		v *= 0xff51afd7ed558ccdULL;
		v ^= v >> 33;
		if (v == 0) v = 1;
	}
	return v;
}

void opa_hex64(uint64_t v, char out[17])
{
	static const char hexd[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--) {
		out[i] = hexd[v & 15];
		v >>= 4;
	}
	out[16] = 0;
}

static bool is_lower_hex(const char *s, size_t n)
{
	bool nonzero = false;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
		if (s[i] != '0') nonzero = true;
	}
	return nonzero;
}

/* W3C traceparent: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>. Returns false if invalid. */
bool opa_parse_traceparent(const char *s, size_t len, char trace_id[33], char parent_id[17], bool *sampled)
{
	if (len < 55 || s[2] != '-' || s[35] != '-' || s[52] != '-') return false;
	if (!isxdigit((unsigned char) s[0]) || !isxdigit((unsigned char) s[1]) || (s[0] == 'f' && s[1] == 'f')) return false;
	if (len > 55 && (s[0] == '0' && s[1] == '0')) return false; /* version 00 has exactly 55 chars */
	if (!is_lower_hex(s + 3, 32) || !is_lower_hex(s + 36, 16)) return false;
	if (!isxdigit((unsigned char) s[53]) || !isxdigit((unsigned char) s[54])) return false;
	memcpy(trace_id, s + 3, 32);
	trace_id[32] = 0;
	memcpy(parent_id, s + 36, 16);
	parent_id[16] = 0;
	char flags[3] = {s[53], s[54], 0};
	*sampled = (strtol(flags, NULL, 16) & 1) != 0;
	return true;
}

opa_request *opa_request_start(void)
{
	opa_request *req = calloc(1, sizeof(*req));
	if (!req) return NULL;
	req->pid = getpid();
	req->start_ns = opa_mono_ns();
	req->start_ticks = opa_ticks();
	req->start_epoch_ms = opa_epoch_ms();
	req->cpu_start_ns = req->cpu_cache_ns = opa_cpu_ns();
	req->cpu_cache_at = req->start_ticks;
	uint64_t threshold_ns = (uint64_t) MAX(OPA_G(call_threshold_us), 0) * 1000ULL;
	req->threshold_ticks = (uint64_t) ((double) threshold_ns / opa_ns_per_tick);
	/* durations are summed per function in units of about threshold / 64 (a power of two of ticks) */
	while (req->unit_shift < 40 && (req->threshold_ticks >> (req->unit_shift + 1)) >= 64) req->unit_shift++;
	req->tiny_units = (req->threshold_ticks / 8) >> req->unit_shift;
	req->cpu_refresh_ticks = (uint64_t) ((double) MAX(threshold_ns / 2, 20000) / opa_ns_per_tick);
	req->file_threshold_ns = (uint64_t) MAX(OPA_G(file_io_threshold_us), 0) * 1000ULL;
	req->hot_limit = (uint64_t) MAX(OPA_G(hot_function_limit), 0);
	req->hot_recheck = (uint32_t) MIN(MAX(OPA_G(hot_function_recheck), 1), UINT32_MAX);
	req->id_base = opa_random_u64() & ~0xffffffffULL;
	req->sample_rate = OPA_G(sampling_rate);
	zend_hash_init(&req->tags, 8, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
	zend_hash_init(&req->errors_seen, 8, NULL, NULL, 1);

	opa_hex64(opa_random_u64(), req->trace_id);
	opa_hex64(opa_random_u64(), req->trace_id + 16);
	opa_hex64(opa_random_u64(), req->span_id);

	zend_string *tp = opa_server_var("HTTP_TRACEPARENT");
	bool sampled;
	if (tp && opa_parse_traceparent(ZSTR_VAL(tp), ZSTR_LEN(tp), req->trace_id, req->parent_id, &sampled)) {
		req->sampled = sampled;
		zend_string *ts = opa_server_var("HTTP_TRACESTATE");
		if (ts && ZSTR_LEN(ts) > 0 && ZSTR_LEN(ts) <= 512 && !memchr(ZSTR_VAL(ts), '\n', ZSTR_LEN(ts))
				&& !memchr(ZSTR_VAL(ts), '\r', ZSTR_LEN(ts))) {
			req->tracestate = zend_string_init(ZSTR_VAL(ts), ZSTR_LEN(ts), 1);
		}
	} else {
		double rate = req->sample_rate;
		req->sampled = rate >= 1.0 || (rate > 0 && (double) (opa_random_u64() >> 11) / 9007199254740992.0 < rate);
	}
	req->recording = req->sampled;
	OPA_G(counters).requests++;
	if (req->sampled) OPA_G(counters).requests_sampled++;
	return req;
}

void opa_request_finish(opa_request *req)
{
	opa_calltree_unwind(req);
	uint64_t end = opa_mono_ns();
	opa_serialize_root(req, end);
	uint64_t deadline = opa_mono_ns() + (uint64_t) MAX(OPA_G(send_budget_ms), 0) * 1000000ULL;
	if (req->out.s) {
		opa_batch_send(ZSTR_VAL(req->out.s), ZSTR_LEN(req->out.s), req->stack.s ? ZSTR_VAL(req->stack.s) : NULL,
			req->stack.s ? ZSTR_LEN(req->stack.s) : 0, req->out_messages, req->sampled, deadline);
	}
	OPA_G(counters).nodes_dropped_threshold += req->dropped_threshold;
	OPA_G(counters).nodes_dropped_cap += req->dropped_cap;
	OPA_G(counters).records_dropped_cap += req->records_dropped;
}

void opa_request_free(opa_request *req)
{
	for (uint32_t i = 0; i < req->nodes_len; i++) {
		opa_node *n = &req->nodes[i];
		if (n->function) zend_string_release(n->function);
		if (n->class_name) zend_string_release(n->class_name);
		if (n->file) zend_string_release(n->file);
	}
	zend_hash_destroy(&req->tags);
	zend_hash_destroy(&req->errors_seen);
	if (req->tracestate) zend_string_release(req->tracestate);
	smart_str_free_ex(&req->rec_buf, OPA_P);
	smart_str_free_ex(&req->out, OPA_P);
	smart_str_free_ex(&req->stack, OPA_P);
	smart_str_free_ex(&req->dumps, OPA_P);
	free(req->frames);
	free(req->nodes);
	free(req->recs);
	free(req);
}

/* pcntl_fork() child: its own span (child of the parent's), nothing of the parent's queue re-sent. */
void opa_request_forked(opa_request *req)
{
	memcpy(req->parent_id, req->span_id, sizeof(req->parent_id));
	opa_hex64(opa_random_u64(), req->span_id);
	req->pid = getpid();
	req->start_ns = opa_mono_ns();
	req->start_ticks = opa_ticks();
	req->start_epoch_ms = opa_epoch_ms();
	req->cpu_start_ns = opa_cpu_ns();
	if (req->out.s) ZSTR_LEN(req->out.s) = 0;
	smart_str_free_ex(&req->stack, OPA_P);
	req->out_messages = 0;
	for (uint32_t i = 0; i < req->nodes_len; i++) {
		opa_node *n = &req->nodes[i];
		if (n->function) zend_string_release(n->function);
		if (n->class_name) zend_string_release(n->class_name);
		if (n->file) zend_string_release(n->file);
	}
	req->nodes_len = 0;
	req->recs_len = 0;
	if (req->rec_buf.s) ZSTR_LEN(req->rec_buf.s) = 0;
	if (req->dumps.s) ZSTR_LEN(req->dumps.s) = 0;
	req->dumps_count = 0;
	for (uint32_t i = 0; i < req->depth; i++) req->frames[i].rec_head = req->frames[i].rec_tail = -1;
	zval v;
	ZVAL_STR(&v, zend_string_init("true", 4, 1));
	zend_hash_str_update(&req->tags, "opa.forked", sizeof("opa.forked") - 1, &v);
}
