-- SQL shared by the API queries of the ClickHouse store, expanded by SqlCatalog where a query writes @name or
-- @name(argument) (see SqlFragments). Same fragments, same meaning as sql/duckdb/fragments.sql, which
-- defines the weighted percentiles they compute.

-- @fragment duration_bucket
toInt32(floor(log(greatest(duration_ms, 0.001)) / log(1.01))) AS bucket,
           sum(round(sample_weight * 1000)) AS w,
           max(duration_ms) AS top_ms

-- @fragment cumulative_weight(keys)
sum(w) OVER (PARTITION BY $keys ORDER BY bucket ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_w,
           sum(w) OVER (PARTITION BY $keys) AS total_w

-- @fragment quantile(p)
minIf(top_ms, cum_w >= ceil(total_w * $p))

-- @fragment latency_percentiles
-- the RED queries' three percentiles of a group
@quantile(0.50) AS p50_ms,
       @quantile(0.95) AS p95_ms,
       @quantile(0.99) AS p99_ms
