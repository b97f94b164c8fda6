-- N+1 detection: (trace, fingerprint) pairs where one statement shape ran >= :threshold times in one trace.
-- Parameters: :org, :project, :from_ms, :to_ms (statement start), :service (NULL = all), :threshold,
--   :limit, :offset. Counts are actual executions (not weighted). Worst first, ties by trace_id, fingerprint.
WITH runs AS (
    SELECT trace_id, fingerprint, min(normalized) AS normalized, count(*) AS count, sum(duration_ms) AS total_ms
    FROM sql_queries
    WHERE organization_id = :org AND project_id = :project
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
    GROUP BY trace_id, fingerprint
    HAVING count(*) >= :threshold
)
SELECT *, count(*) OVER () AS total
FROM runs
ORDER BY count DESC, total_ms DESC, trace_id, fingerprint
LIMIT :limit OFFSET :offset
