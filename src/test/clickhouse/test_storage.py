"""The writer's payloads on a real ClickHouse engine: every row lands, the insert-time views agree with
the raw rows, a replayed payload is deduplicated, and a trace fetch by id is index-driven."""
import chschema
import dataset as ds
from conftest import ch_query, ch_scalar

# entry spans, as red_1m and the RED queries count them: a trace's root, or a span serving an incoming
# HTTP request of a continued (W3C) trace
ENTRY = "(parent_id IS NULL OR ifNull(http_method, '') != '')"


def test_every_payload_row_is_stored_and_matches_the_duckdb_store(chdb_session, manifest, duck):
    for table, rows in manifest["rows"].items():
        assert ch_scalar(chdb_session, f"SELECT count() FROM {table}") == rows, table
        assert duck.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == rows, table


def test_durations_round_trip_through_microseconds(chdb_session, duck):
    ch = ch_query(chdb_session, "SELECT span_id, duration_ms, cpu_ms, toUnixTimestamp64Milli(end_ts) FROM spans_min "
                                "ORDER BY span_id LIMIT 500")[1]
    dk = duck.execute("SELECT span_id, duration_ms, cpu_ms, epoch_ms(end_ts) FROM spans_min "
                      "ORDER BY span_id LIMIT 500").fetchall()
    assert [tuple(r) for r in ch] == [tuple(r) for r in dk]


def test_trace_index_holds_each_trace_time_range(chdb_session):
    diff = ch_scalar(chdb_session, """
        SELECT count() FROM (
            SELECT trace_id, min(start_min) AS lo, max(start_max) AS hi, sum(span_count) AS n
            FROM trace_index GROUP BY trace_id) AS i
        FULL OUTER JOIN (
            SELECT trace_id, min(start_ts) AS lo, max(start_ts) AS hi, count() AS n
            FROM spans_min GROUP BY trace_id) AS s USING (trace_id)
        WHERE i.lo != s.lo OR i.hi != s.hi OR i.n != s.n""")
    assert diff == 0


def test_trace_fetch_by_id_reads_few_granules(chdb_session):
    trace = ch_scalar(chdb_session, "SELECT trace_id FROM spans_min ORDER BY start_ts DESC LIMIT 1")
    plan = "\n".join(r[0] for r in ch_query(chdb_session, f"""
        EXPLAIN indexes = 1
        SELECT * FROM spans_min
        WHERE trace_id = '{trace}'
          AND start_ts BETWEEN (SELECT min(start_min) FROM trace_index WHERE trace_id = '{trace}')
                           AND (SELECT max(start_max) FROM trace_index WHERE trace_id = '{trace}')""")[1])
    assert "idx_trace_id" in plan, plan


def test_red_rollup_equals_the_raw_entry_spans(chdb_session):
    raw = ch_query(chdb_session, f"""
        SELECT service, name, toStartOfMinute(start_ts) AS minute, sum(sample_weight),
               sumIf(sample_weight, status = 'error')
        FROM spans_min WHERE {ENTRY} GROUP BY service, name, minute ORDER BY service, name, minute""")[1]
    rolled = ch_query(chdb_session, """
        SELECT service, name, minute, sum(requests), sum(errors)
        FROM red_1m GROUP BY service, name, minute ORDER BY service, name, minute""")[1]
    assert len(raw) > 50
    assert rolled == raw
    q = ch_query(chdb_session, """
        SELECT quantilesTDigestWeightedMerge(0.5, 0.95, 0.99)(duration_quantiles) FROM red_1m
        WHERE service = 'shop-web'""")[1][0][0]
    exact = ch_query(chdb_session, f"""
        SELECT quantilesExactWeighted(0.5, 0.95, 0.99)(duration_ms, toUInt64(round(sample_weight)))
        FROM spans_min WHERE {ENTRY} AND service = 'shop-web'""")[1][0][0]
    for approx, real in zip(q, exact):
        assert abs(approx - real) / real < 0.05, (q, exact)


def test_error_groups_count_every_instance(chdb_session):
    groups = ch_query(chdb_session, """
        SELECT fingerprint, sum(occurrences), min(first_seen), max(last_seen)
        FROM error_groups GROUP BY fingerprint ORDER BY fingerprint""")[1]
    raw = ch_query(chdb_session, """
        SELECT fingerprint, count(), min(occurred_at), max(occurred_at)
        FROM errors GROUP BY fingerprint ORDER BY fingerprint""")[1]
    assert groups == raw and len(raw) > 1
    _, samples = ch_query(chdb_session, "SELECT groupUniqArrayMerge(5)(sample_trace_ids) FROM error_groups "
                                        "GROUP BY fingerprint")
    assert all(1 <= len(s) <= 5 and all(len(t) == 32 for t in s) for (s,) in samples), samples


def test_replayed_payload_is_deduplicated_in_the_table_and_its_views(chdb_session, dataset_dir, manifest):
    """The writer tags each insert with a token derived from its bytes; a batch replayed from the spool
    after a partial failure must not double any table, nor what the materialized views derived from it."""
    _, table, f = next(p for p in ds.payload_files(dataset_dir) if p[1] == "spans_min")
    body = f.read_bytes()
    rows = body.count(b"\n")
    chschema.apply_schema(chdb_session, "opa_replay")
    try:
        ds.insert_payload(chdb_session, "spans_min", body, manifest["insert_settings"], dedup_token="spans_min-abc")
        ds.insert_payload(chdb_session, "spans_min", body, manifest["insert_settings"], dedup_token="spans_min-abc")
        assert ch_scalar(chdb_session, "SELECT count() FROM opa_replay.spans_min") == rows
        assert ch_scalar(chdb_session, "SELECT sum(span_count) FROM opa_replay.trace_index") == rows
        entries = ch_scalar(chdb_session, f"SELECT count() FROM opa_replay.spans_min WHERE {ENTRY}")
        assert ch_scalar(chdb_session, "SELECT sum(requests) FROM opa_replay.red_1m") == ch_scalar(
            chdb_session, f"SELECT sum(sample_weight) FROM opa_replay.spans_min WHERE {ENTRY}") and entries
        ds.insert_payload(chdb_session, "spans_min", body, manifest["insert_settings"], dedup_token="spans_min-other")
        assert ch_scalar(chdb_session, "SELECT count() FROM opa_replay.spans_min") == 2 * rows
        assert ch_scalar(chdb_session, "SELECT sum(span_count) FROM opa_replay.trace_index") == 2 * rows
    finally:
        chdb_session.query("USE opa")
        chdb_session.query("DROP DATABASE IF EXISTS opa_replay")
