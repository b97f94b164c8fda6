-- Outgoing HTTP calls grouped by host, path template and method, a page plus the total group count.
-- Parameters: :org, :project, :from_ms, :to_ms (call start), :service (NULL = all), :limit, :offset.
-- count, errors, total_ms weighted by sample_weight; an error is a status >= 400 or a transport error;
-- p95 is the weighted percentile defined in sql/duckdb/fragments.sql.
-- Sorted by total time descending, ties by host, path_template, method.
WITH buckets AS (
    SELECT host, path_template, coalesce(method, '') AS method,
           @duration_bucket,
           sum(sample_weight) AS count,
           coalesce(sum(sample_weight) FILTER (WHERE status_code >= 400 OR (error IS NOT NULL AND error <> '')), 0) AS errors,
           sum(duration_ms * sample_weight) AS total_ms
    FROM http_calls
    WHERE organization_id = :org AND project_id = :project
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
    GROUP BY host, path_template, coalesce(method, ''), bucket
),
ranked AS (
    SELECT *,
           @cumulative_weight(host, path_template, method)
    FROM buckets
),
groups AS (
    SELECT host, path_template, method,
           sum(count) AS count,
           sum(errors) AS errors,
           sum(total_ms) / sum(count) AS avg_ms,
           @quantile(0.95) AS p95_ms,
           sum(total_ms) AS total_ms
    FROM ranked
    GROUP BY host, path_template, method
)
SELECT *, count(*) OVER () AS total
FROM groups
ORDER BY total_ms DESC, host, path_template, method
LIMIT :limit OFFSET :offset
