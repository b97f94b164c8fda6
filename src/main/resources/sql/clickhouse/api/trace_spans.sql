-- Every span of one trace with its JSON detail (JSON columns as text).
-- Parameters: :org, :project, :trace_id. Ordered by start time, then span_id.
-- The trace's time range comes from trace_index (clickhouse-init/040): only the day partitions and
-- granules of that range are read (plus the trace_id bloom filter / spans_full's trace_id key).
SELECT m.trace_id, m.span_id, m.parent_id, m.service, m.name,
       toUnixTimestamp64Milli(m.start_ts) AS start_ts, toUnixTimestamp64Milli(m.end_ts) AS end_ts,
       m.duration_ms, m.cpu_ms, m.status,
       m.http_method, m.http_route, m.http_status, m.sql_count, m.http_count, m.cache_count, m.sample_weight,
       m.sql_ms, m.http_ms,
       f.language, f.language_version, f.framework, f.framework_version,
       f.tags, f.net, f.sql, f.http, f.cache, f.redis, f.dumps, f.file_io, f.stack
FROM (SELECT *, duration_ms, cpu_ms, sql_ms, http_ms FROM spans_min  -- ALIAS columns are not part of *
      WHERE organization_id = :org AND project_id = :project AND trace_id = :trace_id
        AND start_ts BETWEEN (SELECT min(start_min) FROM trace_index WHERE trace_id = :trace_id)
                         AND (SELECT max(start_max) FROM trace_index WHERE trace_id = :trace_id)) AS m
LEFT JOIN (SELECT * FROM spans_full
           WHERE organization_id = :org AND project_id = :project AND trace_id = :trace_id
             AND start_ts BETWEEN (SELECT min(start_min) FROM trace_index WHERE trace_id = :trace_id)
                              AND (SELECT max(start_max) FROM trace_index WHERE trace_id = :trace_id)) AS f
  ON f.span_id = m.span_id
ORDER BY m.start_ts, m.span_id
