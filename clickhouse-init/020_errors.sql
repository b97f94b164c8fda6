-- errors: one row per error occurrence. Key: fingerprint inside the tenant, so the instances of one
-- group (the error detail page, newest first) are one contiguous range.
CREATE TABLE IF NOT EXISTS errors
(
    organization_id LowCardinality(String)              CODEC(ZSTD(1)),
    project_id      LowCardinality(String)              CODEC(ZSTD(1)),
    trace_id        Nullable(String)        CODEC(ZSTD(3)),
    span_id         Nullable(String)        CODEC(ZSTD(3)),
    service         LowCardinality(String)              CODEC(ZSTD(1)),
    occurred_at     DateTime64(3, 'UTC')    CODEC(Delta, ZSTD(1)),
    error_type      LowCardinality(String)              CODEC(ZSTD(1)),
    error_message   String                  CODEC(ZSTD(3)),
    file            LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    line            Nullable(Int32)         CODEC(T64, ZSTD(1)),
    fingerprint     String                  CODEC(ZSTD(3)),
    environment     LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    release         LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    stack_trace     Nullable(String)        CODEC(ZSTD(3)),  -- JSON array
    tags            Nullable(String)        CODEC(ZSTD(3)),  -- JSON object
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(occurred_at)
ORDER BY (organization_id, project_id, fingerprint, occurred_at)
TTL toDateTime(occurred_at) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;
