-- Outgoing HTTP calls grouped by host, path template and method, a page plus the total group count.
-- Parameters and semantics: see sql/duckdb/api/http_groups.sql.
SELECT h.host AS host, h.path_template AS path_template, ifNull(h.method, '') AS method,
       sum(h.sample_weight) AS count,
       sumIf(h.sample_weight, ifNull(h.status_code, 0) >= 400 OR ifNull(h.error, '') != '') AS errors,
       sum(h.duration_ms * h.sample_weight) / sum(h.sample_weight) AS avg_ms,
       quantileExactWeighted(0.95)(h.duration_ms, toUInt64(round(h.sample_weight * 1000))) AS p95_ms,
       sum(h.duration_ms * h.sample_weight) AS total_ms,
       count() OVER () AS total
FROM http_calls AS h
WHERE h.organization_id = :org AND h.project_id = :project
  AND h.start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND h.start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
  AND (:service IS NULL OR h.service = :service)
GROUP BY host, path_template, method
ORDER BY total_ms DESC, host, path_template, method
LIMIT :limit OFFSET :offset
