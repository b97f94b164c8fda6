-- Errors grouped by fingerprint, a page plus the total group count.
-- Parameters: :org, :project, :from_ms, :to_ms (occurrence time), :service (NULL = all), :limit, :offset.
-- error_type / error_message are those of the latest occurrence; sample_trace_ids = up to 5 distinct
-- trace ids, sorted. Sorted by last_seen descending, ties by fingerprint.
WITH groups AS (
    SELECT fingerprint,
           arg_max(error_type, occurred_at) AS error_type,
           arg_max(error_message, occurred_at) AS error_message,
           count(*) AS count,
           epoch_ms(min(occurred_at)) AS first_seen,
           epoch_ms(max(occurred_at)) AS last_seen,
           list_sort(list(DISTINCT service)) AS services,
           list_slice(list_sort(list(DISTINCT trace_id) FILTER (WHERE trace_id IS NOT NULL)), 1, 5) AS sample_trace_ids
    FROM errors
    WHERE organization_id = :org AND project_id = :project
      AND occurred_at >= epoch_ms(:from_ms) AND occurred_at < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
    GROUP BY fingerprint
)
SELECT *, count(*) OVER () AS total
FROM groups
ORDER BY last_seen DESC, fingerprint
LIMIT :limit OFFSET :offset
