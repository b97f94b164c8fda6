-- RED figures per endpoint (root span name) of one service.
-- Parameters: :org, :project, :from_ms, :to_ms, :service,
--   :sort ('requests' | 'p95' | 'errors' | 'name'; validated by the caller; ties broken by name).
-- Weighted as in services.sql.
SELECT name,
       sum(sample_weight) AS requests,
       sumIf(sample_weight, status = 'error') AS errors,
       sumIf(sample_weight, status = 'error') / sum(sample_weight) AS error_rate,
       sum(sample_weight) / ((:to_ms - :from_ms) / 60000.0) AS throughput_per_min,
       quantileExactWeighted(0.50)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p50_ms,
       quantileExactWeighted(0.95)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p95_ms,
       quantileExactWeighted(0.99)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p99_ms
FROM spans_min
WHERE organization_id = :org AND project_id = :project
  AND ifNull(parent_id, '') = '' AND service = :service
  AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
GROUP BY name
ORDER BY CASE WHEN :sort = 'requests' THEN requests END DESC,
         CASE WHEN :sort = 'p95' THEN p95_ms END DESC,
         CASE WHEN :sort = 'errors' THEN errors END DESC,
         name
