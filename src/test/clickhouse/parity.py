"""Runs one API query file in both dialects with the same bound values and compares the answers."""
import json
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlparams
from chschema import REPO
from conftest import ch_query

API = REPO / "src" / "main" / "resources" / "sql"
CLICKHOUSE_API = API / "clickhouse" / "api"
DUCKDB_API = API / "duckdb" / "api"
# Answers that are properties of the engine, not of the data: only checked to be present.
ENGINE_SPECIFIC = {"store_size.sql"}


def api_files():
    return sorted(p.name for p in CLICKHOUSE_API.glob("*.sql"))


def run_duckdb(con, sql_text: str, params: dict):
    sql, values = sqlparams.bind_duckdb(sql_text, params)
    cur = con.execute(sql, values)
    return [d[0] for d in cur.description], [list(r) for r in cur.fetchall()]


def run_clickhouse(session, sql_text: str, params: dict):
    return ch_query(session, sqlparams.bind_clickhouse(sql_text, params))


def normalise(v):
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, str):
        if v in ("nan", "inf", "-inf"):
            return float(v)
        if v[:1] in "[{":
            try:
                return ("json", json.loads(v))
            except ValueError:
                return v
        return v
    if isinstance(v, (list, tuple)):
        return [normalise(x) for x in v]
    if isinstance(v, dict):
        return ("json", {k: v[k] for k in v})
    return v


def same(a, b) -> bool:
    a, b = normalise(a), normalise(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return json_same(a[1], b[1])
    return a == b


def json_same(a, b) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_same(x, y) for x, y in zip(a, b))
    return same(a, b)


def differences(duck, ch, limit: int = 8):
    """Human-readable differences between two (columns, rows) answers; empty when equal."""
    (dcols, drows), (ccols, crows) = duck, ch
    if dcols != ccols:
        return [f"columns differ: duckdb {dcols} vs clickhouse {ccols}"]
    out = []
    if len(drows) != len(crows):
        out.append(f"row count differs: duckdb {len(drows)} vs clickhouse {len(crows)}")
    for i, (dr, cr) in enumerate(zip(drows, crows)):
        for col, dv, cv in zip(dcols, dr, cr):
            if not same(dv, cv):
                out.append(f"row {i} column {col}: duckdb {dv!r:.200} vs clickhouse {cv!r:.200}")
                if len(out) >= limit:
                    return out
    return out
