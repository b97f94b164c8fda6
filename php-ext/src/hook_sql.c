/* SQL: PDO (query, exec, PDOStatement::execute) and mysqli (every query form, prepared statements). */
#include "hook_util.h"
#include "hooks.h"
#include "calltree.h"
#include "json.h"
#include "redact.h"
#include "../php_opa.h"
#include "ext/pdo/php_pdo_driver.h"

static const char *db_system_of_pdo(pdo_dbh_t *dbh)
{
	if (!dbh || !dbh->driver) return "unknown";
	const char *d = dbh->driver->driver_name;
	if (strcmp(d, "pgsql") == 0) return "postgresql";
	if (strcmp(d, "sqlsrv") == 0 || strcmp(d, "dblib") == 0) return "mssql";
	return d;
}

static void sql_record(opa_request *req, opa_frame *f, const char *sql, size_t len, const char *db,
		zend_long rows, bool failed, uint64_t now)
{
	size_t off = opa_record_begin(req);
	smart_str *b = &req->rec_buf;
	bool first = true;
	opa_json_c(b, '{');
	opa_json_key(b, "query", &first);
	opa_json_sql(b, sql, len);
	opa_json_key(b, "db_system", &first);
	opa_json_cstr(b, db);
	opa_rec_timing(req, &first, f->start_ns, now - f->start_ns);
	if (rows >= 0) {
		opa_json_key(b, "rows", &first);
		opa_json_long(b, rows);
	}
	if (failed) {
		opa_json_key(b, "error", &first);
		opa_json_raw(b, "true", 4);
	}
	opa_json_c(b, '}');
	opa_record_end(req, f, OPA_REC_SQL, off);
}

void opa_pdo_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	zval *self = opa_this(ex);
	if (!self) return;
	if (hook == OPA_HOOK_PDOSTMT_EXECUTE) {
		pdo_stmt_t *stmt = Z_PDO_STMT_P(self);
		if (!stmt || !stmt->query_string) return;
		sql_record(req, f, ZSTR_VAL(stmt->query_string), ZSTR_LEN(stmt->query_string), db_system_of_pdo(stmt->dbh),
			opa_call_failed(retval) ? -1 : stmt->row_count, opa_call_failed(retval), now);
		return;
	}
	zval *sql = opa_str_arg(ex, 0);
	if (!sql) return;
	pdo_dbh_t *dbh = Z_PDO_DBH_P(self);
	zend_long rows = -1;
	if (retval && hook == OPA_HOOK_PDO_EXEC && Z_TYPE_P(retval) == IS_LONG) rows = Z_LVAL_P(retval);
	if (retval && hook == OPA_HOOK_PDO_QUERY && Z_TYPE_P(retval) == IS_OBJECT) {
		pdo_stmt_t *stmt = Z_PDO_STMT_P(retval);
		if (stmt) rows = stmt->row_count;
	}
	sql_record(req, f, Z_STRVAL_P(sql), Z_STRLEN_P(sql), db_system_of_pdo(dbh), rows, opa_call_failed(retval), now);
}

static void mysqli_remember_stmt(opa_request *req, zval *stmt, zval *sql)
{
	if (!stmt || Z_TYPE_P(stmt) != IS_OBJECT || !sql) return;
	zval copy;
	ZVAL_STR(&copy, zend_string_init(Z_STRVAL_P(sql), Z_STRLEN_P(sql), 1));
	zend_hash_index_update(&req->stmt_sql, Z_OBJ_HANDLE_P(stmt), &copy);
}

void opa_mysqli_end(opa_request *req, opa_frame *f, zend_execute_data *ex, uint8_t hook, zval *retval, uint64_t now)
{
	zval *self = opa_this(ex);
	uint32_t base = self ? 0 : 1; /* procedural style passes the link/statement first */
	zval *link = self ? self : opa_arg(ex, 0);
	bool failed = opa_call_failed(retval);
	switch (hook) {
		case OPA_HOOK_MYSQLI_QUERY: {
			zval *sql = opa_str_arg(ex, base);
			if (!sql) return;
			zend_long rows = -1;
			zval *mode = opa_arg(ex, base + 1);
			/* MYSQLI_USE_RESULT (1): num_rows is not known yet; MYSQLI_ASYNC (8): nothing is known yet */
			bool use_result = mode && Z_TYPE_P(mode) == IS_LONG && (Z_LVAL_P(mode) == 1 || (Z_LVAL_P(mode) & 8));
			zend_string *fname = ex->func->common.function_name;
			bool multi = fname && strstr(ZSTR_VAL(fname), "multi") != NULL;
			if (!failed && retval && Z_TYPE_P(retval) == IS_OBJECT && !use_result) {
				rows = opa_read_long_prop(req, retval, "num_rows", -1);
			} else if (!failed && retval && Z_TYPE_P(retval) == IS_TRUE && !multi && !use_result) {
				rows = opa_read_long_prop(req, link, "affected_rows", -1);
			}
			sql_record(req, f, Z_STRVAL_P(sql), Z_STRLEN_P(sql), "mysql", rows, failed, now);
			return;
		}
		case OPA_HOOK_MYSQLI_PREPARE:
			if (!failed) mysqli_remember_stmt(req, retval, opa_str_arg(ex, base));
			return;
		case OPA_HOOK_MYSQLI_STMT_PREPARE:
			if (!failed) mysqli_remember_stmt(req, link, opa_str_arg(ex, base));
			return;
		case OPA_HOOK_MYSQLI_STMT_CONSTRUCT:
			if (!EG(exception)) mysqli_remember_stmt(req, self, opa_str_arg(ex, 1));
			return;
		case OPA_HOOK_MYSQLI_STMT_EXECUTE: {
			if (!link || Z_TYPE_P(link) != IS_OBJECT) return;
			zval *sql = zend_hash_index_find(&req->stmt_sql, Z_OBJ_HANDLE_P(link));
			if (!sql) return;
			zend_long rows = failed ? -1 : opa_read_long_prop(req, link, "affected_rows", -1);
			sql_record(req, f, Z_STRVAL_P(sql), Z_STRLEN_P(sql), "mysql", rows, failed, now);
			return;
		}
	}
}
