-- Dumps (opa_dump calls), newest first, a page plus the total count.
-- Parameters and semantics: see sql/duckdb/api/dumps.sql.
SELECT toUnixTimestamp64Milli(d.ts) AS ts, d.service AS service, d.trace_id AS trace_id, d.span_id AS span_id,
       d.file AS file, d.line AS line, d.data AS data, d.text AS text,
       count() OVER () AS total
FROM dumps AS d
WHERE d.organization_id = :org AND d.project_id = :project
  AND d.ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND d.ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
  AND (:service IS NULL OR d.service = :service)
  AND (:trace_id IS NULL OR d.trace_id = :trace_id)
ORDER BY d.ts DESC, d.trace_id, d.span_id, d.file, d.line, d.text, d.data
LIMIT :limit OFFSET :offset
