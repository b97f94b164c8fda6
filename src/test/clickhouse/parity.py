"""Runs one API query file in both dialects with the same bound values and compares the answers."""
import json
import struct
import math
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import lz4.block
import sqlparams
from chschema import REPO
from conftest import ch_query


def catalog(dialect: str, dataset: Path | None = None) -> Path:
    """The API's queries of one dialect as the agent runs them (SqlCatalog expands the shared fragments of
    src/main/resources/sql/<dialect>/fragments.sql): written by ClickHouseDatasetExport into <dataset>/sql/."""
    d = dataset or Path(os.environ.get("OPA_CH_DATASET", REPO / "target" / "ch-dataset"))
    return d / "sql" / dialect / "api"


CLICKHOUSE_API = catalog("clickhouse")
DUCKDB_API = catalog("duckdb")
# Parameter sets the API queries are run with; a scenario overrides the base values (conftest.base_params),
# "<name>" values are looked up in the base (a trace or fingerprint picked from the data set).
SCENARIOS = {
    "base": {},
    "service": {"service": "shop-web"},
    "service_errors": {"service": "checkout-api", "status": "error"},
    "name_duration": {"name": "GET /products/{id}", "min_ms": 20.0, "max_ms": 200.0},
    "tags": {"tags": '[{"k":"env","v":"staging"}]'},
    "q_route": {"q": "products"},
    "q_error": {"q": "deadlock"},
    "q_special": {"q": "it's 100% \\ _x_"},  # quote, LIKE wildcards, backslash: literal substring search
    "q_unicode": {"q": "üNÏCODE"},
    "duration_asc": {"sort": "duration", "order": "asc"},
    "time_asc": {"sort": "time", "order": "asc"},
    "sort_requests": {"sort": "requests"},
    "sort_p95": {"sort": "p95"},
    "sort_errors": {"sort": "errors"},
    "sort_name": {"sort": "name"},
    "sort_count": {"sort": "count"},
    "sort_avg": {"sort": "avg"},
    "sort_total": {"sort": "total"},
    "page2": {"limit": 7, "offset": 7},
    "trace": {"trace_id": "<trace>"},
    "fingerprint": {"fingerprint": "<fingerprint>"},
    "min_rank": {"min_rank": 3},
    "threshold": {"threshold": 5},
    "interval": {"interval_ms": 300000},
    "narrow_range": {"from_ms": "<from+120s>", "to_ms": "<from+300s>"},
    "other_tenant": {"org": "acme", "project": "storefront"},
}


def bound(sql_text, base, overrides):
    """The values of the file's parameters for one scenario."""
    params = dict(base)
    for k, v in overrides.items():
        params[k] = base[v] if isinstance(v, str) and v.startswith("<") else v
    # a parameter the base does not know is an optional filter (the API convention: NULL disables it)
    return {n: params.get(n) for n in set(sqlparams.names(sql_text))}


# Answers that are properties of the engine, not of the data: only checked to be present.
ENGINE_SPECIFIC = {"store_size.sql"}


def api_files(directory: Path = CLICKHOUSE_API):
    return sorted(p.name for p in directory.glob("*.sql"))


def run_duckdb(con, sql_text: str, params: dict):
    sql, values = sqlparams.bind_duckdb(sql_text, params)
    cur = con.execute(sql, values)
    columns, rows = [d[0] for d in cur.description], [list(r) for r in cur.fetchall()]
    database = con.execute("SELECT path FROM duckdb_databases() WHERE NOT internal AND path IS NOT NULL").fetchone()
    return api_view(columns, rows, Path(database[0] + ".stacks") if database else None)


def api_view(columns, rows, segments: Path | None = None):
    """What the API makes of a DuckDB answer (DuckDbSpanStore.stack and .details): the call stack as an LZ4 block
    (lz4-java's length-prefixed block = lz4.block's default format) from its segment file
    (stack_segment/offset/length, in `<database>.stacks/NNNNNN.seg`) or from stack_lz4 replaces stack; a span's
    record lists kept as one block in a segment file (detail_segment/offset/length, DetailBlock) fill their
    columns."""
    internal = [c for c in ("stack_lz4", "stack_segment", "stack_offset", "stack_length",
                            "detail_segment", "detail_offset", "detail_length") if c in columns]
    if not internal:
        return columns, rows
    at = {c: columns.index(c) for c in internal}
    for r in rows:
        packed = r[at["stack_lz4"]] if "stack_lz4" in at else None
        if "stack_segment" in at and r[at["stack_segment"]] is not None:
            packed = segment_bytes(segments, r[at["stack_segment"]], r[at["stack_offset"]], r[at["stack_length"]])
        if packed is not None:
            r[columns.index("stack")] = lz4.block.decompress(bytes(packed)).decode("utf-8")
        if "detail_segment" in at and r[at["detail_segment"]] is not None:
            block = segment_bytes(segments, r[at["detail_segment"]], r[at["detail_offset"]], r[at["detail_length"]])
            for column, text in detail_block(block).items():
                r[columns.index(column)] = text
    keep = [i for i, c in enumerate(columns) if c not in at]
    return [columns[i] for i in keep], [[r[i] for i in keep] for r in rows]


def segment_bytes(segments: Path, segment: int, offset: int, length: int) -> bytes:
    with open(segments / f"{segment:06d}.seg", "rb") as f:
        f.seek(offset)
        return f.read(length)


DETAIL_COLUMNS = ("sql", "http", "cache", "redis", "dumps", "file_io")  # DetailBlock.COLUMNS


def detail_block(block: bytes) -> dict:
    """DetailBlock's layout: an LZ4 block of, per column, a u32 LE byte count (-1: NULL) and the column's JSON text."""
    text, at, out = lz4.block.decompress(block), 0, {}
    for column in DETAIL_COLUMNS:
        (n,) = struct.unpack_from("<i", text, at)
        at += 4
        out[column] = None if n < 0 else text[at:at + n].decode("utf-8")
        at += max(n, 0)
    return out


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
