-- http_calls: one row per outgoing HTTP call of a stored span (HTTP page).
CREATE TABLE IF NOT EXISTS http_calls
(
    organization_id LowCardinality(String)              CODEC(ZSTD(1)),
    project_id      LowCardinality(String)              CODEC(ZSTD(1)),
    trace_id        String                  CODEC(ZSTD(3)),
    span_id         String                  CODEC(ZSTD(3)),
    service         LowCardinality(String)              CODEC(ZSTD(1)),
    start_ts        DateTime64(3, 'UTC')    CODEC(Delta, ZSTD(1)),
    method          LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    url             String                  CODEC(ZSTD(3)),
    host            LowCardinality(String)              CODEC(ZSTD(1)),
    path_template   LowCardinality(String)              CODEC(ZSTD(1)),  -- numeric / uuid / hex segments -> {id}
    status_code     Nullable(Int32)         CODEC(T64, ZSTD(1)),
    duration_ms     Float64                 CODEC(ZSTD(1)),
    bytes_sent      Nullable(Int64)         CODEC(T64, ZSTD(1)),
    bytes_received  Nullable(Int64)         CODEC(T64, ZSTD(1)),
    error           Nullable(String)        CODEC(ZSTD(3)),
    sample_weight   Float64                 CODEC(ZSTD(1)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(start_ts)
ORDER BY (organization_id, project_id, toStartOfHour(start_ts), service, host, path_template, start_ts)
TTL toDateTime(start_ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
