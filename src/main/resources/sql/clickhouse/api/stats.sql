-- Row counts of the store (all tenants).
-- Parameters: none.
SELECT (SELECT count() FROM spans_min) AS spans_stored,
       (SELECT count() FROM spans_min WHERE ifNull(parent_id, '') = '') AS traces_stored,
       (SELECT count() FROM errors) AS errors_stored,
       (SELECT count() FROM logs) AS logs_stored
