-- Occurrences of one error fingerprint, newest first, a page plus the total count.
-- Parameters: :org, :project, :from_ms, :to_ms, :fingerprint, :limit, :offset.
SELECT toUnixTimestamp64Milli(e.occurred_at) AS occurred_at, e.service AS service, e.trace_id AS trace_id,
       e.span_id AS span_id, e.error_type AS error_type, e.error_message AS error_message, e.file AS file,
       e.line AS line, e.fingerprint AS fingerprint, e.environment AS environment, e.release AS release,
       e.stack_trace AS stack_trace, e.tags AS tags,
       count() OVER () AS total
FROM errors AS e
WHERE e.organization_id = :org AND e.project_id = :project AND e.fingerprint = :fingerprint
  AND e.occurred_at >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND e.occurred_at < fromUnixTimestamp64Milli(toInt64(:to_ms))
ORDER BY e.occurred_at DESC, e.trace_id, e.span_id, e.error_message, e.file, e.line
LIMIT :limit OFFSET :offset
