-- logs: one row per log record. Newest-first lists per tenant and time range, filtered by service
-- and level; trace_id lookups (logs of one trace) use the bloom filter.
CREATE TABLE IF NOT EXISTS logs
(
    organization_id LowCardinality(String)              CODEC(ZSTD(1)),
    project_id      LowCardinality(String)              CODEC(ZSTD(1)),
    trace_id        Nullable(String)        CODEC(ZSTD(3)),
    span_id         Nullable(String)        CODEC(ZSTD(3)),
    service         LowCardinality(String)              CODEC(ZSTD(1)),
    ts              DateTime64(3, 'UTC')    CODEC(Delta, ZSTD(1)),
    level           LowCardinality(String)              CODEC(ZSTD(1)),  -- DEBUG … CRITICAL
    message         String                  CODEC(ZSTD(3)),
    fields          Nullable(String)        CODEC(ZSTD(3)),  -- JSON object
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (organization_id, project_id, toStartOfHour(ts), service, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
