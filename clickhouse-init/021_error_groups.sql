-- error_groups: per tenant, fingerprint and hour, the group's figures, maintained at insert time by a
-- materialized view over errors. Reading a group list for a range sums a few rows per group instead
-- of scanning every instance (hour resolution; exact bounds come from errors).
CREATE TABLE IF NOT EXISTS error_groups
(
    organization_id  LowCardinality(String)             CODEC(ZSTD(1)),
    project_id       LowCardinality(String)             CODEC(ZSTD(1)),
    fingerprint      String                                                      CODEC(ZSTD(3)),
    hour             DateTime('UTC')                                             CODEC(Delta, ZSTD(1)),
    error_type       SimpleAggregateFunction(anyLast, String)                    CODEC(ZSTD(3)),
    error_message    SimpleAggregateFunction(anyLast, String)                    CODEC(ZSTD(3)),
    occurrences      SimpleAggregateFunction(sum, UInt64)                        CODEC(T64, ZSTD(1)),
    first_seen       SimpleAggregateFunction(min, DateTime64(3, 'UTC'))          CODEC(ZSTD(1)),
    last_seen        SimpleAggregateFunction(max, DateTime64(3, 'UTC'))          CODEC(ZSTD(1)),
    services         SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(3)),
    sample_trace_ids AggregateFunction(groupUniqArray(5), Nullable(String))      CODEC(ZSTD(3))  -- NULLs skipped
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(hour)
ORDER BY (organization_id, project_id, fingerprint, hour)
TTL hour + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS error_groups_mv TO error_groups AS
SELECT
    organization_id,
    project_id,
    fingerprint,
    toStartOfHour(occurred_at)                     AS hour,
    anyLast(error_type)                            AS error_type,
    anyLast(error_message)                         AS error_message,
    count()                                        AS occurrences,
    min(occurred_at)                               AS first_seen,
    max(occurred_at)                               AS last_seen,
    groupUniqArray(toString(service))              AS services,
    groupUniqArrayState(5)(trace_id)               AS sample_trace_ids
FROM errors
GROUP BY organization_id, project_id, fingerprint, hour;
