-- N+1 detection: (trace, fingerprint) pairs where one statement shape ran >= :threshold times in one trace.
-- Parameters and semantics: see sql/duckdb/api/sql_n_plus_one.sql.
SELECT trace_id, fingerprint, min(normalized) AS normalized, count() AS count, sum(duration_ms) AS total_ms,
       count() OVER () AS total
FROM sql_queries
WHERE organization_id = :org AND project_id = :project
  AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
  AND (:service IS NULL OR service = :service)
GROUP BY trace_id, fingerprint
HAVING count() >= :threshold
ORDER BY count DESC, total_ms DESC, trace_id, fingerprint
LIMIT :limit OFFSET :offset
