/* File I/O: aggregated on the caller, a record for each slow call. */
#include "hook_util.h"
#include "hooks.h"
#include "calltree.h"
#include "json.h"
#include "redact.h"
#include "../php_opa.h"
#include "ext/standard/file.h"

static php_stream *stream_of(zval *v)
{
	if (!v || Z_TYPE_P(v) != IS_RESOURCE) return NULL;
	zend_resource *res = Z_RES_P(v);
	if (res->type != php_file_le_stream() && res->type != php_file_le_pstream()) return NULL;
	return (php_stream *) res->ptr;
}

void opa_file_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	const char *op = "fopen";
	const char *path = NULL;
	size_t path_len = 0;
	uint64_t bytes = 0;
	zval *p = NULL;
	php_stream *stream = NULL;
	switch (hook) {
		case OPA_HOOK_FILE_OPEN: op = "fopen"; p = opa_str_arg(ex, 0); break;
		case OPA_HOOK_FILE_GET_CONTENTS:
			op = "file_get_contents";
			p = opa_str_arg(ex, 0);
			if (retval && Z_TYPE_P(retval) == IS_STRING) bytes = Z_STRLEN_P(retval);
			break;
		case OPA_HOOK_FILE_PUT_CONTENTS:
			op = "file_put_contents";
			p = opa_str_arg(ex, 0);
			if (retval && Z_TYPE_P(retval) == IS_LONG) bytes = (uint64_t) Z_LVAL_P(retval);
			break;
		case OPA_HOOK_FILE_READ:
			op = "fread";
			stream = stream_of(opa_arg(ex, 0));
			if (retval && Z_TYPE_P(retval) == IS_STRING) bytes = Z_STRLEN_P(retval);
			break;
		case OPA_HOOK_FILE_WRITE:
			op = "fwrite";
			stream = stream_of(opa_arg(ex, 0));
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
	opa_rec_timing(req, &first, f->start_ns, dur);
	opa_json_c(b, '}');
	opa_record_end(req, owner, OPA_REC_FILE, off);
}
