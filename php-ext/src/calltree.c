#include "calltree.h"
#include "clock.h"
#include "../php_opa.h"
#include "zend_observer.h"
#include "zend_extensions.h"
#include "zend_closures.h"
#include "SAPI.h"
#include "php_ini.h"

/* How user calls are seen (opa_calltree_register): */
static opa_call_hook call_hook = OPA_CALLS_NONE;
/* execute_ex mode: the engine's (or the previous extension's) zend_execute_ex, and whether ours can be
 * swapped in and out per request (false when another extension installed its hook on top of ours) */
static void (*prev_execute_ex)(zend_execute_data *ex);
static bool swap_per_request;
/* execute_ex mode with the hook ours to swap: a function elided without ever a long or kept call can be
 * elided with its whole subtree (execute_pruned()) */
static bool can_prune;
static bool compile_wrapped;
static zend_op_array *(*prev_compile_file)(zend_file_handle *fh, int type);
#if PHP_VERSION_ID >= 80200
static zend_op_array *(*prev_compile_string)(zend_string *source, const char *filename, zend_compile_position position);
#else
static zend_op_array *(*prev_compile_string)(zend_string *source, const char *filename);
#endif

static const uint32_t fiber_search_limit = 64;

#if PHP_VERSION_ID >= 80400
/* 8.4 names closures "{closure:file:line}" or "{closure:Class::method():line}". File and line are
 * fields of their own, so nodes keep the "{closure}" of 8.2/8.3: the same code groups the same
 * across PHP versions and deploy paths. Interned at MINIT. */
static zend_string *closure_name;
#endif

#if PHP_VERSION_ID >= 80200
# define OPA_CAN_ELIDE 1
/* Per user function, for the life of the worker process: how many of its calls were timed (low
 * OPA_FN_COUNT_BITS bits of `state`) and the sum of their durations, each capped, in units of
 * 2^req->unit_shift ticks (above them); or OPA_FN_NEVER for functions that are never elided,
 * OPA_FN_ELIDED once elided (see count_call()). Keyed by file, first line and name, not by op_array:
 * without opcache op_arrays are freed at every request end. A slot of the run-time cache (zeroed by the
 * engine at every request) caches the function's entry, so the table is searched once per function and
 * request. A request starts from the counts of earlier ones only while they average tiny: otherwise from
 * zero, as if nothing were kept (a cold first request, slow calls long past, do not keep a function
 * timed; a function is never elided later than with per-request counts). Bounded (OPA_FN_TABLE_MAX functions; later ones are always timed), per process (a forked
 * child starts from a copy; per thread on ZTS builds), cleared when a recorded request runs with another
 * opa.hot_function_limit or opa.call_threshold_us. */
static int fn_slot = -1;
# define OPA_FN_COUNT_BITS 24
# define OPA_FN_COUNT_MASK (((uintptr_t) 1 << OPA_FN_COUNT_BITS) - 1)
# define OPA_FN_SLOW_WEIGHT 32 /* a long or kept call counts as this many thresholds (see count_call()) */
# define OPA_FN_NEVER ((uintptr_t) 1 << 62)
# define OPA_FN_ELIDED (OPA_FN_NEVER + 1) /* no longer timed (until opa.hot_function_recheck requests later) */
# define OPA_FN_SLOT(fn) (*(uintptr_t *) &ZEND_OP_ARRAY_EXTENSION(&(fn)->op_array, fn_slot))
/* the slot holds the entry's address, plus this bit while the function is elided in this request, and
 * OPA_FN_SLOT_PRUNED while its whole subtree is (see execute_pruned()) */
# define OPA_FN_SLOT_ELIDED ((uintptr_t) 1)
# define OPA_FN_SLOT_PRUNED ((uintptr_t) 2)
# define OPA_FN_TABLE_MAX 16384
# define OPA_FN_INDEX_SIZE (2 * OPA_FN_TABLE_MAX) /* open addressing, at most half full */

