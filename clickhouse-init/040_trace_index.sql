-- trace_index: trace id -> tenant, time range and span count, fed at insert time from spans_min.
-- Fetching a trace by id first reads this (primary-key lookup), then spans_min / spans_full
-- restricted to [start_min, start_max]: partition pruning plus the trace_id bloom filter instead of a
-- scan of the whole retention. A trace crossing midnight has one row per day partition: take
-- min(start_min) / max(start_max) over the rows.
CREATE TABLE IF NOT EXISTS trace_index
(
    trace_id        String                                               CODEC(ZSTD(3)),
    organization_id LowCardinality(String)              CODEC(ZSTD(1)),
    project_id      LowCardinality(String)              CODEC(ZSTD(1)),
    start_min       SimpleAggregateFunction(min, DateTime64(3, 'UTC'))   CODEC(ZSTD(1)),
    start_max       SimpleAggregateFunction(max, DateTime64(3, 'UTC'))   CODEC(ZSTD(1)),
    span_count      SimpleAggregateFunction(sum, UInt64)                 CODEC(T64, ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(start_min)
ORDER BY (trace_id, organization_id, project_id)
TTL toDateTime(start_min) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS trace_index_mv TO trace_index AS
SELECT
    trace_id,
    organization_id,
    project_id,
    min(start_ts) AS start_min,
    max(start_ts) AS start_max,
    count()       AS span_count
FROM spans_min
GROUP BY trace_id, organization_id, project_id;
