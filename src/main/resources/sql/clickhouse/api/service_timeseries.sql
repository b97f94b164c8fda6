-- RED time series of one service's root spans, one row per non-empty bucket.
-- Bucket-level sums are named b_* because ClickHouse lets an output alias shadow a column.
-- Parameters and semantics: see sql/duckdb/api/service_timeseries.sql.
WITH buckets AS (
    SELECT intDiv(toUnixTimestamp64Milli(start_ts), toInt64(:interval_ms)) * toInt64(:interval_ms) AS ts,
           @duration_bucket,
           sum(sample_weight) AS b_requests,
           sumIf(sample_weight, status = 'error') AS b_errors
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND is_entry = 1 AND service = :service
      AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
    GROUP BY ts, bucket
),
ranked AS (
    SELECT *,
           @cumulative_weight(ts)
    FROM buckets
)
SELECT ts,
       sum(b_requests) AS requests,
       sum(b_errors) AS errors,
       @latency_percentiles
FROM ranked
GROUP BY ts
ORDER BY ts
