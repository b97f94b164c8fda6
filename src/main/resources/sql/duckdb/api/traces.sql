-- Trace search: one row per request (entry span: the trace root, or a span serving an incoming HTTP request
-- of a continued trace; see services.sql), a page of the matches plus the total match count.
-- Parameters: :org, :project, :from_ms, :to_ms (root start, half-open), paging :limit, :offset.
-- Optional filters (NULL disables): :service, :name, :status ('ok' | 'error'), :min_ms, :max_ms
--   (root duration, inclusive), :tags (JSON array [{"k": key, "v": value}]: some span of the trace has
--   every listed top-level tag equal to its value), :q (case-insensitive literal substring of the root
--   name, a span's request URL, an SQL statement or an error message of the trace).
-- Sort: :sort ('time' | 'duration'), :order ('desc' | 'asc'); ties broken by trace_id, span_id.
-- span_count = spans of the trace starting at or after :from_ms (all of them: spans start after their root).
WITH matches AS MATERIALIZED (
    -- only the sort and paging keys, computed once (the count and the page both read it); the page's
    -- other columns are read for its rows alone (rows below)
    SELECT trace_id, span_id, start_ts, duration_ms
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND is_entry  -- entry spans (see header)
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
      AND (CAST(:name AS VARCHAR) IS NULL OR name = :name)
      AND (CAST(:status AS VARCHAR) IS NULL OR status = :status)
      AND (CAST(:min_ms AS DOUBLE) IS NULL OR duration_ms >= :min_ms)
      AND (CAST(:max_ms AS DOUBLE) IS NULL OR duration_ms <= :max_ms)
      AND (CAST(:tags AS VARCHAR) IS NULL OR trace_id IN (
              SELECT trace_id FROM spans_full
              WHERE organization_id = :org AND project_id = :project AND start_ts >= epoch_ms(:from_ms)
                AND list_bool_and(list_transform(
                        from_json(CAST(:tags AS VARCHAR), '[{"k":"VARCHAR","v":"VARCHAR"}]'),
                        t -> coalesce(json_extract_string(tags, '$."' || t.k || '"') = t.v, false)))))
      AND (CAST(:q AS VARCHAR) IS NULL
           OR contains(lower(name), lower(:q))
           OR trace_id IN (
              SELECT trace_id FROM spans_full
              WHERE organization_id = :org AND project_id = :project AND start_ts >= epoch_ms(:from_ms)
                AND contains(lower(json_extract_string(tags, '$.http_request.uri')), lower(:q)))
           OR trace_id IN (
              SELECT trace_id FROM sql_queries
              WHERE organization_id = :org AND project_id = :project AND start_ts >= epoch_ms(:from_ms)
                AND contains(lower(query), lower(:q)))
           OR trace_id IN (
              SELECT trace_id FROM errors
              WHERE organization_id = :org AND project_id = :project AND occurred_at >= epoch_ms(:from_ms)
                AND contains(lower(error_message), lower(:q))))
),
page AS MATERIALIZED (
    -- the total is a separate count: a window over all matches would materialise every matching row
    SELECT *, (SELECT count(*) FROM matches) AS total
    FROM matches
    ORDER BY CASE WHEN :sort = 'time' AND :order = 'desc' THEN start_ts END DESC,
             CASE WHEN :sort = 'time' AND :order = 'asc' THEN start_ts END ASC,
             CASE WHEN :sort = 'duration' AND :order = 'desc' THEN duration_ms END DESC,
             CASE WHEN :sort = 'duration' AND :order = 'asc' THEN duration_ms END ASC,
             trace_id, span_id
    LIMIT :limit OFFSET :offset
),
rows AS (
    SELECT r.trace_id, r.span_id, r.service, r.name, epoch_ms(r.start_ts) AS start_ts, r.duration_ms, r.cpu_ms,
           r.status, r.http_method, r.http_status, r.sql_count, r.http_count
    FROM spans_min r
    JOIN page p ON p.trace_id = r.trace_id AND p.span_id = r.span_id AND p.start_ts = r.start_ts
    WHERE r.organization_id = :org AND r.project_id = :project
),
span_counts AS (
    SELECT trace_id, count(*) AS span_count
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project AND trace_id IN (SELECT trace_id FROM page)
      AND start_ts >= epoch_ms(:from_ms)  -- a trace's spans start after its root: lets the scan skip older data
    GROUP BY trace_id
)
SELECT w.*, p.total, coalesce(c.span_count, 0) AS span_count
FROM page p
JOIN rows w ON w.trace_id = p.trace_id AND w.span_id = p.span_id
LEFT JOIN span_counts c ON c.trace_id = p.trace_id
ORDER BY CASE WHEN :sort = 'time' AND :order = 'desc' THEN p.start_ts END DESC,
         CASE WHEN :sort = 'time' AND :order = 'asc' THEN p.start_ts END ASC,
         CASE WHEN :sort = 'duration' AND :order = 'desc' THEN p.duration_ms END DESC,
         CASE WHEN :sort = 'duration' AND :order = 'asc' THEN p.duration_ms END ASC,
         p.trace_id, p.span_id
