-- RED figures per service over root spans (one row per request).
-- Parameters: :org, :project, :from_ms, :to_ms (epoch ms, half-open range).
-- Weighted: a span kept with sample_weight w counts as w requests. Percentiles are the exact
-- weighted quantile on integer weights round(w * 1000): the smallest duration whose cumulative
-- weight reaches ceil(total * p) (ClickHouse's quantileExactWeighted definition).
WITH roots AS (
    SELECT service, duration_ms, status, sample_weight,
           CAST(round(sample_weight * 1000) AS BIGINT) AS w
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND parent_id IS NULL
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
),
ranked AS (
    SELECT *,
           sum(w) OVER (PARTITION BY service ORDER BY duration_ms ROWS UNBOUNDED PRECEDING) AS cum_w,
           sum(w) OVER (PARTITION BY service) AS total_w
    FROM roots
)
SELECT service,
       sum(sample_weight) AS requests,
       coalesce(sum(sample_weight) FILTER (WHERE status = 'error'), 0) AS errors,
       coalesce(sum(sample_weight) FILTER (WHERE status = 'error'), 0) / sum(sample_weight) AS error_rate,
       sum(sample_weight) / ((:to_ms - :from_ms) / 60000.0) AS throughput_per_min,
       min(duration_ms) FILTER (WHERE cum_w >= ceil(total_w * 0.50)) AS p50_ms,
       min(duration_ms) FILTER (WHERE cum_w >= ceil(total_w * 0.95)) AS p95_ms,
       min(duration_ms) FILTER (WHERE cum_w >= ceil(total_w * 0.99)) AS p99_ms
FROM ranked
GROUP BY service
ORDER BY service
