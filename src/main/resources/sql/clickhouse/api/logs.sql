-- Log search, newest first, a page plus the total count.
-- Parameters and semantics: see sql/duckdb/api/logs.sql.
SELECT toUnixTimestamp64Milli(l.ts) AS ts, l.service AS service, l.level AS level, l.message AS message,
       l.trace_id AS trace_id, l.span_id AS span_id, l.fields AS fields,
       count() OVER () AS total
FROM logs AS l
WHERE l.organization_id = :org AND l.project_id = :project
  AND l.ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND l.ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
  AND (:service IS NULL OR l.service = :service)
  AND (:trace_id IS NULL OR l.trace_id = :trace_id)
  AND (:q IS NULL OR positionCaseInsensitiveUTF8(l.message, ifNull(:q, '')) > 0)
  AND (:min_rank IS NULL OR
       CASE l.level WHEN 'DEBUG' THEN 0 WHEN 'INFO' THEN 1 WHEN 'NOTICE' THEN 2 WHEN 'WARNING' THEN 3
                    WHEN 'ERROR' THEN 4 WHEN 'CRITICAL' THEN 5 WHEN 'ALERT' THEN 6 WHEN 'EMERGENCY' THEN 7
                    ELSE 1 END >= ifNull(:min_rank, 0))
ORDER BY l.ts DESC, l.trace_id, l.span_id, l.message, l.level, l.fields
LIMIT :limit OFFSET :offset
