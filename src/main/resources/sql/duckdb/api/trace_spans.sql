-- Every span of one trace with its JSON detail (detail columns are NULL when spans_full has no row).
-- The store decodes stack_* and detail_* (its segment files) into stack and sql .. file_io (SpanStore).
-- Parameters: :org, :project, :trace_id. Ordered by start time, then span_id.
-- spans_full is reached through an inner join on (trace_id, span_id, start_ts) with the trace's few
-- spans_min rows, so the engine can skip the detail table's row groups outside those start times.
WITH m AS MATERIALIZED (
    SELECT *
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project AND trace_id = :trace_id
),
f AS (
    SELECT d.*
    FROM spans_full d
    JOIN m ON d.trace_id = m.trace_id AND d.span_id = m.span_id AND d.start_ts = m.start_ts
    WHERE d.organization_id = :org AND d.project_id = :project
)
SELECT m.trace_id, m.span_id, m.parent_id, m.service, m.name,
       epoch_ms(m.start_ts) AS start_ts, epoch_ms(m.end_ts) AS end_ts, m.duration_ms, m.cpu_ms, m.status,
       m.http_method, m.http_route, m.http_status, m.sql_count, m.http_count, m.cache_count, m.sample_weight,
       m.sql_ms, m.http_ms,
       f.language, f.language_version, f.framework, f.framework_version,
       CAST(f.tags AS VARCHAR) AS tags, CAST(f.net AS VARCHAR) AS net, CAST(f.sql AS VARCHAR) AS sql,
       CAST(f.http AS VARCHAR) AS http, CAST(f.cache AS VARCHAR) AS cache, CAST(f.redis AS VARCHAR) AS redis,
       CAST(f.dumps AS VARCHAR) AS dumps, CAST(f.file_io AS VARCHAR) AS file_io,
       CAST(f.stack AS VARCHAR) AS stack, f.stack_lz4,
       f.stack_segment, f.stack_offset, f.stack_length,
       f.detail_segment, f.detail_offset, f.detail_length
FROM m
LEFT JOIN f ON f.span_id = m.span_id
ORDER BY m.start_ts, m.span_id
