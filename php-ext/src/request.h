/* Per-request recording state. All arrays live in malloc'd (persistent) memory so that recording
 * neither counts against memory_limit nor skews the memory figures it measures. */
#ifndef OPA_REQUEST_H
#define OPA_REQUEST_H

#include "php.h"
#include "zend_smart_str.h"
#include <stdint.h>

typedef enum {
	OPA_REC_SQL = 0,
	OPA_REC_HTTP,
	OPA_REC_CACHE,
	OPA_REC_REDIS,
	OPA_REC_FILE,
	OPA_REC_KINDS
} opa_rec_kind;

/* One I/O record (SQL statement, HTTP call, ...), already serialised as a JSON object in rec_buf. */
typedef struct {
	opa_rec_kind kind;
	int32_t next;        /* next record of the same call node, -1 at the end */
	size_t offset, len;  /* slice of opa_request.rec_buf */
} opa_record;

/* A call in progress. */
typedef struct {
	zend_execute_data *ex;
	zend_function *func;     /* ex->func at the call's start */
	uint64_t call_id;
	uint64_t start_t;        /* ticks (clock.h) */
	uint64_t start_ns;       /* monotonic ns, filled in when the call ends and is recorded */
	uint64_t cpu_reading_ns, cpu_reading_at; /* the thread CPU reading (ns, ticks) the start extrapolates from */
	size_t mem_start;
	int32_t rec_head, rec_tail;
	uint32_t file_ops;
	uint64_t file_bytes, file_ns;
	uint8_t hook;        /* opa_hook id, 0 for plain user code */
	bool keep;           /* did I/O or has a kept descendant */
	bool kept_child;     /* a child node was emitted: this node must be kept for the tree to hold */
	bool aggregate;      /* file I/O: accounted on the caller, not a node of its own */
} opa_frame;

/* A finished call that passed the threshold. */
typedef struct {
	uint64_t call_id, parent_id;
	zend_string *function, *class_name, *file;
	uint32_t line, depth;
	uint8_t type;        /* 0 user function, 1 internal, 2 method */
	uint64_t start_ns, dur_ns, cpu_ns;
	int64_t mem_delta;
	uint32_t file_ops;
	uint64_t file_bytes, file_ns;
	int32_t rec_head;
} opa_node;

typedef struct {
	char span_id[17];
	char parent_id[17];
	zend_string *name;     /* persistent */
	HashTable tags;        /* persistent */
	uint64_t start_ns, cpu_start_ns;
} opa_manual_span;

typedef struct opa_request {
	char trace_id[33];
	char span_id[17];
	char parent_id[17];      /* incoming parent, "" when none */
	zend_string *tracestate;
	bool sampled;
	bool recording;          /* sampled and not opa_disable()d: call tree and records are collected */
	bool has_error;
	double sample_rate;

	uint64_t start_ns, cpu_start_ns;
	double start_epoch_ms;
	uint64_t id_base, id_seq;

	uint64_t start_ticks;
	uint64_t cpu_cache_ns, cpu_cache_at; /* thread CPU clock, re-read at most every cpu_refresh_ticks */
	uint64_t cpu_refresh_ticks;
	uint64_t threshold_ticks, file_threshold_ns;
	uint64_t tiny_units;     /* threshold / 8 in units of 2^unit_shift ticks: the mean under which a function is elided */
	uint32_t unit_shift;     /* per-function duration sums (calltree.c) count in units of 2^unit_shift ticks */

	opa_frame *frames;
	uint32_t depth, frames_cap, overflow_depth;
	uint64_t hot_limit;      /* opa.hot_function_limit; 0 = every call of every user function observed */
	uint32_t hot_recheck;    /* opa.hot_function_recheck: recorded requests an elision lasts */
	zend_function *elide_fn; /* a function to stop observing at the next begin (calltree.c) */
	zend_function *pruned_fn; /* the function whose subtree runs unobserved now (calltree.c) */
	uint32_t pruned_calls;
	uint32_t functions_elided;

	opa_node *nodes;
	uint32_t nodes_len, nodes_cap;

	opa_record *recs;
	uint32_t recs_len, recs_cap;
	smart_str rec_buf;       /* persistent */

	smart_str out;           /* persistent: queued JSON lines (errors, logs, manual spans) */
	smart_str stack;         /* persistent: the root span's call stack (JSON array) when sent attached */
	smart_str dumps;         /* persistent: dump objects, comma separated */
	uint32_t dumps_count;

	HashTable tags;          /* root span tags, string => string (persistent) */
	opa_manual_span **spans; /* open manual spans, innermost last */
	uint32_t spans_len, spans_cap;
	char manual_parent[17];  /* parent for the next manual span, "" = the innermost open one */
	uint32_t out_messages;   /* JSON lines in out */
	pid_t pid;

	HashTable curl_headers;  /* CurlHandle object handle => user's CURLOPT_HTTPHEADER array */
	HashTable curl_multi;    /* CurlHandle object handle => start time (ns) of a multi transfer */
	HashTable stmt_sql;      /* mysqli_stmt object handle => SQL text */

	zend_object *last_exception;
	bool in_hook;            /* re-entrancy guard while the extension itself calls PHP functions */

	uint32_t dropped_threshold, dropped_cap, records_dropped;
	HashTable errors_seen;   /* fingerprints already sent in this request */
	uint32_t errors_repeated, errors_dropped, logs_sent, logs_dropped, spans_started, spans_dropped;
	uint64_t net_sent, net_received;
	uint32_t sql_count, http_count;   /* counted with or without sampling (RED figures of the root span) */
	uint64_t sql_ns, http_ns;
	uint64_t send_deadline_ns;
} opa_request;

/* The span that the request's events belong to now: the innermost open manual span, else the root. */
static inline const char *opa_request_current_span(const opa_request *req)
{
	return req->spans_len ? req->spans[req->spans_len - 1]->span_id : req->span_id;
}

opa_request *opa_request_start(void);
void opa_request_finish(opa_request *req);
void opa_request_free(opa_request *req);

void opa_request_forked(opa_request *req);
bool opa_parse_traceparent(const char *s, size_t len, char trace_id[33], char parent_id[17], bool *sampled);

/* Random 64-bit value (ids, sampling). */
uint64_t opa_random_u64(void);
void opa_hex64(uint64_t v, char out[17]);

#endif
