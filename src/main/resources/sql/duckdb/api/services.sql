-- RED figures per service over its entry spans (one row per request). An entry span is a trace's root
-- (parent_id NULL) or a span that served an incoming HTTP request of a continued trace (W3C traceparent:
-- its parent is the caller's span in another service), so every service of a distributed trace counts.
-- Parameters: :org, :project, :from_ms, :to_ms (epoch ms, half-open range).
-- Weighted: a span kept with sample_weight w counts as w requests; the percentiles are the weighted ones
-- defined in sql/duckdb/fragments.sql, as in every API query and in the ClickHouse dialect.
-- SQL and HTTP per request: statements (sql_count) and their time (sql_ms), outgoing calls and their time,
-- weighted like requests. A sampled request's come from its records, an unsampled one's (a root summary) from
-- its RED tags (docs/protocol.md §6), so they hold at any sample rate.
WITH buckets AS (
    SELECT service,
           @duration_bucket,
           sum(sample_weight) AS requests,
           coalesce(sum(sample_weight) FILTER (WHERE status = 'error'), 0) AS errors,
           sum(sql_count * sample_weight) AS sql_w,
           sum(sql_ms * sample_weight) AS sql_ms_w,
           sum(http_count * sample_weight) AS http_w,
           sum(http_ms * sample_weight) AS http_ms_w
    FROM spans_min
    WHERE organization_id = :org AND project_id = :project
      AND is_entry  -- entry spans (see header)
      AND start_ts >= epoch_ms(:from_ms) AND start_ts < epoch_ms(:to_ms)
    GROUP BY service, bucket
),
ranked AS (
    SELECT *,
           @cumulative_weight(service)
    FROM buckets
)
SELECT service,
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
GROUP BY service
ORDER BY service
