"""Binds the API's `:name` parameters the way each store's JDBC driver does.

DuckDB: real prepared-statement binding (`?` placeholders, positional values), like duckdb_jdbc.
ClickHouse: clickhouse-jdbc (jdbc-v2) renders bound values client-side as escaped SQL literals; this
does the same (strings quoted with backslash escapes, numbers as literals, None as NULL).
The scanner skips string literals, quoted identifiers, comments and `::` casts, as the agent's NamedSql.
"""
import re

_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def _tokens(sql: str):
    """Yields ('text', s) and ('param', name) pieces of the SQL text."""
    i, n, start = 0, len(sql), 0
    while i < n:
        c = sql[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if sql[j] == "\\" and c == "'":
                    j += 2
                    continue
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j
        elif sql.startswith("::", i):
            i += 2
        elif c == ":" and i + 1 < n and _NAME.match(sql, i + 1):
            m = _NAME.match(sql, i + 1)
            yield "text", sql[start:i]
            yield "param", m.group(0)
            i = start = m.end()
        else:
            i += 1
    yield "text", sql[start:]


def names(sql: str):
    return [v for kind, v in _tokens(sql) if kind == "param"]


def clickhouse_literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    s = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{s}'"


def bind_clickhouse(sql: str, params: dict) -> str:
    out = []
    for kind, v in _tokens(sql):
        out.append(clickhouse_literal(params[v]) if kind == "param" else v)
    return "".join(out)


def bind_duckdb(sql: str, params: dict):
    out, values = [], []
    for kind, v in _tokens(sql):
        if kind == "param":
            out.append("?")
            values.append(params[v])
        else:
            out.append(v)
    return "".join(out), values
