-- Dumps (opa_dump calls), newest first, a page plus the total count.
-- Parameters: :org, :project, :from_ms, :to_ms, :limit, :offset; optional (NULL disables): :service, :trace_id.
WITH matches AS NOT MATERIALIZED (
    SELECT epoch_ms(ts) AS ts, service, trace_id, span_id, file, line, data, text
    FROM dumps
    WHERE organization_id = :org AND project_id = :project
      AND ts >= epoch_ms(:from_ms) AND ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
      AND (CAST(:trace_id AS VARCHAR) IS NULL OR trace_id = :trace_id)
)
SELECT *, (SELECT count(*) FROM matches) AS total
FROM matches
ORDER BY ts DESC, trace_id, span_id, file, line, text, data
LIMIT :limit OFFSET :offset