typedef struct opa_fn_stat {
	uintptr_t state;
	uint32_t elided_at;        /* fn_table.seq of the recorded request that elided it */
	uint32_t line;
	bool slow_seen;            /* a counted call was long or kept (for a descendant or I/O) */
	bool pruned;               /* elided with its whole subtree (no counted call was long or kept) */
	zend_ulong hash;
	zend_string *file, *name;  /* persistent copies */
} opa_fn_stat;

typedef struct opa_fn_table {
	opa_fn_stat *entries;      /* never moved: run-time cache slots point into it */
	uint32_t *index;           /* entry number + 1, 0 = empty */
	uint32_t len;
	uint32_t seq;              /* recorded requests of this process */
	uint64_t limit, threshold_ticks; /* the settings the states were counted with */
} opa_fn_table;

ZEND_TLS opa_fn_table fn_table;
ZEND_TLS opa_fn_stat fn_never = {OPA_FN_NEVER, 0, 0, false, false, 0, NULL, NULL}; /* functions never elided */
#endif

/* Thread CPU time at tick `now`: the last reading plus the wall time since, i.e. assuming the thread
 * stayed on CPU since then; re-read when that reading is older than cpu_refresh_ticks (half the
 * threshold). Used at both ends of a call: the error at each end is the off-CPU time inside one refresh
 * window, at most the window. A call that blocks longer than the window (a query, a sleep) is always
 * followed by a real reading; one that blocks less is off by less than the window. The thread CPU clock
 * is a system call (~0.5-0.8 us on a VM); nodes often end within a window of each other (a child and
 * its callers), so reading it at most once per window instead of at every node's end cuts the readings
 * of a WordPress page by a third (≈ 1,200 to ≈ 770). */
static zend_always_inline void refresh_cpu(opa_request *req, uint64_t now)
{
	if (UNEXPECTED(now - req->cpu_cache_at >= req->cpu_refresh_ticks)) {
		req->cpu_cache_ns = opa_cpu_ns();
		req->cpu_cache_at = now;
	}
}

/* The thread CPU time at tick t, extrapolated from a reading (ns) taken at tick `at`. A call's start is
 * only converted when it becomes a node: the push just copies the reading. */
static zend_always_inline uint64_t cpu_at(uint64_t reading_ns, uint64_t at, uint64_t t)
{
	return reading_ns + (uint64_t) (int64_t) ((double) (int64_t) (t - at) * opa_ns_per_tick);
}

#if defined(OPA_CAN_ELIDE) && PHP_VERSION_ID < 80400 && !defined(ZTS)
/* PHP 8.2 and 8.3 size internal functions' run-time caches by the op_array extension handles, and
 * zend_activate() allocates and assigns them at every request start (zend_init_internal_run_time_cache():
 * an arena block and a walk over every internal function and method, ≈ 0.13 M instructions per WordPress
 * request, sampled or not) as soon as any extension holds a handle, this one for fn_slot. When fn_slot is
 * the only handle (no observer: in execute_ex mode nothing reads an internal function's run-time cache;
 * PHP 8.4 counts internal functions' handles apart), the count is 0 from this extension's post-deactivate
 * hook (after the request's executor and compiler have shut down) to its next RINIT, which makes the next
 * zend_activate() skip that work. Whatever compiles before this extension's RINIT (another extension's
 * RINIT running PHP code) passes the compile wrappers, which restore the count first, so every op_array
 * keeps its slot. */
# define OPA_LEAN_ACTIVATE 1
static bool lean_activate;

static zend_always_inline void lean_activate_restore(void)
{
	if (UNEXPECTED(lean_activate) && zend_op_array_extension_handles == 0) zend_op_array_extension_handles = fn_slot + 1;
}
#else
static zend_always_inline void lean_activate_restore(void) {}
#endif

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

/* The integration layer's end of a hooked internal call (opa_calltree_on_internal_end) */
static opa_internal_end_fn internal_end;

