-- RED figures per service over root spans (one row per request).
-- Parameters: :org, :project, :from_ms, :to_ms (epoch ms, half-open range).
-- Weighted: a span kept with sample_weight w counts as w requests. Percentiles: quantileExactWeighted on
-- integer weights round(w * 1000) (same definition as sql/duckdb/api/services.sql).
SELECT service,
       sum(sample_weight) AS requests,
       sumIf(sample_weight, status = 'error') AS errors,
       sumIf(sample_weight, status = 'error') / sum(sample_weight) AS error_rate,
       sum(sample_weight) / ((:to_ms - :from_ms) / 60000.0) AS throughput_per_min,
       quantileExactWeighted(0.50)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p50_ms,
       quantileExactWeighted(0.95)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p95_ms,
       quantileExactWeighted(0.99)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p99_ms
FROM spans_min
WHERE organization_id = :org AND project_id = :project
  AND ifNull(parent_id, '') = ''
  AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
GROUP BY service
ORDER BY service
