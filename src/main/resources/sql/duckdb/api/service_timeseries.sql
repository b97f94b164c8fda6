-- RED time series of one service's entry spans (see services.sql), one row per non-empty bucket.
-- Parameters: :org, :project, :from_ms, :to_ms, :service, :interval_ms (bucket width, ms).
-- ts = bucket start (epoch ms, aligned to multiples of :interval_ms). Weighted percentiles as defined
-- in sql/duckdb/fragments.sql.
WITH buckets AS (
    SELECT (epoch_ms(start_ts) // :interval_ms) * :interval_ms AS ts,
           @duration_bucket,
           sum(sample_weight) AS requests,
           coalesce(sum(sample_weight) FILTER (WHERE status = 'error'), 0) AS errors
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND is_entry AND service = :service
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
    GROUP BY ts, bucket
),
ranked AS (
    SELECT *,
           @cumulative_weight(ts)
    FROM buckets
)
SELECT ts,
       sum(requests) AS requests,
       sum(errors) AS errors,
       @latency_percentiles
FROM ranked
GROUP BY ts
ORDER BY ts
