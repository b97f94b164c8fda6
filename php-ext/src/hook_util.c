/* Helpers shared by the integrations: arguments of the observed call, quiet calls into PHP, records. */
#include "hook_util.h"
#include "calltree.h"
#include "json.h"
#include "../php_opa.h"
#include "zend_exceptions.h"

zval *opa_arg(zend_execute_data *ex, uint32_t n)
{
	if (n >= ZEND_CALL_NUM_ARGS(ex)) return NULL;
	zval *v = ZEND_CALL_ARG(ex, n + 1);
	ZVAL_DEREF(v);
	return v;
}

zval *opa_this(zend_execute_data *ex)
{
	return Z_TYPE(ex->This) == IS_OBJECT ? &ex->This : NULL;
}

zval *opa_str_arg(zend_execute_data *ex, uint32_t n)
{
	zval *v = opa_arg(ex, n);
	return v && Z_TYPE_P(v) == IS_STRING ? v : NULL;
}

/* Calls a PHP function on behalf of the extension, invisibly: no recording, no exception left behind. */
bool opa_call_quietly(opa_request *req, const char *name, zval *ret, uint32_t argc, zval *argv)
{
	if (EG(exception)) return false;
	zval fn;
	ZVAL_STRING(&fn, name);
	req->in_hook = true;
	zend_result r = call_user_function(NULL, NULL, &fn, ret, argc, argv);
	req->in_hook = false;
	zval_ptr_dtor(&fn);
	if (EG(exception)) {
		zend_clear_exception();
		zval_ptr_dtor(ret);
		ZVAL_UNDEF(ret);
		return false;
	}
	return r == SUCCESS;
}

zend_long opa_read_long_prop(opa_request *req, zval *obj, const char *name, zend_long fallback)
{
	if (!obj || Z_TYPE_P(obj) != IS_OBJECT || EG(exception)) return fallback;
	zval rv, *v;
	req->in_hook = true;
	v = zend_read_property(Z_OBJCE_P(obj), Z_OBJ_P(obj), name, strlen(name), 1, &rv);
	req->in_hook = false;
	zend_long out = fallback;
	if (EG(exception)) zend_clear_exception();
	else if (v && Z_TYPE_P(v) == IS_LONG) out = Z_LVAL_P(v);
	if (v == &rv) zval_ptr_dtor(&rv);
	return out;
}

void opa_rec_timing(opa_request *req, bool *first, uint64_t start_ns, uint64_t dur_ns)
{
	smart_str *b = &req->rec_buf;
	opa_json_key(b, "duration_ms", first);
	opa_json_ms(b, dur_ns);
	opa_json_key(b, "start_ts", first);
	opa_json_double(b, opa_req_epoch_ms(req, start_ns));
}

bool opa_call_failed(zval *retval)
{
	return EG(exception) || !retval || Z_TYPE_P(retval) == IS_FALSE;
}