static zend_always_inline opa_frame *push_frame(opa_request *req, zend_execute_data *ex, uint8_t hook, bool aggregate)
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
	refresh_cpu(req, now);
	f->cpu_reading_ns = req->cpu_cache_ns;
	f->cpu_reading_at = req->cpu_cache_at;
	f->mem_start = zend_memory_usage(0);
	f->rec_head = f->rec_tail = -1;
	f->file_ops = 0;
	f->file_bytes = f->file_ns = 0;
	f->hook = hook;
	f->keep = false;
	f->kept_child = false;
	f->aggregate = aggregate;
	return f;
}

/* f->ex is only read for internal calls (their frame is still live when they end); a user call in
 * execute_ex mode ends after the engine has freed its frame. */
static void describe(opa_node *n, opa_frame *f)
{
	zend_function *fn = f->func;
	zend_execute_data *ex = f->ex;
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
	refresh_cpu(req, now_t);
	uint64_t cpu = cpu_at(req->cpu_cache_ns, req->cpu_cache_at, now_t);
	uint64_t cpu_start = cpu_at(f->cpu_reading_ns, f->cpu_reading_at, f->start_t);
	n->call_id = f->call_id;
	n->parent_id = depth > 0 ? req->frames[depth - 1].call_id : 0;
	describe(n, f);
	n->depth = depth;
	n->start_ns = f->start_ns;
	n->dur_ns = now - f->start_ns;
	n->cpu_ns = cpu > cpu_start ? cpu - cpu_start : 0;
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
		if (internal_end) internal_end(req, f, f->ex, f->hook, retval, now);
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
static void fn_table_clear(void)
{
	for (uint32_t i = 0; i < fn_table.len; i++) {
		zend_string_release_ex(fn_table.entries[i].file, 1);
		zend_string_release_ex(fn_table.entries[i].name, 1);
	}
	fn_table.len = 0;
	if (fn_table.index) memset(fn_table.index, 0, sizeof(uint32_t) * OPA_FN_INDEX_SIZE);
}

static zend_always_inline void fn_stat_reset(opa_fn_stat *e)
{
	e->state = 0;
	e->slow_seen = e->pruned = false;
}

/* The run-time cache slot of an elided function */
static zend_always_inline uintptr_t elided_slot(opa_fn_stat *e)
{
	return (uintptr_t) e | OPA_FN_SLOT_ELIDED | (e->pruned ? OPA_FN_SLOT_PRUNED : 0);
}

/* The process-wide entry of a user function, cached in its run-time cache slot. Run once per function
 * and request. An elision older than opa.hot_function_recheck recorded requests ends here: the function
 * is timed again and must prove again that it is tiny, so one that turned slow shows up as nodes again. */
static zend_never_inline opa_fn_stat *fn_stat_lookup(opa_request *req, zend_function *fn)
{
	opa_fn_stat *e = &fn_never;
	zend_string *file = fn->op_array.filename, *name = fn->common.function_name;
	if (!name || !file || (fn->common.fn_flags & (ZEND_ACC_CLOSURE | ZEND_ACC_FAKE_CLOSURE | ZEND_ACC_GENERATOR))) goto done;
	if (UNEXPECTED(!fn_table.index)) {
		fn_table.index = calloc(OPA_FN_INDEX_SIZE, sizeof(uint32_t));
		fn_table.entries = malloc(sizeof(opa_fn_stat) * OPA_FN_TABLE_MAX);
		if (!fn_table.index || !fn_table.entries) {
			free(fn_table.index);
			free(fn_table.entries);
			fn_table.index = NULL;
			fn_table.entries = NULL;
			goto done;
		}
	}
	uint32_t line = fn->op_array.line_start;
	zend_ulong h = (zend_string_hash_val(file) * 33) ^ zend_string_hash_val(name) ^ ((zend_ulong) line * 0x9e3779b1u);
	uint32_t i = (uint32_t) h & (OPA_FN_INDEX_SIZE - 1);
	for (uint32_t k; (k = fn_table.index[i]) != 0; i = (i + 1) & (OPA_FN_INDEX_SIZE - 1)) {
		opa_fn_stat *c = &fn_table.entries[k - 1];
		if (c->hash == h && c->line == line && zend_string_equals(c->name, name) && zend_string_equals(c->file, file)) {
			e = c;
			if (e->state == OPA_FN_ELIDED) {
				if (fn_table.seq - e->elided_at >= req->hot_recheck) fn_stat_reset(e);
				else {
					req->functions_elided++;
					OPA_FN_SLOT(fn) = elided_slot(e);
					return e;
				}
			} else if (e->state < OPA_FN_NEVER && (e->state >> OPA_FN_COUNT_BITS) >= (e->state & OPA_FN_COUNT_MASK) * req->tiny_units) {
				fn_stat_reset(e);
			}
			goto done;
		}
	}
	if (fn_table.len >= OPA_FN_TABLE_MAX) goto done;
	e = &fn_table.entries[fn_table.len++];
	fn_table.index[i] = fn_table.len;
	fn_stat_reset(e);
	e->elided_at = 0;
	e->line = line;
	e->hash = h;
	e->file = zend_string_init(ZSTR_VAL(file), ZSTR_LEN(file), 1);
	e->name = zend_string_init(ZSTR_VAL(name), ZSTR_LEN(name), 1);
done:
	OPA_FN_SLOT(fn) = (uintptr_t) e;
	return e;
}

static zend_always_inline opa_fn_stat *fn_stat(opa_request *req, zend_function *fn)
{
	uintptr_t s = OPA_FN_SLOT(fn);
	return EXPECTED(s) ? (opa_fn_stat *) (s & ~(OPA_FN_SLOT_ELIDED | OPA_FN_SLOT_PRUNED)) : fn_stat_lookup(req, fn);
}

/* RINIT of a recorded request */
static void fn_table_request_begin(opa_request *req)
{
	if (!req || !req->recording || !req->hot_limit) return;
	if (fn_table.limit != req->hot_limit || fn_table.threshold_ticks != req->threshold_ticks) {
		fn_table_clear();
		fn_table.limit = req->hot_limit;
		fn_table.threshold_ticks = req->threshold_ticks;
	}
	fn_table.seq++;
}

/* A user function whose calls are consistently short stops being timed: each timed call costs two
 * time-stamp reads (~10 ns each on a VM) plus the bookkeeping, and call-dense code (WordPress: ~150,000
 * user calls per page, 99% of them dropped) spends most of its recording time on such calls.
 * "Consistently short": at least opa.hot_function_limit calls, counted over the recorded requests of the
 * process (fn_stat_lookup()), none with I/O of its own, averaging under an eighth of the threshold, where
 * a call that was long or kept for a slow descendant counts as OPA_FN_SLOW_WEIGHT (32) thresholds: at
 * most about one call in 256 may be one, so few slow calls are lost as nodes. An elision lasts
 * opa.hot_function_recheck recorded requests of the process; the function is then timed again from zero
 * (a function that turned slow becomes nodes again). Elided calls are accounted in their caller, like any
 * dropped call. In execute_ex mode the function's calls pass straight through; in observer mode its
 * handlers are removed at the next begin of another function, never from inside the function's own
 * handler loop (which the engine is iterating) and never while a call of it is on the stack (its end
 * handler must pop that frame), and not installed at all in later requests. File top-level code,
 * closures (their zend_function is per object) and generators (suspended calls are not on the stack) are
 * never elided. */
static zend_always_inline void count_call(opa_request *req, zend_function *fn, uint64_t dur_t)
{
	opa_fn_stat *e = fn_stat(req, fn);
	uintptr_t n = e->state;
	if (n < OPA_FN_NEVER) {
		uintptr_t calls = (n & OPA_FN_COUNT_MASK) + 1;
		uintptr_t units = (n >> OPA_FN_COUNT_BITS) + (MIN(dur_t, OPA_FN_SLOW_WEIGHT * req->threshold_ticks) >> req->unit_shift);
		if (UNEXPECTED(calls == OPA_FN_COUNT_MASK)) {
			e->state = OPA_FN_NEVER; /* never consistently short: stop counting */
			return;
		}
		e->state = (units << OPA_FN_COUNT_BITS) | calls;
		if (UNEXPECTED(calls >= req->hot_limit) && units < calls * req->tiny_units) {
			e->state = OPA_FN_ELIDED;
			e->elided_at = fn_table.seq;
			e->pruned = !e->slow_seen && can_prune;
			if (call_hook == OPA_CALLS_EXECUTE_EX) {
				OPA_FN_SLOT(fn) = elided_slot(e);
				req->functions_elided++;
			} else {
				req->elide_fn = fn;
			}
		}
	} else if (n == OPA_FN_ELIDED && call_hook == OPA_CALLS_OBSERVER) {
		req->elide_fn = fn; /* still observed in this request (it was on the stack): retry the removal */
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
		if (req->hot_limit) count_call(req, f->func, dur_t);
#endif
		return;
	}
#ifdef OPA_CAN_ELIDE
	if (!f->hook && req->hot_limit) {
		if (f->rec_head >= 0 || f->file_ops) { /* I/O of its own */
			opa_fn_stat *e = fn_stat(req, f->func);
			e->state = OPA_FN_NEVER;
			OPA_FN_SLOT(f->func) = (uintptr_t) e;
		}
		else { /* long or kept for a descendant */
			fn_stat(req, f->func)->slow_seen = true;
			count_call(req, f->func, OPA_FN_SLOW_WEIGHT * req->threshold_ticks);
		}
	}
#endif
	finish_recorded(req, f, retval, now_t);
}

/* Ends the frame of ex (user or hooked internal call), if it has one. */
static zend_always_inline void end_call(opa_request *req, zend_execute_data *ex, zval *retval)
{
	if (req->depth + req->overflow_depth == 0) return;
	opa_frame *f = pop_frame(req, ex);
	if (f) finish_frame(req, f, retval);
}

/* ---------- execute_ex mode: a zend_execute_ex hook, installed for sampled requests only ---------- */

static void opa_execute_ex(zend_execute_data *ex);

#ifdef OPA_CAN_ELIDE
/* The function is only elided from now on: its callees are timed again. */
static void unprune_fn(opa_request *req, zend_function *fn)
{
	opa_fn_stat *e = fn_stat(req, fn);
	e->pruned = false;
	e->slow_seen = true;
	OPA_FN_SLOT(fn) &= ~OPA_FN_SLOT_PRUNED;
}

/* One call in OPA_PRUNE_PROBE of pruned functions is timed: a function whose calls turned long (so
 * something in its subtree may now be a node) stops being pruned. */
# define OPA_PRUNE_PROBE 16

/* A call of a pruned function: an elided function none of whose counted calls was long or kept (for a
 * slow descendant, I/O or a record), so nothing in its subtree was long enough to be a node. While it
 * runs the hook is removed: the engine runs its callees inline (ZEND_DO_FCALL checks zend_execute_ex at
 * every call) instead of the nested VM entry (~50 instructions) every call passed through the hook
 * pays; a WordPress page passes ~95,000 fewer calls through the hook. Nothing of the subtree is seen but
 * the hooked internal functions (SQL, HTTP, files, ...): they still write their records (on the nearest
 * timed ancestor) and end the pruning of the function (unprune()); so does a fiber switch inside the
 * subtree (opa_fiber_switch()) and a probed call (OPA_PRUNE_PROBE) that was long. After a bailout
 * (fatal error) RSHUTDOWN restores the engine's zend_execute_ex as always. */
static zend_never_inline void execute_pruned(opa_request *req, zend_execute_data *ex)
{
	zend_function *fn = ex->func;
	uint64_t start = ++req->pruned_calls % OPA_PRUNE_PROBE ? 0 : opa_ticks();
	req->pruned_fn = fn;
	zend_execute_ex = prev_execute_ex;
	prev_execute_ex(ex);
	zend_execute_ex = opa_execute_ex;
	if (UNEXPECTED(start) && req->pruned_fn && opa_ticks() - start >= req->threshold_ticks) unprune_fn(req, fn);
	req->pruned_fn = NULL;
}

/* Something in the subtree of the pruned call in progress must be seen: the function stops being
 * pruned and the hook is back for the rest of this call. */
static zend_never_inline void unprune(opa_request *req)
{
	unprune_fn(req, req->pruned_fn);
	req->pruned_fn = NULL;
	zend_execute_ex = opa_execute_ex;
}

static void opa_fiber_switch(zend_fiber_context *from, zend_fiber_context *to)
{
	opa_request *req = OPA_G(req);
	if (req && req->pruned_fn) unprune(req);
}
#endif

/* A timed user call. Kept out of opa_execute_ex so that the calls passed straight through (unsampled
 * requests with the hook kept installed, elided functions: ~130,000 of ~150,000 per WordPress page) pay
 * a few tests and a tail call, not this function's register saves (~20 instructions less per call). */
static zend_never_inline void execute_timed(opa_request *req, zend_execute_data *ex)
{
	/* a closure's zend_function lives in the closure object, which the engine releases when the call
	 * returns: keep it until the node is written */
	zend_object *closure = (ZEND_CALL_INFO(ex) & ZEND_CALL_CLOSURE) ? ZEND_CLOSURE_OBJECT(ex->func) : NULL;
#ifdef OPA_CAN_ELIDE
	if (req->hot_limit && UNEXPECTED(!OPA_FN_SLOT(ex->func))
			&& fn_stat_lookup(req, ex->func)->state == OPA_FN_ELIDED) { /* elided in an earlier request */
		if (OPA_FN_SLOT(ex->func) & OPA_FN_SLOT_PRUNED) execute_pruned(req, ex);
		else prev_execute_ex(ex);
		return;
	}
#endif
	if (closure) GC_ADDREF(closure);
	push_frame(req, ex, 0, false);
	prev_execute_ex(ex);
	if (OPA_G(req) == req) end_call(req, ex, NULL);
	if (closure) OBJ_RELEASE(closure);
}

static void opa_execute_ex(zend_execute_data *ex)
{
	opa_request *req = OPA_G(req);
	if (EXPECTED(req && req->recording && !req->in_hook)
			&& EXPECTED(!(ex->func->common.fn_flags & ZEND_ACC_CALL_VIA_TRAMPOLINE))) { /* __call: seen next */
#ifdef OPA_CAN_ELIDE
		uintptr_t slot = OPA_FN_SLOT(ex->func);
		if (UNEXPECTED(slot & OPA_FN_SLOT_PRUNED)) {
			execute_pruned(req, ex);
			return;
		}
		if (!(slot & OPA_FN_SLOT_ELIDED))
#endif
		{
			execute_timed(req, ex);
			return;
		}
	}
	prev_execute_ex(ex);
}

/* Compiling with a non-default zend_execute_ex makes the compiler (and opcache's optimizer, which runs
 * inside opcache's compile_file) emit ZEND_DO_FCALL / ZEND_DO_FCALL_BY_NAME, which call zend_execute_ex
 * when it is not the engine's own, instead of ZEND_DO_UCALL, which never does (zend_get_call_op()). So
 * every script, cached by opcache or not, can be seen by the hook when a request is sampled, and runs the
 * engine's inline call path (one pointer compare more per call) when it is not. */
static zend_op_array *opa_compile_file(zend_file_handle *fh, int type)
{
	lean_activate_restore();
	if (zend_execute_ex != execute_ex) return prev_compile_file(fh, type); /* a hook is visible already */
	zend_execute_ex = opa_execute_ex;
	zend_op_array *op_array = prev_compile_file(fh, type);
	zend_execute_ex = execute_ex; /* after a bailout (fatal error), RSHUTDOWN restores it */
	return op_array;
}

#if PHP_VERSION_ID >= 80200
static zend_op_array *opa_compile_string(zend_string *source, const char *filename, zend_compile_position position)
#else
static zend_op_array *opa_compile_string(zend_string *source, const char *filename)
#endif
{
	lean_activate_restore();
#if PHP_VERSION_ID >= 80200
# define OPA_COMPILE_STRING() prev_compile_string(source, filename, position)
#else
# define OPA_COMPILE_STRING() prev_compile_string(source, filename)
#endif
	if (zend_execute_ex != execute_ex) return OPA_COMPILE_STRING();
	zend_execute_ex = opa_execute_ex;
	zend_op_array *op_array = OPA_COMPILE_STRING();
	zend_execute_ex = execute_ex;
	return op_array;
#undef OPA_COMPILE_STRING
}

/* ---------- observer mode (JIT, ZTS, opa.call_hook=observer) ---------- */

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
	push_frame(req, ex, 0, false);
}

