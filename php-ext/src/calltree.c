#include "calltree.h"
#include "hooks.h"
#include "clock.h"
#include "json.h"
#include "../php_opa.h"
#include "zend_observer.h"
#include "zend_extensions.h"

static const uint32_t fiber_search_limit = 64;

#if PHP_VERSION_ID >= 80400
/* 8.4 names closures "{closure:file:line}" or "{closure:Class::method():line}". File and line are
 * fields of their own, so nodes keep the "{closure}" of 8.2/8.3: the same code groups the same
 * across PHP versions and deploy paths. Interned at MINIT. */
static zend_string *closure_name;
#endif

#if PHP_VERSION_ID >= 80200
# define OPA_CAN_ELIDE 1
/* Per function and request (a slot of the run-time cache, zeroed by the engine at every request):
 * how many of its calls were dropped as short, or OPA_FN_NEVER once one was kept (or for functions
 * that are never elided). See count_dropped(). */
static int fn_slot = -1;
# define OPA_FN_NEVER ((uintptr_t) 1 << 62)
# define OPA_FN_SLOT(fn) (*(uintptr_t *) &ZEND_OP_ARRAY_EXTENSION(&(fn)->op_array, fn_slot))
#endif

/* Thread CPU time at tick `now`: the last reading plus the wall time since, i.e. assuming the thread
 * stayed on CPU since then; re-read when that reading is older than cpu_refresh_ticks. The error is the
 * off-CPU time inside one refresh window, at most the window. */
static zend_always_inline uint64_t cached_cpu(opa_request *req, uint64_t now)
{
	if (UNEXPECTED(now - req->cpu_cache_at >= req->cpu_refresh_ticks)) {
		req->cpu_cache_ns = opa_cpu_ns();
		req->cpu_cache_at = now;
		return req->cpu_cache_ns;
	}
	return req->cpu_cache_ns + (uint64_t) ((double) (now - req->cpu_cache_at) * opa_ns_per_tick);
}

static void observer_begin(zend_execute_data *ex);
static void observer_end(zend_execute_data *ex, zval *retval);

static zend_never_inline bool grow_frames(opa_request *req)
{
	uint32_t max = (uint32_t) MAX(OPA_G(max_depth), 16);
	if (req->frames_cap >= max) return false;
	uint32_t cap = MIN(MAX(req->frames_cap * 2, 64), max);
	opa_frame *grown = realloc(req->frames, sizeof(opa_frame) * cap);
	if (!grown) return false;
	req->frames = grown;
	req->frames_cap = cap;
	return true;
}

static zend_always_inline opa_frame *push_frame(opa_request *req, zend_execute_data *ex, uint8_t hook)
{
	if (UNEXPECTED(req->depth >= req->frames_cap) && !grow_frames(req)) {
		req->overflow_depth++;
		return NULL;
	}
	opa_frame *f = &req->frames[req->depth++];
	uint64_t now = opa_ticks();
	f->ex = ex;
	f->func = ex->func;
	f->call_id = req->id_base + (++req->id_seq);
	f->start_t = now;
	f->cpu_start_ns = cached_cpu(req, now);
	f->mem_start = zend_memory_usage(0);
	f->rec_head = f->rec_tail = -1;
	f->file_ops = 0;
	f->file_bytes = f->file_ns = 0;
	f->hook = hook;
	f->keep = false;
	f->kept_child = false;
	f->aggregate = hook && opa_hook_aggregates(hook);
	return f;
}

