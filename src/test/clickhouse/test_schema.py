"""The clickhouse-init/ DDL on a real ClickHouse engine (chDB): idempotent, with the codecs, keys,
TTLs, skip indexes and materialized views the design asks for."""
import pytest

import chschema
from conftest import ch_query, ch_scalar

TABLES = {"spans_min", "spans_full", "sql_queries", "http_calls", "dumps", "errors", "error_groups", "logs",
          "trace_index", "red_1m", "kept_traces"}


DB = "opa_fresh"  # one chDB engine per process: a second, empty database beside the loaded one


@pytest.fixture(scope="module")
def fresh(chdb_session):
    chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")
    yield chdb_session
    chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")
    chdb_session.query("USE opa")


def test_statement_splitter_keeps_multi_line_statements_and_drops_comments():
    sql = "-- head\nCREATE TABLE a\n(\n  x UInt8 -- c;\n);\n\n-- between\nCREATE VIEW v AS\nSELECT 1;\n"
    assert list(chschema.statements(sql)) == ["CREATE TABLE a\n(\n  x UInt8 -- c;\n)", "CREATE VIEW v AS\nSELECT 1"]


def test_schema_applies_twice_without_error_and_creates_every_table(fresh):
    chschema.apply_schema(fresh, DB)
    chschema.apply_schema(fresh, DB)
    _, rows = ch_query(fresh, f"SELECT name FROM system.tables WHERE database = '{DB}'")
    names = {r[0] for r in rows}
    assert TABLES <= names
    assert {"trace_index_mv", "red_1m_mv", "error_groups_mv"} <= names


def test_every_raw_table_has_daily_partitions_and_a_drop_parts_ttl(fresh):
    chschema.apply_schema(fresh, DB)
    for table in ("spans_min", "spans_full", "sql_queries", "http_calls", "dumps", "errors", "logs"):
        _, rows = ch_query(fresh, f"SELECT partition_key, create_table_query FROM system.tables "
                                  f"WHERE database = '{DB}' AND name = '{table}'")
        partition_key, ddl = rows[0]
        assert partition_key.startswith("toDate("), table
        assert "TTL toDateTime(" in ddl and "ttl_only_drop_parts = 1" in ddl, table


def test_spans_min_columns_use_the_compact_types_and_codecs(fresh):
    chschema.apply_schema(fresh, DB)
    _, rows = ch_query(fresh, f"SELECT name, type, compression_codec, default_kind FROM system.columns "
                              f"WHERE database = '{DB}' AND table = 'spans_min'")
    cols = {r[0]: r[1:] for r in rows}
    assert cols["service"][0] == "LowCardinality(String)"
    assert cols["start_ts"][0] == "DateTime64(3, 'UTC')" and "Delta" in cols["start_ts"][1]
    assert "T64" in cols["duration_us"][1] and "T64" in cols["sql_count"][1]
    assert "ZSTD" in cols["trace_id"][1]
    assert cols["duration_ms"][2] == "ALIAS" and cols["cpu_ms"][2] == "ALIAS"
    _, idx = ch_query(fresh, f"SELECT name, type FROM system.data_skipping_indices "
                             f"WHERE database = '{DB}' AND table = 'spans_min' ORDER BY name")
    assert idx == [["idx_duration", "minmax"], ["idx_trace_id", "bloom_filter"]]
    key = ch_scalar(fresh, f"SELECT sorting_key FROM system.tables WHERE database = '{DB}' AND name = 'spans_min'")
    assert key == "organization_id, project_id, toStartOfHour(start_ts), service, name, start_ts"


def test_every_stored_column_has_an_explicit_codec(fresh):
    chschema.apply_schema(fresh, DB)
    _, rows = ch_query(fresh, f"SELECT table, name FROM system.columns WHERE database = '{DB}' "
                              f"AND default_kind != 'ALIAS' AND compression_codec = '' "
                              f"AND table NOT LIKE '%\\\\_mv' ORDER BY table, name")
    assert rows == [], f"columns left on the default codec: {rows}"


def _cluster_generator():
    import importlib.util
    spec = importlib.util.spec_from_file_location("cluster_generate", chschema.INIT_DIR / "cluster" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cluster_ddl_is_generated_from_the_single_node_ddl():
    """clickhouse-init/cluster/ is exactly what generate.py derives from clickhouse-init/ (no drift)."""
    for path, text in _cluster_generator().outputs().items():
        assert path.exists() and path.read_text() == text, f"{path.name}: run clickhouse-init/cluster/generate.py"


def test_cluster_ddl_parses_and_shards_spans_by_trace_id(chdb_session):
    stmts = []
    for f in sorted((chschema.INIT_DIR / "cluster").glob("*.sql")):
        stmts += list(chschema.statements(f.read_text()))
    for stmt in stmts:
        chdb_session.query("SELECT formatQuery(" + chschema_literal(stmt) + ")")  # raises on a syntax error
    text = "\n".join(stmts)
    assert "ENGINE = Distributed('{cluster}', currentDatabase(), spans_min_local, cityHash64(trace_id))" in text
    assert "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}')" in text
    assert "TO trace_index_local AS" in text and "FROM spans_min_local" in text
    assert "non_replicated_deduplication_window" not in text


def chschema_literal(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def test_a_spans_min_of_an_older_version_gets_is_entry_for_its_rows(chdb_session):
    old_db = "opa_old"
    chdb_session.query(f"DROP DATABASE IF EXISTS {old_db}")
    try:
        create = next(chschema.statements((chschema.INIT_DIR / "010_spans_min.sql").read_text()))
        old = "\n".join(line for line in create.splitlines() if not line.lstrip().startswith("is_entry"))
        chdb_session.query(f"CREATE DATABASE {old_db}")
        chdb_session.query(f"USE {old_db}")
        chdb_session.query(old)
        chdb_session.query("INSERT INTO spans_min (organization_id, project_id, trace_id, span_id, parent_id, service, "
                           "name, start_ts, end_ts, duration_us, cpu_us, status, http_method, sql_count, http_count, "
                           "cache_count, sample_weight) VALUES "
                           "('o','p','t','root',NULL,'s','GET /',now(),now(),1,1,'ok','GET',0,0,0,1), "
                           "('o','p','t','call','root','s2','GET /x',now(),now(),1,1,'ok','GET',0,0,0,1), "
                           "('o','p','t','inner','root','s','work',now(),now(),1,1,'ok',NULL,0,0,0,1)")
        chschema.apply_schema(chdb_session, old_db)
        _, rows = ch_query(chdb_session, f"SELECT span_id, is_entry FROM {old_db}.spans_min ORDER BY span_id")
        assert [[r[0], int(r[1])] for r in rows] == [["call", 1], ["inner", 0], ["root", 1]]
    finally:
        chdb_session.query(f"DROP DATABASE IF EXISTS {old_db}")
        chdb_session.query("USE opa")
