/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 3a5cdf6bd39a4c0e711e1519fc4227b3645855f6 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_enable, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

#define arginfo_opa_disable arginfo_opa_enable

#define arginfo_opa_is_enabled arginfo_opa_enable

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_start_span, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, tags, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_end_span, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, id, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_add_tag, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_MASK(0, value, MAY_BE_STRING|MAY_BE_LONG|MAY_BE_DOUBLE|MAY_BE_BOOL|MAY_BE_NULL, NULL)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, spanId, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_set_parent, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, parent, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_track_error, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_OBJ_TYPE_MASK(0, error, Throwable, MAY_BE_STRING, NULL)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, tags, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_dump, 0, 0, IS_VOID, 0)
	ZEND_ARG_VARIADIC_TYPE_INFO(0, values, IS_MIXED, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_trace_id, 0, 0, IS_STRING, 1)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_opa_stats, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()


ZEND_FUNCTION(opa_enable);
ZEND_FUNCTION(opa_disable);
ZEND_FUNCTION(opa_is_enabled);
ZEND_FUNCTION(opa_start_span);
ZEND_FUNCTION(opa_end_span);
ZEND_FUNCTION(opa_add_tag);
ZEND_FUNCTION(opa_set_parent);
ZEND_FUNCTION(opa_track_error);
ZEND_FUNCTION(opa_dump);
ZEND_FUNCTION(opa_trace_id);
ZEND_FUNCTION(opa_stats);


static const zend_function_entry ext_functions[] = {
	ZEND_FE(opa_enable, arginfo_opa_enable)
	ZEND_FE(opa_disable, arginfo_opa_disable)
	ZEND_FE(opa_is_enabled, arginfo_opa_is_enabled)
	ZEND_FE(opa_start_span, arginfo_opa_start_span)
	ZEND_FE(opa_end_span, arginfo_opa_end_span)
	ZEND_FE(opa_add_tag, arginfo_opa_add_tag)
	ZEND_FE(opa_set_parent, arginfo_opa_set_parent)
	ZEND_FE(opa_track_error, arginfo_opa_track_error)
	ZEND_FE(opa_dump, arginfo_opa_dump)
	ZEND_FE(opa_trace_id, arginfo_opa_trace_id)
	ZEND_FE(opa_stats, arginfo_opa_stats)
	ZEND_FE_END
};
