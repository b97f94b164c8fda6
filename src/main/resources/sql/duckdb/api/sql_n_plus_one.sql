-- N+1 detection: (trace, fingerprint) pairs where one statement shape ran >= :threshold times in one trace.
-- Parameters: :org, :project, :from_ms, :to_ms (statement start), :service (NULL = all), :threshold,
--   :limit, :offset. Counts are actual executions (not weighted). Worst first, ties by trace_id, fingerprint.
WITH stmts AS NOT MATERIALIZED (
    SELECT trace_id, fingerprint, normalized, duration_ms
    FROM sql_queries
    WHERE organization_id = :org AND project_id = :project
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
),
runs AS (
    -- grouped on 64-bit hashes of the two keys (collisions ~ 2^-64), a fraction of the memory of string keys (which
    -- ran out of a 256MB memory_limit on 5M statements in DuckDB 1.4); the strings are looked up for the runs found
    SELECT hash(trace_id) AS th, hash(fingerprint) AS fh, count(*) AS count, sum(duration_ms) AS total_ms
    FROM stmts
    GROUP BY th, fh
    HAVING count(*) >= :threshold
),
named AS (
    SELECT DISTINCT s.trace_id, s.fingerprint, r.count, r.total_ms
    FROM stmts s
    JOIN runs r ON r.th = hash(s.trace_id) AND r.fh = hash(s.fingerprint)
),
shapes AS (
    SELECT fingerprint, nullif(max(normalized), '') AS normalized  -- '' in rows with the text in sql_shapes
    FROM stmts
    WHERE hash(fingerprint) IN (SELECT fh FROM runs)
    GROUP BY fingerprint
)
SELECT r.trace_id, r.fingerprint,
       coalesce(s.normalized, (SELECT min(h.normalized) FROM sql_shapes h WHERE h.fingerprint = r.fingerprint))
           AS normalized,
       r.count, r.total_ms, count(*) OVER () AS total
FROM named r
JOIN shapes s ON s.fingerprint = r.fingerprint
ORDER BY r.count DESC, r.total_ms DESC, r.trace_id, r.fingerprint
LIMIT :limit OFFSET :offset
