-- Errors grouped by fingerprint, a page plus the total group count.
-- Parameters and semantics: see sql/duckdb/api/error_groups.sql.
SELECT e.fingerprint AS fingerprint,
       argMax(e.error_type, e.occurred_at) AS error_type,
       argMax(e.error_message, e.occurred_at) AS error_message,
       count() AS count,
       toUnixTimestamp64Milli(min(e.occurred_at)) AS first_seen,
       toUnixTimestamp64Milli(max(e.occurred_at)) AS last_seen,
       arraySort(groupUniqArray(e.service)) AS services,
       arraySlice(arraySort(groupUniqArray(e.trace_id)), 1, 5) AS sample_trace_ids,
       count() OVER () AS total
FROM errors AS e
WHERE e.organization_id = :org AND e.project_id = :project
  AND e.occurred_at >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND e.occurred_at < fromUnixTimestamp64Milli(toInt64(:to_ms))
  AND (:service IS NULL OR e.service = :service)
GROUP BY e.fingerprint
ORDER BY last_seen DESC, fingerprint
LIMIT :limit OFFSET :offset
