/* Redaction: SQL literals, sensitive names (tags, headers, query parameters), URL credentials. */
#ifndef OPA_REDACT_H
#define OPA_REDACT_H

#include "php.h"

#define OPA_MASK "***"

/* Writes sql with string and numeric literals replaced by ? as a JSON string (when opa.redact_sql). */
void opa_json_sql(smart_str *b, const char *sql, size_t len);
/* True when name contains one of opa.redact_keys (case-insensitive, '-' and '_' equal). */
bool opa_is_sensitive(const char *name, size_t len);
/* Writes url as a JSON string with sensitive query values and the userinfo password masked. */
void opa_json_url(smart_str *b, const char *url, size_t len);

#endif
