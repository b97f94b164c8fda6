-- Log search, newest first, a page plus the total count.
-- Parameters: :org, :project, :from_ms, :to_ms, :limit, :offset; optional (NULL disables): :service,
--   :trace_id, :min_rank (minimum level rank: DEBUG 0, INFO 1, NOTICE 2, WARNING 3, ERROR 4,
--   CRITICAL 5, ALERT 6, EMERGENCY 7; unknown levels rank 1), :q (case-insensitive literal substring of the message).
WITH matches AS NOT MATERIALIZED (
    SELECT epoch_ms(ts) AS ts, service, level, message, trace_id, span_id, CAST(fields AS VARCHAR) AS fields
    FROM logs
    WHERE organization_id = :org AND project_id = :project
      AND ts >= epoch_ms(:from_ms) AND ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
      AND (CAST(:trace_id AS VARCHAR) IS NULL OR trace_id = :trace_id)
      AND (CAST(:q AS VARCHAR) IS NULL OR contains(lower(message), lower(:q)))
      AND (CAST(:min_rank AS INTEGER) IS NULL OR
           CASE level WHEN 'DEBUG' THEN 0 WHEN 'INFO' THEN 1 WHEN 'NOTICE' THEN 2 WHEN 'WARNING' THEN 3
                      WHEN 'ERROR' THEN 4 WHEN 'CRITICAL' THEN 5 WHEN 'ALERT' THEN 6 WHEN 'EMERGENCY' THEN 7
                      ELSE 1 END >= :min_rank)
)
-- the total is a separate count: a window over all matches would materialise every matching row
SELECT *, (SELECT count(*) FROM matches) AS total
FROM matches
ORDER BY ts DESC, trace_id, span_id, message, level, fields
LIMIT :limit OFFSET :offset
