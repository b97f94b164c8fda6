-- dumps: one row per opa_dump() of a stored span (dumps page, live view).
CREATE TABLE IF NOT EXISTS dumps
(
    organization_id LowCardinality(String)              CODEC(ZSTD(1)),
    project_id      LowCardinality(String)              CODEC(ZSTD(1)),
    trace_id        String                  CODEC(ZSTD(3)),
    span_id         String                  CODEC(ZSTD(3)),
    service         LowCardinality(String)              CODEC(ZSTD(1)),
    ts              DateTime64(3, 'UTC')    CODEC(Delta, ZSTD(1)),
    file            LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    line            Nullable(Int32)         CODEC(T64, ZSTD(1)),
    data            Nullable(String)        CODEC(ZSTD(3)),  -- JSON text as sent
    text            Nullable(String)        CODEC(ZSTD(3)),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (organization_id, project_id, toStartOfHour(ts), service, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
