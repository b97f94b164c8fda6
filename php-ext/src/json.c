#include "json.h"
#include "../php_opa.h"
#include <math.h>
#ifdef __SSE2__
# include <emmintrin.h>
#endif

static const char hexd[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t cp;
	if (c < 0x80) return 1;
	if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
	else return 0;
	if (avail < n) return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
		return 0;
	}
	return n;
}

/* Length of the leading run of p that JSON carries as it is: printable ASCII other than '"' and '\\'.
 * Sixteen bytes per step with SSE2 (a node's file, function and class names are one run each: this scan
 * was most of a full-capture request's serialisation). */
static zend_always_inline size_t plain_run(const unsigned char *p, size_t len)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
	for (; i + 16 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *) (p + i));
		/* signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches them */
		__m128i special = _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
		int mask = _mm_movemask_epi8(special);
		if (mask) return i + (size_t) __builtin_ctz((unsigned) mask);
	}
#endif
	while (i < len && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\' && p[i] < 0x80) i++;
	return i;
}

void opa_json_str(smart_str *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	zend_long max = OPA_G(max_string_length);
	bool cut = false;
	if (max > 0 && len > (size_t) max) {
		len = (size_t) max;
		cut = true;
	}
	opa_json_c(b, '"');
	size_t i = 0;
	while (i < len) {
		size_t run = plain_run(p + i, len - i);
		if (run) {
			opa_json_raw(b, s + i, run);
			i += run;
			if (i == len) break;
		}
		unsigned char c = p[i];
		if (c < 0x80) {
			switch (c) {
				case '"': opa_json_raw(b, "\\\"", 2); break;
				case '\\': opa_json_raw(b, "\\\\", 2); break;
				case '\n': opa_json_raw(b, "\\n", 2); break;
				case '\r': opa_json_raw(b, "\\r", 2); break;
				case '\t': opa_json_raw(b, "\\t", 2); break;
				default: {
					char esc[6] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15]};
					opa_json_raw(b, esc, 6);
				}
			}
			i++;
			continue;
		}
		size_t n = utf8_seq_len(p + i, len - i);
		if (n == 0) {
			opa_json_raw(b, "\\ufffd", 6);
			i++;
		} else {
			opa_json_raw(b, s + i, n);
			i += n;
		}
	}
	if (cut) opa_json_raw(b, "...", 3);
	opa_json_c(b, '"');
}

void opa_json_zstr(smart_str *b, const zend_string *s)
{
	if (!s) { opa_json_raw(b, "null", 4); return; }
	opa_json_str(b, ZSTR_VAL(s), ZSTR_LEN(s));
}

void opa_json_cstr(smart_str *b, const char *s)
{
	if (!s) { opa_json_raw(b, "null", 4); return; }
	opa_json_str(b, s, strlen(s));
}

/* Numbers are written with integer arithmetic: snprintf("%f") showed up in profiles. */
static void write_fixed(smart_str *b, uint64_t whole, uint64_t frac, int digits, bool negative)
{
	char tmp[48];
	char *p = tmp + sizeof(tmp);
	for (int i = 0; i < digits; i++) {
		*--p = (char) ('0' + frac % 10);
		frac /= 10;
	}
	*--p = '.';
	do {
		*--p = (char) ('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (negative) *--p = '-';
	opa_json_raw(b, p, (size_t) (tmp + sizeof(tmp) - p));
}

void opa_json_double(smart_str *b, double v)
{
	if (!zend_finite(v) || fabs(v) >= 9e15) v = 0;
	bool negative = v < 0;
	uint64_t thousandths = (uint64_t) llround(fabs(v) * 1000.0);
	write_fixed(b, thousandths / 1000, thousandths % 1000, 3, negative && thousandths);
}

void opa_json_ms(smart_str *b, uint64_t ns)
{
	write_fixed(b, ns / 1000000, ns % 1000000, 6, false);
}

void opa_json_hex_or_null(smart_str *b, const char *hex)
{
	if (!hex || !hex[0]) { opa_json_raw(b, "null", 4); return; }
	opa_json_c(b, '"');
	opa_json_raw(b, hex, strlen(hex));
	opa_json_c(b, '"');
}

void opa_json_zval_as_str(smart_str *b, zval *v)
{
	ZVAL_DEREF(v);
	switch (Z_TYPE_P(v)) {
		case IS_STRING: opa_json_zstr(b, Z_STR_P(v)); return;
		case IS_NULL: opa_json_raw(b, "\"\"", 2); return;
		case IS_ARRAY: opa_json_raw(b, "\"[array]\"", 9); return;
		case IS_OBJECT: {
			opa_json_c(b, '"');
			opa_json_raw(b, "[object ", 8);
			opa_json_raw(b, ZSTR_VAL(Z_OBJCE_P(v)->name), ZSTR_LEN(Z_OBJCE_P(v)->name));
			opa_json_raw(b, "]\"", 2);
			return;
		}
		default: {
			zend_string *s = zval_get_string_func(v);
			opa_json_zstr(b, s);
			zend_string_release(s);
		}
	}
}
