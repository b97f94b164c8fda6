-- RED time series of one service's root spans, one row per non-empty bucket.
-- Parameters: :org, :project, :from_ms, :to_ms, :service, :interval_ms (bucket width, ms).
-- ts = bucket start (epoch ms, aligned to multiples of :interval_ms). Weighted as in services.sql.
WITH roots AS (
    SELECT (epoch_ms(start_ts) // :interval_ms) * :interval_ms AS ts,
           duration_ms, status, sample_weight,
           CAST(round(sample_weight * 1000) AS BIGINT) AS w
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND parent_id IS NULL AND service = :service
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
),
ranked AS (
    SELECT *,
           sum(w) OVER (PARTITION BY ts ORDER BY duration_ms ROWS UNBOUNDED PRECEDING) AS cum_w,
           sum(w) OVER (PARTITION BY ts) AS total_w
    FROM roots
)
SELECT ts,
       sum(sample_weight) AS requests,
       coalesce(sum(sample_weight) FILTER (WHERE status = 'error'), 0) AS errors,
       min(duration_ms) FILTER (WHERE cum_w >= ceil(total_w * 0.50)) AS p50_ms,
       min(duration_ms) FILTER (WHERE cum_w >= ceil(total_w * 0.95)) AS p95_ms,
       min(duration_ms) FILTER (WHERE cum_w >= ceil(total_w * 0.99)) AS p99_ms
FROM ranked
GROUP BY ts
ORDER BY ts