static void observer_end(zend_execute_data *ex, zval *retval)
{
	opa_request *req = OPA_G(req);
	if (UNEXPECTED(!req) || req->in_hook) return;
	end_call(req, ex, retval);
}

static zend_observer_fcall_handlers observer_init(zend_execute_data *ex)
{
	zend_observer_fcall_handlers none = {NULL, NULL};
	opa_request *req = OPA_G(req);
	if (!req || !req->recording || !ZEND_USER_CODE(ex->func->type)) return none;
#ifdef OPA_CAN_ELIDE
	if (req->hot_limit && fn_stat(req, ex->func)->state == OPA_FN_ELIDED) return none; /* elided in an earlier request */
#endif
	return (zend_observer_fcall_handlers) {observer_begin, observer_end};
}

/* ---------- hooked internal functions (hooks.c replaces their handlers) ---------- */

void opa_calltree_on_internal_end(opa_internal_end_fn fn)
{
	internal_end = fn;
}

void opa_calltree_internal_begin(opa_request *req, zend_execute_data *ex, uint8_t hook, bool aggregate)
{
#ifdef OPA_CAN_ELIDE
	if (UNEXPECTED(req->pruned_fn)) unprune(req);
#endif
	push_frame(req, ex, hook, aggregate);
}

void opa_calltree_internal_end(opa_request *req, zend_execute_data *ex, zval *retval)
{
	end_call(req, ex, retval);
}

