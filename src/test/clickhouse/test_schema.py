"""The clickhouse-init/ DDL on a real ClickHouse engine (chDB): idempotent, with the codecs, keys,
TTLs, skip indexes and materialized views the design asks for."""
import shutil
import tempfile

import pytest
from chdb import session as chs

import chschema
from conftest import ch_query, ch_scalar

TABLES = {"spans_min", "spans_full", "sql_queries", "http_calls", "dumps", "errors", "error_groups", "logs",
          "trace_index", "red_1m", "kept_traces"}


@pytest.fixture(scope="module")
def fresh():
    path = tempfile.mkdtemp(prefix="opa-chdb-schema-")
    s = chs.Session(path)
    s.query("SET output_format_json_quote_64bit_integers = 0")
    yield s
    s.close()
    shutil.rmtree(path, ignore_errors=True)


def test_statement_splitter_keeps_multi_line_statements_and_drops_comments():
    sql = "-- head\nCREATE TABLE a\n(\n  x UInt8 -- c;\n);\n\n-- between\nCREATE VIEW v AS\nSELECT 1;\n"
    assert list(chschema.statements(sql)) == ["CREATE TABLE a\n(\n  x UInt8 -- c;\n)", "CREATE VIEW v AS\nSELECT 1"]


def test_schema_applies_twice_without_error_and_creates_every_table(fresh):
    chschema.apply_schema(fresh, "opa")
    chschema.apply_schema(fresh, "opa")
    _, rows = ch_query(fresh, "SELECT name FROM system.tables WHERE database = 'opa'")
    names = {r[0] for r in rows}
    assert TABLES <= names
    assert {"trace_index_mv", "red_1m_mv", "error_groups_mv"} <= names


def test_every_raw_table_has_daily_partitions_and_a_drop_parts_ttl(fresh):
    chschema.apply_schema(fresh, "opa")
    for table in ("spans_min", "spans_full", "sql_queries", "http_calls", "dumps", "errors", "logs"):
        _, rows = ch_query(fresh, f"SELECT partition_key, create_table_query FROM system.tables "
                                  f"WHERE database = 'opa' AND name = '{table}'")
        partition_key, ddl = rows[0]
        assert partition_key.startswith("toDate("), table
        assert "TTL toDateTime(" in ddl and "ttl_only_drop_parts = 1" in ddl, table


def test_spans_min_columns_use_the_compact_types_and_codecs(fresh):
    chschema.apply_schema(fresh, "opa")
    _, rows = ch_query(fresh, "SELECT name, type, compression_codec, default_kind FROM system.columns "
                              "WHERE database = 'opa' AND table = 'spans_min'")
    cols = {r[0]: r[1:] for r in rows}
    assert cols["service"][0] == "LowCardinality(String)"
    assert cols["start_ts"][0] == "DateTime64(3, 'UTC')" and "Delta" in cols["start_ts"][1]
    assert "T64" in cols["duration_us"][1] and "T64" in cols["sql_count"][1]
    assert "ZSTD" in cols["trace_id"][1]
    assert cols["duration_ms"][2] == "ALIAS" and cols["cpu_ms"][2] == "ALIAS"
    _, idx = ch_query(fresh, "SELECT name, type FROM system.data_skipping_indices "
                             "WHERE database = 'opa' AND table = 'spans_min' ORDER BY name")
    assert idx == [["idx_duration", "minmax"], ["idx_trace_id", "bloom_filter"]]
    key = ch_scalar(fresh, "SELECT sorting_key FROM system.tables WHERE database = 'opa' AND name = 'spans_min'")
    assert key == "organization_id, project_id, toStartOfHour(start_ts), service, name, start_ts"
