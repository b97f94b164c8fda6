-- SQL shared by the API queries of the DuckDB store, expanded by SqlCatalog where a query writes @name or
-- @name(argument) (see SqlFragments). The ClickHouse dialect defines the same fragments with the same meaning.
--
-- Weighted percentiles of durations. A row kept with sample_weight w counts as w requests (statements, calls).
-- Rows fall into 1%-wide logarithmic duration buckets (bucket = floor(ln(max(duration_ms, 0.001)) / ln(1.01)),
-- bucket weight = sum of round(w * 1000)); the p-quantile is the largest duration seen in the first bucket
-- (in duration order) where the cumulative weight reaches ceil(total * p). That is the exact weighted quantile
-- or at most 1% above it, and it needs a hash aggregation instead of a sort of every row. A query uses it in
-- three steps:
--   buckets AS (SELECT <keys>, @duration_bucket, <other sums> FROM <rows> GROUP BY <keys>, bucket)
--   ranked  AS (SELECT *, @cumulative_weight(<keys>) FROM buckets)
--   SELECT <keys>, @quantile(0.95) AS p95_ms, ... FROM ranked GROUP BY <keys>

-- @fragment duration_bucket
-- the bucket of a row and, per bucket, its weight (w) and its longest duration (top_ms)
CAST(floor(ln(greatest(duration_ms, 0.001)) / ln(1.01)) AS INTEGER) AS bucket,
           sum(round(sample_weight * 1000)) AS w,
           max(duration_ms) AS top_ms

-- @fragment cumulative_weight(keys)
-- per group of keys: the weight up to and including this bucket (cum_w) and the group's whole weight (total_w)
sum(w) OVER (PARTITION BY $keys ORDER BY bucket ROWS UNBOUNDED PRECEDING) AS cum_w,
           sum(w) OVER (PARTITION BY $keys) AS total_w

-- @fragment quantile(p)
-- the p-quantile of a group (an aggregate over its ranked buckets)
min(top_ms) FILTER (WHERE cum_w >= ceil(total_w * $p))

-- @fragment latency_percentiles
-- the RED queries' three percentiles of a group
@quantile(0.50) AS p50_ms,
       @quantile(0.95) AS p95_ms,
       @quantile(0.99) AS p99_ms