/* ---------- mode selection ---------- */

/* Whether opcache will run the JIT in this process: opcache.enable(_cli), a JIT buffer and opcache.jit not
 * off. Read from the configuration at MINIT (opcache registers its INI entries after extensions start). */
static bool jit_configured(void)
{
	bool cli = strcmp(sapi_module.name, "cli") == 0 || strcmp(sapi_module.name, "phpdbg") == 0;
	zval *enable = cfg_get_entry(cli ? "opcache.enable_cli" : "opcache.enable", cli ? sizeof("opcache.enable_cli") - 1 : sizeof("opcache.enable") - 1);
	if (enable ? !zend_ini_parse_bool(Z_STR_P(enable)) : cli) return false;
	zval *size = cfg_get_entry("opcache.jit_buffer_size", sizeof("opcache.jit_buffer_size") - 1);
#if PHP_VERSION_ID >= 80400
	const char *jit_default = "disable"; /* and a 64M buffer */
#else
	const char *jit_default = "tracing"; /* and no buffer */
	if (!size) return false;
#endif
	if (size && strtoll(Z_STRVAL_P(size), NULL, 10) <= 0) return false;
	zval *jit = cfg_get_entry("opcache.jit", sizeof("opcache.jit") - 1);
	const char *mode = jit ? Z_STRVAL_P(jit) : jit_default;
	return !(strcasecmp(mode, "disable") == 0 || strcasecmp(mode, "off") == 0 || strcmp(mode, "0") == 0
		|| strcmp(mode, "") == 0 || strcasecmp(mode, "false") == 0 || strcasecmp(mode, "no") == 0);
}

