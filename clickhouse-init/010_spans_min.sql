-- spans_min: one row per span, read by every list, chart and RED figure of the dashboard.
--
-- Size: ids are random hex (they dominate the row); everything else is a low-cardinality dimension
-- (LowCardinality), a time sorted inside the key (Delta + ZSTD) or a small integer (T64 + ZSTD).
-- Durations are stored as integer microseconds (T64 packs them into ~20 bits) and exposed as the
-- contract's `duration_ms` / `cpu_ms` (Float64) through ALIAS columns, so queries read the same
-- column names as the embedded store. The writer never sends the ALIAS columns.
--
-- Key: the dashboard always asks for a time range of one tenant, then narrows to a service and an
-- endpoint; toStartOfHour(start_ts) before service keeps time pruning effective while rows of one
-- endpoint stay adjacent inside the hour (good compression, good RED scans).
CREATE TABLE IF NOT EXISTS spans_min
(
    organization_id LowCardinality(String)              CODEC(ZSTD(1)),
    project_id      LowCardinality(String)              CODEC(ZSTD(1)),
    trace_id        String                              CODEC(ZSTD(3)),
    span_id         String                              CODEC(ZSTD(3)),
    parent_id       Nullable(String)                    CODEC(ZSTD(3)),  -- NULL on the trace's root span
    service         LowCardinality(String)              CODEC(ZSTD(1)),
    name            LowCardinality(String)              CODEC(ZSTD(1)),  -- web root span: "METHOD /route"
    start_ts        DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    end_ts          DateTime64(3, 'UTC')                CODEC(Delta, ZSTD(1)),
    duration_us     UInt64                              CODEC(T64, ZSTD(1)),
    cpu_us          UInt64                              CODEC(T64, ZSTD(1)),
    duration_ms     Float64 ALIAS duration_us / 1000,
    cpu_ms          Float64 ALIAS cpu_us / 1000,
    status          LowCardinality(String)              CODEC(ZSTD(1)),  -- 'ok' | 'error'
    http_method     LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    http_route      LowCardinality(Nullable(String))    CODEC(ZSTD(1)),
    http_status     Nullable(UInt16)                    CODEC(T64, ZSTD(1)),
    sql_count       UInt32                              CODEC(T64, ZSTD(1)),
    http_count      UInt32                              CODEC(T64, ZSTD(1)),
    cache_count     UInt32                              CODEC(T64, ZSTD(1)),  -- cache + redis records
    sample_weight   Float64                             CODEC(ZSTD(1)),  -- 1 / sampling probability
    is_entry        UInt8                               CODEC(ZSTD(1)),  -- 1: a request (root or continued trace), set by the agent
    sql_us          UInt64                              CODEC(T64, ZSTD(1)),  -- time in the sql_count statements
    http_us         UInt64                              CODEC(T64, ZSTD(1)),  -- time in the http_count calls
    sql_ms          Float64 ALIAS sql_us / 1000,
    http_ms         Float64 ALIAS http_us / 1000,
    INDEX idx_trace_id trace_id    TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration duration_us TYPE minmax             GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(start_ts)
ORDER BY (organization_id, project_id, toStartOfHour(start_ts), service, name, start_ts)
TTL toDateTime(start_ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Tables of versions before is_entry: the column, computed on read for their rows as the agent defines it
-- (Span.isEntry: a root, or a span that served an incoming HTTP request); new rows carry the agent's value.
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS is_entry UInt8
    DEFAULT (parent_id IS NULL OR ifNull(http_method, '') != '') CODEC(ZSTD(1));
-- Tables of versions before sql_us / http_us (SQL and HTTP time of a request, from its records or its RED tags):
-- 0 for their rows.
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS sql_us UInt64 CODEC(T64, ZSTD(1));
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS http_us UInt64 CODEC(T64, ZSTD(1));
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS sql_ms Float64 ALIAS sql_us / 1000;
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS http_ms Float64 ALIAS http_us / 1000;