static void describe(opa_node *n, zend_execute_data *ex, uint32_t depth)
{
	zend_function *fn = ex->func;
	/* NULL = top-level code of a file: written as {main} or {include} (no allocation: this also runs
	 * inside fatal-error handling) */
	zend_string *name = fn->common.function_name;
#if PHP_VERSION_ID >= 80400
	if (name && (fn->common.fn_flags & ZEND_ACC_CLOSURE) && zend_string_starts_with_literal(name, "{closure:")) name = closure_name;
#endif
	n->function = name ? zend_string_copy(name) : NULL;
	n->class_name = fn->common.scope ? zend_string_copy(fn->common.scope->name) : NULL;
	if (ZEND_USER_CODE(fn->type)) {
		n->file = fn->op_array.filename ? zend_string_copy(fn->op_array.filename) : NULL;
		n->line = fn->op_array.line_start;
		n->type = fn->common.scope ? 2 : 0;
	} else {
		/* internal call: report the calling line */
		zend_execute_data *caller = ex->prev_execute_data;
		while (caller && (!caller->func || !ZEND_USER_CODE(caller->func->type))) caller = caller->prev_execute_data;
		n->file = caller && caller->func->op_array.filename ? zend_string_copy(caller->func->op_array.filename) : NULL;
		n->line = caller && caller->opline ? caller->opline->lineno : 0;
		n->type = 1;
	}
}

static void emit_node(opa_request *req, opa_frame *f, uint32_t depth, uint64_t now_t, uint64_t now, bool kept_child)
{
	uint32_t max = (uint32_t) MAX(OPA_G(max_nodes), 1);
	/* over the cap only ancestors of nodes already kept are added, so no kept node loses its parent */
	if (req->nodes_len >= max && (!kept_child || req->nodes_len >= 2 * max)) {
		req->dropped_cap++;
		return;
	}
	if (req->nodes_len == req->nodes_cap) {
		uint32_t cap = MAX(req->nodes_cap * 2, 64);
		opa_node *grown = realloc(req->nodes, sizeof(opa_node) * cap);
		if (!grown) {
			req->dropped_cap++;
			return;
		}
		req->nodes = grown;
		req->nodes_cap = cap;
	}
	opa_node *n = &req->nodes[req->nodes_len++];
	uint64_t cpu = opa_cpu_ns();
	req->cpu_cache_ns = cpu;
	req->cpu_cache_at = now_t;
	n->call_id = f->call_id;
	n->parent_id = depth > 0 ? req->frames[depth - 1].call_id : 0;
	describe(n, f->ex, depth);
	n->depth = depth;
	n->start_ns = f->start_ns;
	n->dur_ns = now - f->start_ns;
	n->cpu_ns = cpu > f->cpu_start_ns ? cpu - f->cpu_start_ns : 0;
	n->mem_delta = (int64_t) zend_memory_usage(0) - (int64_t) f->mem_start;
	n->file_ops = f->file_ops;
	n->file_bytes = f->file_bytes;
	n->file_ns = f->file_ns;
	n->rec_head = f->rec_head;
	if (depth > 0) {
		req->frames[depth - 1].keep = true;
		req->frames[depth - 1].kept_child = true;
	}
}

/* Pops the frame of ex. Returns it (valid until the next push) or NULL when ex has no frame. */
static zend_always_inline opa_frame *pop_frame(opa_request *req, zend_execute_data *ex)
{
	if (UNEXPECTED(req->depth == 0 || req->frames[req->depth - 1].ex != ex)) {
		if (req->overflow_depth > 0) {
			req->overflow_depth--;
			return NULL;
		}
		/* fibers can interleave frames: drop frames above ex (if ex is on the stack at all) */
		uint32_t limit = MIN(req->depth, fiber_search_limit), i;
		for (i = 1; i <= limit; i++) {
			if (req->frames[req->depth - i].ex == ex) break;
		}
		if (i > limit) return NULL;
		req->dropped_threshold += i - 1;
		req->depth -= i - 1;
	}
	return &req->frames[--req->depth];
}

static zend_never_inline void finish_recorded(opa_request *req, opa_frame *f, zval *retval, uint64_t now_t)
{
	uint32_t depth = req->depth; /* f == &frames[depth] */
	uint64_t now = 0;
	if (f->hook) {
		now = opa_req_ns(req, now_t);
		f->start_ns = opa_req_ns(req, f->start_t);
		opa_hook_end(req, f, f->ex, f->hook, retval, now);
		if (f->aggregate) {
			if (depth > 0) {
				opa_frame *parent = &req->frames[depth - 1];
				parent->file_ops++;
				parent->file_ns += now - f->start_ns;
				parent->file_bytes += f->file_bytes;
				parent->keep = true;
			}
			return;
		}
	}
	if (!f->keep && f->rec_head < 0 && f->file_ops == 0 && now_t - f->start_t < req->threshold_ticks) {
		req->dropped_threshold++;
		return;
	}
	if (!f->hook) {
		now = opa_req_ns(req, now_t);
		f->start_ns = opa_req_ns(req, f->start_t);
	}
	emit_node(req, f, depth, now_t, now, f->kept_child);
}