void opa_calltree_register(void)
{
#if PHP_VERSION_ID >= 80400
	closure_name = zend_string_init_interned("{closure}", sizeof("{closure}") - 1, 1);
#endif
#ifdef OPA_CAN_ELIDE
	fn_slot = zend_get_op_array_extension_handle(PHP_OPA_EXTNAME);
#endif
	const char *want = OPA_G(call_hook) ? OPA_G(call_hook) : "auto";
	bool execute_ex;
	if (strcmp(want, "observer") == 0) {
		execute_ex = false;
	} else if (strcmp(want, "execute_ex") == 0) {
		execute_ex = true;
	} else {
		execute_ex = !jit_configured();
	}
#ifdef ZTS
	/* zend_execute_ex is one pointer for all threads: it cannot be swapped per request */
	execute_ex = false;
#endif
#ifndef OPA_CAN_ELIDE
	execute_ex = false; /* PHP 8.1: no op_array extension slot for the per-function state */
#endif
	if (execute_ex) {
		/* installed from startup until the first request (opa_calltree_request_begin): preloading and
		 * anything compiled before then get the calls the hook can see, and opcache's system id (hence
		 * its file cache) tells these scripts from those of a PHP without the hook */
		call_hook = OPA_CALLS_EXECUTE_EX;
		prev_execute_ex = zend_execute_ex;
		zend_execute_ex = opa_execute_ex;
#ifdef OPA_CAN_ELIDE
		zend_observer_fiber_switch_register(opa_fiber_switch);
#endif
	} else {
		call_hook = OPA_CALLS_OBSERVER;
		zend_observer_fcall_register(observer_init);
	}
}

