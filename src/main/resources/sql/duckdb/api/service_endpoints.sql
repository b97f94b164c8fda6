-- RED figures per endpoint (entry span name, see services.sql) of one service.
-- Parameters: :org, :project, :from_ms, :to_ms, :service,
--   :sort ('requests' | 'p95' | 'errors' | 'name'; validated by the caller; ties broken by name).
-- Weighted percentiles as defined in sql/duckdb/fragments.sql.
-- SQL and HTTP per request: statements (sql_count) and their time (sql_ms), outgoing calls and their time,
-- weighted like requests. A sampled request's come from its records, an unsampled one's (a root summary) from
-- its RED tags (docs/protocol.md §6), so they hold at any sample rate.
WITH buckets AS (
    SELECT name,
           @duration_bucket,
           sum(sample_weight) AS requests,
           coalesce(sum(sample_weight) FILTER (WHERE status = 'error'), 0) AS errors,
           sum(sql_count * sample_weight) AS sql_w,
           sum(sql_ms * sample_weight) AS sql_ms_w,
           sum(http_count * sample_weight) AS http_w,
           sum(http_ms * sample_weight) AS http_ms_w
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND is_entry AND service = :service
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
    GROUP BY name, bucket
),
ranked AS (
    SELECT *,
           @cumulative_weight(name)
    FROM buckets
),
endpoints AS (
    SELECT name,
           sum(requests) AS requests,
           sum(errors) AS errors,
           sum(errors) / sum(requests) AS error_rate,
           sum(requests) / ((:to_ms - :from_ms) / 60000.0) AS throughput_per_min,
           @latency_percentiles,
           sum(sql_w) / sum(requests) AS sql_per_request,
           sum(sql_ms_w) / sum(requests) AS sql_ms_per_request,
           sum(http_w) / sum(requests) AS http_per_request,
           sum(http_ms_w) / sum(requests) AS http_ms_per_request
    FROM ranked
    GROUP BY name
)
SELECT *
FROM endpoints
ORDER BY CASE WHEN :sort = 'requests' THEN requests END DESC,
         CASE WHEN :sort = 'p95' THEN p95_ms END DESC,
         CASE WHEN :sort = 'errors' THEN errors END DESC,
         name
