/* Logs: each error_log() message of the request becomes a log event (level guessed from the message). */
#include "hook_util.h"
#include "serialize.h"
#include "json.h"
#include "clock.h"
#include "../php_opa.h"

/* at most this many logs per request are sent (the rest counted): a noisy request must not become a slow one */
static const uint32_t max_logs = 1000;

static const char *log_level(const char *msg, size_t len)
{
	static const struct { const char *word; const char *level; } levels[] = {
		{"EMERGENCY", "CRITICAL"}, {"ALERT", "CRITICAL"}, {"CRITICAL", "CRITICAL"}, {"ERROR", "ERROR"},
		{"WARNING", "WARNING"}, {"NOTICE", "INFO"}, {"INFO", "INFO"}, {"DEBUG", "DEBUG"},
	};
	/* Monolog's line format "channel.LEVEL: message" and the common "[LEVEL]" prefix */
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		size_t n = strlen(levels[i].word);
		const char *p = msg, *end = msg + len;
		while ((p = zend_memnstr(p, levels[i].word, n, end)) != NULL) {
			char before = p > msg ? p[-1] : ' ';
			char after = p + n < end ? p[n] : ' ';
			if ((before == '.' || before == '[' || before == ' ') && (after == ':' || after == ']')) return levels[i].level;
			p += n;
		}
	}
	return "ERROR"; /* error_log() is PHP's error channel */
}

void opa_log_from_error_log(opa_request *req, zend_execute_data *ex)
{
	if (ZEND_CALL_NUM_ARGS(ex) < 1) return;
	zval *msg = ZEND_CALL_ARG(ex, 1);
	ZVAL_DEREF(msg);
	if (Z_TYPE_P(msg) != IS_STRING) return;
	if (req->logs_sent >= max_logs) {
		req->logs_dropped++;
		return;
	}
	req->logs_sent++;
	smart_str *b = &req->out;
	bool first = opa_msg_begin(req, b, "log");
	opa_msg_org_project(b, &first); /* the tenant, like spans and errors (protocol §3.3) */
	opa_json_key(b, "level", &first);
	opa_json_cstr(b, log_level(Z_STRVAL_P(msg), Z_STRLEN_P(msg)));
	opa_json_key(b, "message", &first);
	opa_json_zstr(b, Z_STR_P(msg));
	opa_json_key(b, "timestamp_ms", &first);
	opa_json_double(b, opa_epoch_ms());
	opa_json_key(b, "fields", &first);
	bool ff = true;
	opa_json_c(b, '{');
	opa_json_key(b, "source", &ff);
	opa_json_cstr(b, "error_log");
	zend_execute_data *caller = ex->prev_execute_data;
	if (caller && caller->func && ZEND_USER_CODE(caller->func->type)) {
		opa_json_key(b, "file", &ff);
		opa_json_zstr(b, caller->func->op_array.filename);
		opa_json_key(b, "line", &ff);
		char ln[16];
		snprintf(ln, sizeof(ln), "%u", caller->opline ? caller->opline->lineno : 0);
		opa_json_cstr(b, ln);
	}
	opa_json_c(b, '}');
	opa_msg_end(req, b);
}