#ifdef OPA_CAN_ELIDE
/* A user function whose first opa.hot_function_limit calls in this request were all dropped (short, no
 * I/O, no kept descendant) stops being observed for the rest of the request: each observed call costs two
 * time-stamp reads (~10 ns each on a VM) plus the handlers, and call-dense code (WordPress: ~150,000 user
 * calls per page, 99% of them dropped) spends most of its recording time on such calls. Its later calls
 * are then accounted in their caller, like any dropped call. The handlers are removed at the next begin
 * of another function, never from inside the function's own handler loop (which the engine is iterating)
 * and never while a call of it is on the stack (its end handler must still pop that frame). */
static zend_always_inline void count_dropped(opa_request *req, zend_function *fn)
{
	uintptr_t *slot = &OPA_FN_SLOT(fn);
	uintptr_t n = *slot;
	if (n < OPA_FN_NEVER) {
		*slot = ++n;
		if (UNEXPECTED(n >= req->hot_limit)) req->elide_fn = fn;
	}
}

static zend_never_inline void elide_pending(opa_request *req, zend_execute_data *ex)
{
	zend_function *fn = req->elide_fn;
	if (ex->func == fn || req->overflow_depth > 0) return; /* retried at the next begin */
	req->elide_fn = NULL;
	for (uint32_t i = 0; i < req->depth; i++) {
		if (req->frames[i].func == fn) return; /* on the stack: re-queued by its next dropped call */
	}
	OPA_FN_SLOT(fn) = OPA_FN_NEVER;
#if PHP_VERSION_ID >= 80400 /* 8.4 added an out-parameter: the handler that followed the removed one */
	zend_observer_fcall_begin_handler next_begin;
	zend_observer_fcall_end_handler next_end;
	bool removed = zend_observer_remove_begin_handler(fn, observer_begin, &next_begin);
	removed = zend_observer_remove_end_handler(fn, observer_end, &next_end) && removed;
#else
	bool removed = zend_observer_remove_begin_handler(fn, observer_begin);
	removed = zend_observer_remove_end_handler(fn, observer_end) && removed;
#endif
	if (removed) req->functions_elided++;
}
#endif

static zend_always_inline void finish_frame(opa_request *req, opa_frame *f, zval *retval)
{
	uint64_t now_t = opa_ticks(), dur_t = now_t - f->start_t;
	if (EXPECTED(!f->hook && !f->keep) && dur_t < req->threshold_ticks) {
		req->dropped_threshold++; /* the common case: a short call without I/O, nothing more to do */
#ifdef OPA_CAN_ELIDE
		if (req->hot_limit) {
			if (EXPECTED(dur_t < req->tiny_ticks)) count_dropped(req, f->func);
			else OPA_FN_SLOT(f->func) = OPA_FN_NEVER; /* not always tiny: may well cross the threshold */
		}
#endif
		return;
	}
#ifdef OPA_CAN_ELIDE
	if (!f->hook && req->hot_limit) OPA_FN_SLOT(f->func) = OPA_FN_NEVER; /* kept once: always observed */
#endif
	finish_recorded(req, f, retval, now_t);
}

static void observer_begin(zend_execute_data *ex)
{
	opa_request *req = OPA_G(req);
	if (UNEXPECTED(!req)) return;
	if (UNEXPECTED(!req->recording || req->in_hook)) {
		return;
	}
#ifdef OPA_CAN_ELIDE
	if (UNEXPECTED(req->elide_fn != NULL)) elide_pending(req, ex);
#endif
	push_frame(req, ex, 0);
}

static void observer_end(zend_execute_data *ex, zval *retval)
{
	opa_request *req = OPA_G(req);
	if (UNEXPECTED(!req) || req->in_hook || req->depth + req->overflow_depth == 0) return;
	opa_frame *f = pop_frame(req, ex);
	if (f) finish_frame(req, f, retval);
}

