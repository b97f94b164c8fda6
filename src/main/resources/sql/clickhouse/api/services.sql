-- RED figures per service over root spans (one row per request).
-- Parameters: :org, :project, :from_ms, :to_ms (epoch ms, half-open range).
-- Weighted requests as in sql/duckdb/api/services.sql; weighted percentiles as defined in sql/duckdb/fragments.sql.
-- SQL and HTTP per request as in sql/duckdb/api/services.sql (records, else an unsampled request's RED tags).
WITH buckets AS (
    SELECT service,
           @duration_bucket,
           sum(sample_weight) AS b_requests,
           sumIf(sample_weight, status = 'error') AS b_errors,
           sum(sql_count * sample_weight) AS b_sql,
           sum(sql_ms * sample_weight) AS b_sql_ms,
           sum(http_count * sample_weight) AS b_http,
           sum(http_ms * sample_weight) AS b_http_ms
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND is_entry = 1  -- entry spans
      AND start_ts >= fromUnixTimestamp64Milli(toInt64(:from_ms)) AND start_ts < fromUnixTimestamp64Milli(toInt64(:to_ms))
    GROUP BY service, bucket
),
ranked AS (
    SELECT *,
           @cumulative_weight(service)
    FROM buckets
)
SELECT service,
       sum(b_requests) AS requests,
       sum(b_errors) AS errors,
       sum(b_errors) / sum(b_requests) AS error_rate,
       sum(b_requests) / ((:to_ms - :from_ms) / 60000.0) AS throughput_per_min,
       @latency_percentiles,
       sum(b_sql) / sum(b_requests) AS sql_per_request,
       sum(b_sql_ms) / sum(b_requests) AS sql_ms_per_request,
       sum(b_http) / sum(b_requests) AS http_per_request,
       sum(b_http_ms) / sum(b_requests) AS http_ms_per_request
FROM ranked
GROUP BY service
ORDER BY service
