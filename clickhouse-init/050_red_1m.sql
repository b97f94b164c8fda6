-- red_1m: per-minute RED rollup of entry spans (a trace's root, or a span serving an incoming HTTP
-- request of a continued W3C trace): requests, errors, duration per service and endpoint,
-- maintained at insert time. Counts are sample-weighted (a span kept at 10% counts 10 requests);
-- the quantile state is weighted by the rounded sample weight. Kept longer than raw spans.
-- Read with: sum(requests), sum(errors), quantilesTDigestWeightedMerge(0.5, 0.95, 0.99)(duration_quantiles).
CREATE TABLE IF NOT EXISTS red_1m
(
    organization_id    LowCardinality(String)           CODEC(ZSTD(1)),
    project_id         LowCardinality(String)           CODEC(ZSTD(1)),
    service            LowCardinality(String)           CODEC(ZSTD(1)),
    name               LowCardinality(String)           CODEC(ZSTD(1)),
    minute             DateTime('UTC')                                  CODEC(DoubleDelta, ZSTD(1)),
    requests           SimpleAggregateFunction(sum, Float64)            CODEC(ZSTD(1)),
    errors             SimpleAggregateFunction(sum, Float64)            CODEC(ZSTD(1)),
    duration_sum_ms    SimpleAggregateFunction(sum, Float64)            CODEC(ZSTD(1)),
    duration_quantiles AggregateFunction(quantilesTDigestWeighted(0.5, 0.95, 0.99), Float64, UInt64) CODEC(ZSTD(1))
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(minute)
ORDER BY (organization_id, project_id, service, name, minute)
TTL minute + INTERVAL 90 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS red_1m_mv TO red_1m AS
SELECT
    organization_id,
    project_id,
    service,
    name,
    toStartOfMinute(start_ts)                   AS minute,
    sum(sample_weight)                          AS requests,
    sumIf(sample_weight, status = 'error')      AS errors,
    sum(duration_us / 1000 * sample_weight)     AS duration_sum_ms,
    quantilesTDigestWeightedState(0.5, 0.95, 0.99)(duration_us / 1000, toUInt64(greatest(1, round(sample_weight)))) AS duration_quantiles
FROM spans_min
WHERE is_entry = 1  -- entry spans: roots and continued-trace requests
GROUP BY organization_id, project_id, service, name, minute;