static void hook_begin(zend_execute_data *ex)
{
	opa_request *req = OPA_G(req);
	if (!req || req->in_hook) return;
	uint8_t hook = opa_hook_of(ex->func);
	opa_hook_begin(req, ex, hook); /* propagation and logs also run on unsampled requests */
	if (req->recording) push_frame(req, ex, hook);
}

static void hook_end(zend_execute_data *ex, zval *retval)
{
	opa_request *req = OPA_G(req);
	if (!req || req->in_hook) return;
	if (!req->recording) {
		opa_hook_end(req, NULL, ex, opa_hook_of(ex->func), retval, opa_mono_ns());
		return;
	}
	observer_end(ex, retval);
}

static zend_observer_fcall_handlers observer_init(zend_execute_data *ex)
{
	zend_observer_fcall_handlers none = {NULL, NULL};
	opa_request *req = OPA_G(req);
	zend_function *fn = ex->func;
	if (!req) return none;
	if (ZEND_USER_CODE(fn->type)) {
		if (!req->recording) return none;
#ifdef OPA_CAN_ELIDE
		/* file top-level code, closures (their zend_function is per object) and generators (suspended
		 * calls are not on the stack) are always observed */
		if (fn_slot >= 0 && (!fn->common.function_name
				|| (fn->common.fn_flags & (ZEND_ACC_CLOSURE | ZEND_ACC_FAKE_CLOSURE | ZEND_ACC_GENERATOR)))) {
			OPA_FN_SLOT(fn) = OPA_FN_NEVER;
		}
#endif
		return (zend_observer_fcall_handlers) {observer_begin, observer_end};
	}
	uint8_t hook = opa_hook_of(fn);
	if (!hook || (!req->recording && !opa_hook_always(hook))) return none;
	return (zend_observer_fcall_handlers) {hook_begin, hook_end};
}

void opa_calltree_register(void)
{
	zend_observer_fcall_register(observer_init);
#if PHP_VERSION_ID >= 80400
	closure_name = zend_string_init_interned("{closure}", sizeof("{closure}") - 1, 1);
#endif
#ifdef OPA_CAN_ELIDE
	fn_slot = zend_get_op_array_extension_handle(PHP_OPA_EXTNAME);
#endif
}

void opa_calltree_unwind(opa_request *req)
{
	req->hot_limit = 0; /* frames left open may belong to freed fibers and closures: no per-function state */
	while (req->depth > 0) {
		opa_frame *f = &req->frames[--req->depth];
		finish_frame(req, f, NULL);
	}
	req->overflow_depth = 0;
}

size_t opa_record_begin(opa_request *req)
{
	return req->rec_buf.s ? ZSTR_LEN(req->rec_buf.s) : 0;
}

void opa_record_end(opa_request *req, opa_frame *owner, opa_rec_kind kind, size_t offset)
{
	size_t end = req->rec_buf.s ? ZSTR_LEN(req->rec_buf.s) : 0;
	if (req->recs_len >= (uint32_t) MAX(OPA_G(max_records), 0)) {
		req->records_dropped++;
		if (req->rec_buf.s) ZSTR_LEN(req->rec_buf.s) = offset;
		return;
	}
	if (req->recs_len == req->recs_cap) {
		uint32_t cap = MAX(req->recs_cap * 2, 32);
		opa_record *grown = realloc(req->recs, sizeof(opa_record) * cap);
		if (!grown) {
			req->records_dropped++;
			if (req->rec_buf.s) ZSTR_LEN(req->rec_buf.s) = offset;
			return;
		}
		req->recs = grown;
		req->recs_cap = cap;
	}
	int32_t idx = (int32_t) req->recs_len++;
	opa_record *r = &req->recs[idx];
	r->kind = kind;
	r->next = -1;
	r->offset = offset;
	r->len = end - offset;
	if (owner) {
		if (owner->rec_tail >= 0) req->recs[owner->rec_tail].next = idx;
		else owner->rec_head = idx;
		owner->rec_tail = idx;
		owner->keep = true;
	}
}
