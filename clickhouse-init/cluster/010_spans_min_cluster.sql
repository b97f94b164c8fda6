-- Clustered layout (several ClickHouse servers), shown for spans_min; every table of ../ follows the same
-- pattern. Run on every node with the cluster name of your remote_servers config ({cluster} macro) and
-- the {shard}/{replica} macros set per node:
--   1. the local table: the same columns, codecs, key, TTL and indexes as ../010_spans_min.sql, but
--      ReplicatedMergeTree (replicas deduplicate retried inserts by themselves);
--   2. a Distributed table named like the single-node table, sharded by trace id, so the REST API's
--      queries and the writer use it unchanged, and every span of a trace lives on one shard (trace
--      fetches and per-trace aggregates stay local to a shard).
-- The materialized views (trace_index_mv, red_1m_mv, error_groups_mv) are created on the *_local tables.
CREATE TABLE IF NOT EXISTS spans_min_local ON CLUSTER '{cluster}'
(
    organization_id LowCardinality(String),
    project_id      LowCardinality(String),
    trace_id        String                              CODEC(ZSTD(3)),
    span_id         String                              CODEC(ZSTD(3)),
    parent_id       Nullable(String)                    CODEC(ZSTD(3)),
    service         LowCardinality(String),
    name            LowCardinality(String),
    start_ts        DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    end_ts          DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    duration_us     UInt64                              CODEC(T64, ZSTD(1)),
    cpu_us          UInt64                              CODEC(T64, ZSTD(1)),
    duration_ms     Float64 ALIAS duration_us / 1000,
    cpu_ms          Float64 ALIAS cpu_us / 1000,
    status          LowCardinality(String),
    http_method     LowCardinality(Nullable(String)),
    http_route      LowCardinality(Nullable(String)),
    http_status     Nullable(UInt16)                    CODEC(T64, ZSTD(1)),
    sql_count       UInt32                              CODEC(T64, ZSTD(1)),
    http_count      UInt32                              CODEC(T64, ZSTD(1)),
    cache_count     UInt32                              CODEC(T64, ZSTD(1)),
    sample_weight   Float64                             CODEC(ZSTD(1)),
    INDEX idx_trace_id trace_id    TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration duration_us TYPE minmax             GRANULARITY 1
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/opa/spans_min_local', '{replica}')
PARTITION BY toDate(start_ts)
ORDER BY (organization_id, project_id, toStartOfHour(start_ts), service, name, start_ts)
TTL toDateTime(start_ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS spans_min ON CLUSTER '{cluster}' AS spans_min_local
ENGINE = Distributed('{cluster}', currentDatabase(), spans_min_local, cityHash64(trace_id));
