"""The real writer (ClickHouseSpanStore: client-v2 over HTTP, LZ4-compressed bodies, dedup tokens,
async_insert settings) against the real ClickHouse engine, through chhttp's HTTP interface to chDB."""
import json
import re
import socket
import subprocess

import pytest

from chhttp import ChdbHttpServer
from chschema import REPO
from conftest import ch_query, ch_scalar
from test_schema import TABLES

DB = "opa_http"
RAW_TABLES = ["spans_min", "spans_full", "sql_queries", "http_calls", "dumps", "errors", "logs"]


def classpath():
    cp = REPO / "target" / "ch-classpath.txt"
    if not cp.exists():
        pytest.fail("target/ch-classpath.txt missing: run .ci/test-clickhouse.sh (it builds the classpath)")
    return f"{REPO}/target/classes:{REPO}/target/test-classes:{cp.read_text().strip()}"


def run_writer(url, user="opa", password="s3cret", database=DB, spans=5000, retention_days="", start_ms=None):
    start = ["--start-ms", str(start_ms)] if start_ms is not None else []
    proc = subprocess.run(
        ["java", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath(),
         "dev.opa.agent.store.clickhouse.ClickHouseWriterCheck", "--url", url, "--user", user,
         "--password", password, "--database", database, "--spans", str(spans), "--batch-size", "5000",
         "--retention-days", str(retention_days)] + start,
        cwd=REPO, capture_output=True, text=True, timeout=300)
    start = proc.stdout.find("{")
    assert start >= 0, f"no summary from the writer (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}"
    return proc.returncode, json.loads(proc.stdout[start:])


@pytest.fixture(scope="module")
def written(chdb_session, manifest):
    """The writer run once: 5000 spans (= batch 0 of the exported data set, same seed) plus a replay."""
    chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")
    try:
        with ChdbHttpServer(chdb_session, user="opa", password="s3cret") as server:
            code, summary = run_writer(server.url, retention_days=7, start_ms=manifest["from_ms"])
            requests = list(server.requests)
        yield code, summary, requests
    finally:
        chdb_session.query("USE opa")
        chdb_session.query(f"DROP DATABASE IF EXISTS {DB}")


def test_writer_creates_the_schema_over_http(written, chdb_session):
    code, summary, _ = written
    assert code == 0, summary
    assert summary["healthy"] is True
    _, rows = ch_query(chdb_session, f"SELECT name FROM system.tables WHERE database = '{DB}'")
    assert TABLES <= {r[0] for r in rows}


def test_configured_retention_is_applied_to_every_raw_table(written, chdb_session):
    _, rows = ch_query(chdb_session, f"SELECT name, engine_full FROM system.tables WHERE database = '{DB}' "
                                     f"AND name IN ('spans_min', 'spans_full', 'errors', 'logs', 'trace_index', "
                                     f"'error_groups', 'red_1m') ORDER BY name")
    ttl = {name: engine for name, engine in rows}
    for table in ("spans_min", "spans_full", "errors", "logs", "trace_index", "error_groups"):
        assert "toIntervalDay(7)" in ttl[table], ttl[table]
    assert "toIntervalDay(90)" in ttl["red_1m"], "the rollup keeps its own retention"


def test_one_compressed_insert_per_payload_with_a_dedup_token(written):
    _, summary, requests = written
    inserts = [(p, n) for _, p, n in requests if p.get("query", "").upper().startswith("INSERT")]
    # 1 batch + 1 replay of it: one INSERT per payload, a non-empty table's rows in parts of at most ~4 MiB
    assert summary["batches"] == 1
    assert len(inserts) == 2 * summary["payloads"] > 2 * len(summary["rows"]), "spans_full of 5000 spans is cut"
    assert {re.search(r"INSERT INTO\W*(\w+)", p["query"]).group(1) for p, _ in inserts} == set(summary["rows"])
    inserts = [p for p, _ in inserts]
    assert all(p.get("decompress") == "1" for p in inserts), "request bodies are LZ4-compressed"
    assert all(p.get("insert_deduplication_token") for p in inserts)
    assert all(p.get("deduplicate_blocks_in_dependent_materialized_views") == "1" for p in inserts)
    assert all(p.get("input_format_json_read_objects_as_strings") == "1" for p in inserts)
    assert all(p.get("async_insert") == "1" and p.get("wait_for_async_insert") == "1" for p in inserts)
    assert all("FORMAT JSONEachRow" in p["query"] for p in inserts)


