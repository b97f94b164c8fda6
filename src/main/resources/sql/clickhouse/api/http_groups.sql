-- Outgoing HTTP calls grouped by host, path template and method, a page plus the total group count.
-- Bucket-level sums are named b_* because ClickHouse lets an output alias shadow a column.
-- Parameters and semantics: see sql/duckdb/api/http_groups.sql.
WITH buckets AS (
    SELECT h.host AS host, h.path_template AS path_template, ifNull(h.method, '') AS method,
           @duration_bucket,
           sum(h.sample_weight) AS b_count,
           sumIf(h.sample_weight, ifNull(h.status_code, 0) >= 400 OR ifNull(h.error, '') != '') AS b_errors,
           sum(h.duration_ms * h.sample_weight) AS b_total_ms
    FROM http_calls AS h
    WHERE h.organization_id = :org AND h.project_id = :project
      AND h.start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND h.start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
      AND (:service IS NULL OR h.service = :service)
    GROUP BY host, path_template, method, bucket
),
ranked AS (
    SELECT *,
           @cumulative_weight(host, path_template, method)
    FROM buckets
),
groups AS (
    SELECT host, path_template, method,
           sum(b_count) AS count,
           sum(b_errors) AS errors,
           sum(b_total_ms) / sum(b_count) AS avg_ms,
           @quantile(0.95) AS p95_ms,
           sum(b_total_ms) AS total_ms
    FROM ranked
    GROUP BY host, path_template, method
)
SELECT *, count() OVER () AS total
FROM groups
ORDER BY total_ms DESC, host, path_template, method
LIMIT :limit OFFSET :offset
