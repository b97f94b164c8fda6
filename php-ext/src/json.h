/* Minimal JSON writer over persistent smart_str buffers. Every string goes through opa_json_str,
 * which always yields valid JSON: invalid UTF-8 becomes U+FFFD, control characters are escaped,
 * and strings are cut at opa.max_string_length bytes. */
#ifndef OPA_JSON_H
#define OPA_JSON_H

#include "php.h"
#include "zend_smart_str.h"

#define OPA_P 1 /* all extension buffers are persistent */

void opa_json_str(smart_str *b, const char *s, size_t len);
void opa_json_zstr(smart_str *b, const zend_string *s); /* NULL => null */
void opa_json_cstr(smart_str *b, const char *s);        /* NULL => null */
void opa_json_double(smart_str *b, double v);
void opa_json_ms(smart_str *b, uint64_t ns);            /* nanoseconds as milliseconds */
void opa_json_hex_or_null(smart_str *b, const char *hex);

static inline void opa_json_raw(smart_str *b, const char *s, size_t len) { smart_str_appendl_ex(b, s, len, OPA_P); }
static inline void opa_json_c(smart_str *b, char c) { smart_str_appendc_ex(b, c, OPA_P); }
static inline void opa_json_long(smart_str *b, zend_long v) { smart_str_append_long_ex(b, v, OPA_P); }

/* ,"key": (the comma only when first is false; first is then cleared) */
static inline void opa_json_key(smart_str *b, const char *key, bool *first)
{
	size_t len = strlen(key); /* a constant for literal keys once inlined */
	bool comma = first && !*first;
	if (first) *first = false;
	char *p = smart_str_extend_ex(b, len + 3 + comma, OPA_P); /* one capacity check, not four */
	if (comma) *p++ = ',';
	*p++ = '"';
	memcpy(p, key, len);
	p[len] = '"';
	p[len + 1] = ':';
}

/* Writes a zval as a JSON string value (scalars converted, other types described). */
void opa_json_zval_as_str(smart_str *b, zval *v);

#endif
