#include "redact.h"
#include "json.h"
#include "../php_opa.h"

static inline bool is_ident(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static size_t redact_sql(const char *in, size_t len, char *out)
{
	size_t o = 0, i = 0;
	while (i < len) {
		unsigned char c = (unsigned char) in[i];
		if (c == '\'') {
			i++;
			while (i < len) {
				if (in[i] == '\\' && i + 1 < len) { i += 2; continue; }
				if (in[i] == '\'') {
					if (i + 1 < len && in[i + 1] == '\'') { i += 2; continue; }
					break;
				}
				i++;
			}
			i++; /* closing quote */
			out[o++] = '?';
			continue;
		}
		if (c == '"' || c == '`') { /* quoted identifiers are kept */
			size_t j = i + 1;
			while (j < len && in[j] != (char) c) j++;
			if (j < len) j++;
			memcpy(out + o, in + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		if (isdigit(c) && (i == 0 || (!is_ident((unsigned char) in[i - 1]) && in[i - 1] != '.'))) {
			size_t j = i;
			if (c == '0' && j + 1 < len && (in[j + 1] == 'x' || in[j + 1] == 'X')) {
				j += 2;
				while (j < len && isxdigit((unsigned char) in[j])) j++;
			} else {
				while (j < len && (isdigit((unsigned char) in[j]) || in[j] == '.')) j++;
				if (j < len && (in[j] == 'e' || in[j] == 'E')) {
					j++;
					if (j < len && (in[j] == '+' || in[j] == '-')) j++;
					while (j < len && isdigit((unsigned char) in[j])) j++;
				}
			}
			if (j < len && is_ident((unsigned char) in[j])) { /* e.g. 3rd: not a number */
				memcpy(out + o, in + i, j - i);
				o += j - i;
			} else {
				out[o++] = '?';
			}
			i = j;
			continue;
		}
		if (is_ident(c)) { /* copy whole identifiers so digits inside them stay */
			size_t j = i;
			while (j < len && is_ident((unsigned char) in[j])) j++;
			memcpy(out + o, in + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		out[o++] = (char) c;
		i++;
	}
	return o;
}

void opa_json_sql(smart_str *b, const char *sql, size_t len)
{
	if (!OPA_G(redact_sql)) {
		opa_json_str(b, sql, len);
		return;
	}
	zend_long max = OPA_G(max_string_length);
	if (max > 0 && len > (size_t) max * 2) {
		len = (size_t) max * 2; /* only what can be sent is redacted; a literal cut here still becomes ? */
	}
	char *tmp = malloc(len + 1);
	if (!tmp) {
		opa_json_str(b, "", 0);
		return;
	}
	size_t n = redact_sql(sql, len, tmp);
	opa_json_str(b, tmp, n);
	free(tmp);
}

static inline char fold(char c)
{
	c = (char) tolower((unsigned char) c);
	return c == '-' ? '_' : c;
}

static bool contains_folded(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || nlen > hlen) return false;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 0;
		while (k < nlen && fold(hay[i + k]) == fold(needle[k])) k++;
		if (k == nlen) return true;
	}
	return false;
}

bool opa_is_sensitive(const char *name, size_t len)
{
	const char *keys = OPA_G(redact_keys);
	if (!keys) return false;
	while (*keys) {
		while (*keys == ',' || *keys == ' ') keys++;
		const char *end = keys;
		while (*end && *end != ',') end++;
		size_t klen = (size_t) (end - keys);
		while (klen && keys[klen - 1] == ' ') klen--;
		if (contains_folded(name, len, keys, klen)) return true;
		keys = end;
	}
	return false;
}

void opa_json_url(smart_str *b, const char *url, size_t len)
{
	smart_str t = {0};
	size_t i = 0;
	/* scheme://user:password@host -> scheme://user:***@host */
	const char *scheme_end = zend_memnstr(url, "://", 3, url + len);
	if (scheme_end) {
		size_t auth_start = (size_t) (scheme_end - url) + 3;
		size_t j = auth_start;
		while (j < len && url[j] != '/' && url[j] != '?' && url[j] != '#' && url[j] != '@') j++;
		if (j < len && url[j] == '@') {
			const char *colon = memchr(url + auth_start, ':', j - auth_start);
			if (colon) {
				smart_str_appendl_ex(&t, url, (size_t) (colon - url) + 1, OPA_P);
				smart_str_appendl_ex(&t, OPA_MASK, strlen(OPA_MASK), OPA_P);
				i = j;
			}
		}
	}
	const char *q = memchr(url + i, '?', len - i);
	size_t qpos = q ? (size_t) (q - url) : len;
	smart_str_appendl_ex(&t, url + i, qpos - i, OPA_P);
	i = qpos;
	while (i < len) {
		char c = url[i];
		smart_str_appendc_ex(&t, c, OPA_P); /* '?' or '&' */
		i++;
		if (c == '#') { smart_str_appendl_ex(&t, url + i, len - i, OPA_P); break; }
		size_t k = i;
		while (k < len && url[k] != '=' && url[k] != '&' && url[k] != '#') k++;
		smart_str_appendl_ex(&t, url + i, k - i, OPA_P);
		bool secret = opa_is_sensitive(url + i, k - i);
		i = k;
		if (i < len && url[i] == '=') {
			smart_str_appendc_ex(&t, '=', OPA_P);
			i++;
			size_t v = i;
			while (v < len && url[v] != '&' && url[v] != '#') v++;
			if (secret) smart_str_appendl_ex(&t, OPA_MASK, strlen(OPA_MASK), OPA_P);
			else smart_str_appendl_ex(&t, url + i, v - i, OPA_P);
			i = v;
		}
	}
	if (t.s) {
		opa_json_str(b, ZSTR_VAL(t.s), ZSTR_LEN(t.s));
		smart_str_free_ex(&t, OPA_P);
	} else {
		opa_json_str(b, "", 0);
	}
}
