-- sql_queries: one row per SQL statement of a stored span (SQL page, N+1 detection).
-- Key: time range first (hour), then service and fingerprint, so one fingerprint's rows are adjacent.
CREATE TABLE IF NOT EXISTS sql_queries
(
    organization_id LowCardinality(String)              CODEC(ZSTD(1)),
    project_id      LowCardinality(String)              CODEC(ZSTD(1)),
    trace_id        String                  CODEC(ZSTD(3)),
    span_id         String                  CODEC(ZSTD(3)),
    service         LowCardinality(String)              CODEC(ZSTD(1)),
    start_ts        DateTime64(3, 'UTC')    CODEC(Delta, ZSTD(1)),  -- statement start (span start when unknown)
    fingerprint     LowCardinality(String)              CODEC(ZSTD(1)),  -- 16 hex of the normalised statement
    normalized      String                  CODEC(ZSTD(3)),
    query           String                  CODEC(ZSTD(3)),         -- as received (redacted by the extension)
    db_system       LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    duration_ms     Float64                 CODEC(ZSTD(1)),
    rows            Nullable(Int64)         CODEC(T64, ZSTD(1)),
    sample_weight   Float64                 CODEC(ZSTD(1)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(start_ts)
ORDER BY (organization_id, project_id, toStartOfHour(start_ts), service, fingerprint, start_ts)
TTL toDateTime(start_ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