void opa_calltree_unregister(void)
{
	lean_activate_restore();
#ifdef OPA_CAN_ELIDE
	fn_table_clear();
	free(fn_table.index);
	free(fn_table.entries);
	fn_table.index = NULL;
	fn_table.entries = NULL;
#endif
	if (call_hook != OPA_CALLS_EXECUTE_EX) return;
	if (zend_execute_ex == opa_execute_ex) zend_execute_ex = prev_execute_ex;
	if (compile_wrapped) {
		if (zend_compile_file == opa_compile_file) zend_compile_file = prev_compile_file;
		if (zend_compile_string == opa_compile_string) zend_compile_string = prev_compile_string;
	}
}

opa_call_hook opa_calltree_mode(void)
{
	return call_hook;
}

/* RINIT, after the sampling decision. The first request of the process wraps the compiler: by then
 * opcache has installed its own compile_file (in its post-startup, which runs after every extension's). */
void opa_calltree_request_begin(opa_request *req)
{
#ifdef OPA_CAN_ELIDE
	fn_table_request_begin(req);
#endif
	if (call_hook != OPA_CALLS_EXECUTE_EX) return;
	if (UNEXPECTED(!compile_wrapped)) {
		compile_wrapped = true;
		prev_compile_file = zend_compile_file;
		zend_compile_file = opa_compile_file;
		prev_compile_string = zend_compile_string;
		zend_compile_string = opa_compile_string;
		/* another extension that hooked zend_execute_ex after us calls ours as its previous one: ours
		 * then stays installed (it passes calls through when the request is not recorded) */
		swap_per_request = zend_execute_ex == opa_execute_ex;
		can_prune = swap_per_request;
#ifdef OPA_LEAN_ACTIVATE
		lean_activate = fn_slot == 0 && zend_op_array_extension_handles == 1;
#endif
	}
	lean_activate_restore();
	if (swap_per_request) zend_execute_ex = req && req->recording ? opa_execute_ex : prev_execute_ex;
}

/* RSHUTDOWN: the next request starts with the engine's inline call path. */
void opa_calltree_request_end(void)
{
	if (call_hook == OPA_CALLS_EXECUTE_EX && swap_per_request) zend_execute_ex = prev_execute_ex;
}

void opa_calltree_post_deactivate(void)
{
#ifdef OPA_LEAN_ACTIVATE
	/* after the executor and compiler of the request are shut down: nothing compiles until the next
	 * zend_activate(), which then skips the internal run-time cache set-up; RINIT restores the count */
	if (lean_activate) zend_op_array_extension_handles = 0;
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
