-- spans_full: the same keys plus the JSON detail of the span, read for one trace at a time.
-- Ordered by trace id, so fetching a trace is a primary-key range read inside the day partitions that
-- trace_index (040) names; the JSON of spans of one trace sits together and compresses well.
-- JSON detail is kept as the text received (String + ZSTD): it is only ever returned whole.
CREATE TABLE IF NOT EXISTS spans_full
(
    organization_id   LowCardinality(String)            CODEC(ZSTD(1)),
    project_id        LowCardinality(String)            CODEC(ZSTD(1)),
    trace_id          String                  CODEC(ZSTD(3)),
    span_id           String                  CODEC(ZSTD(3)),
    service           LowCardinality(String)            CODEC(ZSTD(1)),
    start_ts          DateTime64(3, 'UTC')    CODEC(Delta, ZSTD(1)),
    language          LowCardinality(Nullable(String))  CODEC(ZSTD(1)),
    language_version  LowCardinality(Nullable(String))  CODEC(ZSTD(1)),
    framework         LowCardinality(Nullable(String))  CODEC(ZSTD(1)),
    framework_version LowCardinality(Nullable(String))  CODEC(ZSTD(1)),
    tags              String                  CODEC(ZSTD(3)),  -- JSON object
    net               String                  CODEC(ZSTD(3)),  -- JSON object
    sql               String                  CODEC(ZSTD(3)),  -- JSON array
    http              String                  CODEC(ZSTD(3)),  -- JSON array
    cache             String                  CODEC(ZSTD(3)),  -- JSON array
    redis             String                  CODEC(ZSTD(3)),  -- JSON array
    dumps             String                  CODEC(ZSTD(3)),  -- JSON array
    stack             String                  CODEC(ZSTD(3)),  -- JSON array of call nodes
    file_io           String DEFAULT '[]'     CODEC(ZSTD(3))   -- JSON array of file operations
)
ENGINE = MergeTree
PARTITION BY toDate(start_ts)
ORDER BY (trace_id, span_id)
TTL toDateTime(start_ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

-- Tables of versions before file_io: '[]' for their rows.
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS file_io String DEFAULT '[]' CODEC(ZSTD(3));
