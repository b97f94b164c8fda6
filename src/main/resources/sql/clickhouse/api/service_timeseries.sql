-- RED time series of one service's root spans, one row per non-empty bucket.
-- Parameters: :org, :project, :from_ms, :to_ms, :service, :interval_ms (bucket width, ms).
-- ts = bucket start (epoch ms, aligned to multiples of :interval_ms). Weighted as in services.sql.
SELECT intDiv(toUnixTimestamp64Milli(start_ts), toInt64(:interval_ms)) * toInt64(:interval_ms) AS ts,
       sum(sample_weight) AS requests,
       sumIf(sample_weight, status = 'error') AS errors,
       quantileExactWeighted(0.50)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p50_ms,
       quantileExactWeighted(0.95)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p95_ms,
       quantileExactWeighted(0.99)(duration_ms, toUInt64(round(sample_weight * 1000))) AS p99_ms
FROM spans_min
WHERE organization_id = :org AND project_id = :project
  AND ifNull(parent_id, '') = '' AND service = :service
  AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
GROUP BY ts
ORDER BY ts
