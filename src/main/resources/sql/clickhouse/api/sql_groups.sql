-- SQL statements grouped by normalised fingerprint, a page plus the total group count.
-- Parameters and semantics: see sql/duckdb/api/sql_groups.sql.
WITH buckets AS (
    SELECT fingerprint,
           @duration_bucket
    FROM sql_queries
    WHERE organization_id = :org AND project_id = :project
      AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
      AND (:service IS NULL OR service = :service)
    GROUP BY fingerprint, bucket
),
p95 AS (
    SELECT fingerprint, @quantile(0.95) AS p95_ms
    FROM (SELECT *, @cumulative_weight(fingerprint) FROM buckets)
    GROUP BY fingerprint
),
groups AS (
    SELECT fingerprint,
           min(normalized) AS normalized,
           argMax(query, duration_ms) AS example,
           min(db_system) AS db_system,
           sum(sample_weight) AS count,
           sum(duration_ms * sample_weight) AS total_ms,
           sum(duration_ms * sample_weight) / sum(sample_weight) AS avg_ms,
           arraySort(groupUniqArray(service)) AS services
    FROM sql_queries
    WHERE organization_id = :org AND project_id = :project
      AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
      AND (:service IS NULL OR service = :service)
    GROUP BY fingerprint
),
runs AS (
    SELECT fingerprint, uniqExact(trace_id) AS n_plus_one_traces
    FROM (SELECT fingerprint, trace_id
          FROM sql_queries
          WHERE organization_id = :org AND project_id = :project
            AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
            AND (:service IS NULL OR service = :service)
          GROUP BY fingerprint, trace_id
          HAVING count() >= :threshold)
    GROUP BY fingerprint
)
SELECT g.fingerprint AS fingerprint, g.normalized AS normalized, g.example AS example, g.db_system AS db_system,
       g.count AS count, g.total_ms AS total_ms, g.avg_ms AS avg_ms, p.p95_ms AS p95_ms, g.services AS services,
       ifNull(r.n_plus_one_traces, 0) AS n_plus_one_traces, count() OVER () AS total
FROM groups AS g
INNER JOIN p95 AS p ON p.fingerprint = g.fingerprint
LEFT JOIN runs AS r ON r.fingerprint = g.fingerprint
ORDER BY CASE WHEN :sort = 'total' THEN g.total_ms END DESC,
         CASE WHEN :sort = 'count' THEN g.count END DESC,
         CASE WHEN :sort = 'avg' THEN g.avg_ms END DESC,
         CASE WHEN :sort = 'p95' THEN p.p95_ms END DESC,
         g.fingerprint
LIMIT :limit OFFSET :offset
SETTINGS join_use_nulls = 1
