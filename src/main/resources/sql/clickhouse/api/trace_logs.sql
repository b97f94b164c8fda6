-- Log records of one trace, oldest first.
-- Parameters: :org, :project, :trace_id.
SELECT toUnixTimestamp64Milli(ts) AS ts, service, level, message, trace_id, span_id, fields
FROM logs
WHERE organization_id = :org AND project_id = :project AND trace_id = :trace_id
ORDER BY logs.ts, span_id, message, level, fields
