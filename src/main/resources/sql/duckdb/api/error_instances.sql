-- Occurrences of one error fingerprint, newest first, a page plus the total count.
-- Parameters: :org, :project, :from_ms, :to_ms, :fingerprint, :limit, :offset.
WITH matches AS NOT MATERIALIZED (
    SELECT epoch_ms(occurred_at) AS occurred_at, service, trace_id, span_id, error_type, error_message, file, line,
           fingerprint, environment, release, CAST(stack_trace AS VARCHAR) AS stack_trace, CAST(tags AS VARCHAR) AS tags
    FROM errors
    WHERE organization_id = :org AND project_id = :project AND fingerprint = :fingerprint
      AND occurred_at >= epoch_ms(:from_ms) AND occurred_at < epoch_ms(:to_ms)
)
SELECT *, (SELECT count(*) FROM matches) AS total
FROM matches
ORDER BY occurred_at DESC, trace_id, span_id, error_message, file, line
LIMIT :limit OFFSET :offset