def test_every_row_stored_once_despite_the_replay(written, chdb_session):
    _, summary, _ = written
    assert set(summary["rows"]) == set(RAW_TABLES)
    for table, n in summary["rows"].items():
        assert ch_scalar(chdb_session, f"SELECT count() FROM {DB}.{table}") == n, table
    assert ch_scalar(chdb_session, f"SELECT sum(span_count) FROM {DB}.trace_index") == summary["rows"]["spans_min"]
    assert ch_scalar(chdb_session, f"SELECT sum(occurrences) FROM {DB}.error_groups") == summary["rows"]["errors"]


def test_rows_equal_the_payload_files_of_the_same_batch(written, chdb_session):
    """What travelled over HTTP is byte-for-byte what the harness loads from the payload files."""
    traces = f"(SELECT trace_id FROM {DB}.spans_min)"
    for table in RAW_TABLES:
        cols = ch_query(chdb_session, f"SELECT count(), sum(cityHash64(*)) FROM {DB}.{table}")[1][0]
        ref = ch_query(chdb_session, f"SELECT count(), sum(cityHash64(*)) FROM opa.{table} "
                                     f"WHERE trace_id IN {traces}")[1][0]
        assert cols == ref, table


def test_wrong_password_is_a_clear_start_error(chdb_session):
    with ChdbHttpServer(chdb_session, user="opa", password="s3cret") as server:
        code, summary = run_writer(server.url, password="wrong", spans=10)
    chdb_session.query("USE opa")
    assert code == 1
    assert "Authentication failed" in summary["error"] or "516" in summary["error"], summary


def test_unreachable_server_fails_the_write_path():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, summary = run_writer(f"http://127.0.0.1:{port}", spans=10)
    assert code == 1 and summary["error"], summary


def test_writes_and_reads_resume_when_the_server_comes_back(chdb_session):
    """A ClickHouse restart as the agent sees it: one store instance, the server gone and back on the same port.
    Meanwhile writes and reads fail as io (the pipeline spools the batch; readiness is DOWN); afterwards both work
    again with no restart of the store (client-v2 reconnects, the read pool drops its broken connections)."""
    db = "opa_reconnect"
    chdb_session.query(f"DROP DATABASE IF EXISTS {db}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ChdbHttpServer(chdb_session, user="opa", password="s3cret", port=port).__enter__()
    proc = subprocess.Popen(
        ["java", "-Dorg.slf4j.simpleLogger.defaultLogLevel=off", "-cp", classpath(),
         "dev.opa.agent.store.clickhouse.ClickHouseReconnectCheck", "--url", server.url, "--user", "opa",
         "--password", "s3cret", "--database", db],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    phases = {}
    try:
        for line in proc.stdout:
            if not line.startswith("{"):
                continue
            phase = json.loads(line)
            phases[phase.pop("phase")] = phase
            if len(phases) == 1:
                server.__exit__(None, None, None)
                server = None
            elif len(phases) == 2:
                server = ChdbHttpServer(chdb_session, user="opa", password="s3cret", port=port).__enter__()
            else:
                continue
            proc.stdin.write("\n")
            proc.stdin.flush()
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        if server is not None:
            server.__exit__(None, None, None)
        chdb_session.query("USE opa")
        chdb_session.query(f"DROP DATABASE IF EXISTS {db}")
    assert phases["up"] == {"write": "stored", "count": 1, "healthy": True}, phases
    assert phases["down"] == {"write": "io", "read": "io", "healthy": False}, phases
    assert phases["back"] == {"write": "stored", "count": 2, "healthy": True}, phases
    assert phases["back-next"] == {"write": "stored", "count": 3, "healthy": True}, phases


def test_the_longest_accepted_retention_keeps_the_expiry_inside_datetime(chdb_session):
    """ClickHouseSettings.MAX_RETENTION_DAYS (3650): the TTL expression of a row of tomorrow stays in the future;
    36500 days wrap past 2106 to a date in the past (every row expired on insert, which is why it is refused)."""
    ttl = "toDateTime(now() + INTERVAL 1 DAY) + INTERVAL {} DAY > now()"
    assert ch_scalar(chdb_session, "SELECT " + ttl.format(3650)) == 1
    assert ch_scalar(chdb_session, "SELECT " + ttl.format(36500)) == 0
