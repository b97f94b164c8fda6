-- SQL statements grouped by normalised fingerprint, a page plus the total group count.
-- Parameters: :org, :project, :from_ms, :to_ms (statement start), :service (NULL = all),
--   :threshold (N+1: a fingerprint run >= threshold times in one trace), :limit, :offset,
--   :sort ('total' | 'count' | 'avg' | 'p95'; descending, ties broken by fingerprint).
-- count and total_ms are weighted by sample_weight (estimated totals); p95 is the weighted percentile
-- defined in sql/duckdb/fragments.sql; example = the slowest statement as received.
WITH stmts AS NOT MATERIALIZED ( -- scanned per use, never held: it includes every statement text
    SELECT fingerprint, trace_id, service, normalized, query, db_system, duration_ms, sample_weight
    FROM sql_queries
    WHERE organization_id = :org AND project_id = :project
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
      AND (CAST(:service AS VARCHAR) IS NULL OR service = :service)
),
buckets AS (
    SELECT fingerprint,
           @duration_bucket
    FROM stmts
    GROUP BY fingerprint, bucket
),
p95 AS (
    SELECT fingerprint, @quantile(0.95) AS p95_ms
    FROM (SELECT *, @cumulative_weight(fingerprint) FROM buckets)
    GROUP BY fingerprint
),
runs AS (
    -- grouped on 64-bit hashes of fingerprint and trace id: same groups as the strings (collisions ~ 2^-64), half
    -- the memory and time of string keys (which ran out of a 256MB memory_limit on 5M statements in DuckDB 1.4)
    SELECT fp, count(*) AS n_plus_one_traces
    FROM (SELECT hash(fingerprint) AS fp FROM stmts GROUP BY fp, hash(trace_id) HAVING count(*) >= :threshold)
    GROUP BY fp
),
groups AS (
    SELECT fingerprint,
           nullif(max(normalized), '') AS normalized,  -- '' in rows with the text in sql_shapes
           arg_max(query, duration_ms) AS example,
           min(db_system) AS db_system,
           sum(sample_weight) AS count,
           sum(duration_ms * sample_weight) AS total_ms,
           sum(duration_ms * sample_weight) / sum(sample_weight) AS avg_ms,
           list_sort(list(DISTINCT service)) AS services
    FROM stmts
    GROUP BY fingerprint
)
SELECT g.fingerprint,
       coalesce(g.normalized, (SELECT min(h.normalized) FROM sql_shapes h WHERE h.fingerprint = g.fingerprint))
           AS normalized,
       g.example, g.db_system, g.count, g.total_ms, g.avg_ms, p.p95_ms, g.services,
       coalesce(r.n_plus_one_traces, 0) AS n_plus_one_traces, count(*) OVER () AS total
FROM groups g
JOIN p95 p ON p.fingerprint = g.fingerprint
LEFT JOIN runs r ON r.fp = hash(g.fingerprint)
ORDER BY CASE WHEN :sort = 'total' THEN g.total_ms END DESC,
         CASE WHEN :sort = 'count' THEN g.count END DESC,
         CASE WHEN :sort = 'avg' THEN g.avg_ms END DESC,
         CASE WHEN :sort = 'p95' THEN p.p95_ms END DESC,
         g.fingerprint
LIMIT :limit OFFSET :offset
