-- RED time series of one service's root spans, one row per non-empty bucket.
-- Bucket-level sums are named b_* because ClickHouse lets an output alias shadow a column.
-- Parameters and semantics: see sql/duckdb/api/service_timeseries.sql.
WITH buckets AS (
    SELECT intDiv(toUnixTimestamp64Milli(start_ts), toInt64(:interval_ms)) * toInt64(:interval_ms) AS ts,
           toInt32(floor(log(greatest(duration_ms, 0.001)) / log(1.01))) AS bucket,
           sum(round(sample_weight * 1000)) AS w,
           max(duration_ms) AS top_ms,
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
           sum(w) OVER (PARTITION BY ts ORDER BY bucket ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_w,
           sum(w) OVER (PARTITION BY ts) AS total_w
    FROM buckets
)
SELECT ts,
       sum(b_requests) AS requests,
       sum(b_errors) AS errors,
       minIf(top_ms, cum_w >= ceil(total_w * 0.50)) AS p50_ms,
       minIf(top_ms, cum_w >= ceil(total_w * 0.95)) AS p95_ms,
       minIf(top_ms, cum_w >= ceil(total_w * 0.99)) AS p99_ms
FROM ranked
GROUP BY ts
ORDER BY ts
