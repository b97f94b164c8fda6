-- Error instances of one trace, oldest first.
-- Parameters: :org, :project, :trace_id.
SELECT toUnixTimestamp64Milli(occurred_at) AS occurred_at, service, trace_id, span_id, error_type, error_message,
       file, line, fingerprint, environment, release, stack_trace, tags
FROM errors
WHERE organization_id = :org AND project_id = :project AND trace_id = :trace_id
ORDER BY errors.occurred_at, fingerprint, span_id, error_message, file, line
