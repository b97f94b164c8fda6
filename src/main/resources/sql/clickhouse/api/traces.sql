-- Trace search: one row per trace (its root span), a page of the matches plus the total match count.
-- Parameters and semantics: see sql/duckdb/api/traces.sql (:tags is a JSON array [{"k","v"}]).
WITH matches AS (
    -- columns are qualified (r.) because ClickHouse lets output aliases shadow columns
    SELECT r.trace_id AS trace_id, r.span_id AS span_id, r.service AS service, r.name AS name,
           toUnixTimestamp64Milli(r.start_ts) AS start_ts, r.duration_ms AS duration_ms,
           r.cpu_ms AS cpu_ms, r.status AS status, r.http_method AS http_method, r.http_status AS http_status,
           r.sql_count AS sql_count, r.http_count AS http_count
    FROM spans_min AS r
    WHERE r.organization_id = :org AND r.project_id = :project
      AND r.is_entry = 1  -- entry spans
      AND r.start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND r.start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
      AND (:service IS NULL OR r.service = :service)
      AND (:name IS NULL OR r.name = :name)
      AND (:status IS NULL OR r.status = :status)
      AND (:min_ms IS NULL OR r.duration_ms >= :min_ms)
      AND (:max_ms IS NULL OR r.duration_ms <= :max_ms)
      AND (:tags IS NULL OR r.trace_id IN (
              SELECT trace_id FROM spans_full
              WHERE organization_id = :org AND project_id = :project
                AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms))
                AND arrayAll(t -> JSONExtractString(tags, t.1) = t.2,
                             JSONExtract(ifNull(:tags, '[]'), 'Array(Tuple(k String, v String))'))))
      AND (:q IS NULL
           OR positionCaseInsensitiveUTF8(r.name, ifNull(:q, '')) > 0
           OR r.trace_id IN (
              SELECT trace_id FROM spans_full
              WHERE organization_id = :org AND project_id = :project
                AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms))
                AND positionCaseInsensitiveUTF8(JSONExtractString(tags, 'http_request', 'uri'), ifNull(:q, '')) > 0)
           OR r.trace_id IN (
              SELECT trace_id FROM sql_queries
              WHERE organization_id = :org AND project_id = :project
                AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms))
                AND positionCaseInsensitiveUTF8(query, ifNull(:q, '')) > 0)
           OR r.trace_id IN (
              SELECT trace_id FROM errors
              WHERE organization_id = :org AND project_id = :project
                AND occurred_at >= fromUnixTimestamp64Milli(toInt64(:from_ms))
                AND positionCaseInsensitiveUTF8(error_message, ifNull(:q, '')) > 0))
),
page AS (
    SELECT *, count() OVER () AS total
    FROM matches
    ORDER BY CASE WHEN :sort = 'time' AND :order = 'desc' THEN start_ts END DESC,
             CASE WHEN :sort = 'time' AND :order = 'asc' THEN start_ts END ASC,
             CASE WHEN :sort = 'duration' AND :order = 'desc' THEN duration_ms END DESC,
             CASE WHEN :sort = 'duration' AND :order = 'asc' THEN duration_ms END ASC,
             trace_id, span_id
    LIMIT :limit OFFSET :offset
),
span_counts AS (
    SELECT s.trace_id AS trace_id, count() AS span_count
    FROM spans_min AS s
    WHERE s.organization_id = :org AND s.project_id = :project AND s.trace_id IN (SELECT trace_id FROM page)
      AND s.start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms))  -- spans start after their root
    GROUP BY s.trace_id
)
SELECT p.*, ifNull(c.span_count, 0) AS span_count
FROM page p
LEFT JOIN span_counts c ON c.trace_id = p.trace_id
ORDER BY CASE WHEN :sort = 'time' AND :order = 'desc' THEN p.start_ts END DESC,
         CASE WHEN :sort = 'time' AND :order = 'asc' THEN p.start_ts END ASC,
         CASE WHEN :sort = 'duration' AND :order = 'desc' THEN p.duration_ms END DESC,
         CASE WHEN :sort = 'duration' AND :order = 'asc' THEN p.duration_ms END ASC,
         p.trace_id, p.span_id
