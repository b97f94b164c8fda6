-- Outgoing HTTP calls grouped by host, path template and method, a page plus the total group count.
-- Parameters: :org, :project, :from_ms, :to_ms (call start), :service (NULL = all), :limit, :offset.
-- count, errors, total_ms weighted by sample_weight; an error is a status >= 400 or a transport error.
-- Sorted by total time descending, ties by host, path_template, method.
WITH calls AS (
    SELECT *, CAST(round(sample_weight * 1000) AS BIGINT) AS w,
           coalesce(method, '') AS m
    FROM http_calls
    WHERE organization_id = :org AND project_id = :project
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
),
ranked AS (
    SELECT *,
           sum(w) OVER (PARTITION BY host, path_template, m ORDER BY duration_ms ROWS UNBOUNDED PRECEDING) AS cum_w,
           sum(w) OVER (PARTITION BY host, path_template, m) AS total_w
    FROM calls
),
groups AS (
    SELECT host, path_template, m AS method,
           sum(sample_weight) AS count,
           coalesce(sum(sample_weight) FILTER (WHERE status_code >= 400 OR (error IS NOT NULL AND error <> '')), 0) AS errors,
           sum(duration_ms * sample_weight) / sum(sample_weight) AS avg_ms,
           min(duration_ms) FILTER (WHERE cum_w >= ceil(total_w * 0.95)) AS p95_ms,
           sum(duration_ms * sample_weight) AS total_ms
    FROM ranked
    GROUP BY host, path_template, m
)
SELECT *, count(*) OVER () AS total
FROM groups
ORDER BY total_ms DESC, host, path_template, method
LIMIT :limit OFFSET :offset
