-- OPA embedded store schema (DuckDB). Idempotent: run at every start.
-- The logical model is shared with ClickHouse (clickhouse-init/): same tables, same column names.
-- Times are TIMESTAMP (UTC, from epoch ms); durations are milliseconds as DOUBLE.

-- One row per span: what lists, charts and RED figures read.
CREATE TABLE IF NOT EXISTS spans_min (
    organization_id VARCHAR   NOT NULL,
    project_id      VARCHAR   NOT NULL,
    trace_id        VARCHAR   NOT NULL,   -- 32 lowercase hex (legacy 16-hex ids are left-padded with zeros)
    span_id         VARCHAR   NOT NULL,
    parent_id       VARCHAR,              -- NULL on the trace's root span
    service         VARCHAR   NOT NULL,
    name            VARCHAR   NOT NULL,   -- web root span: "METHOD /route"
    start_ts        TIMESTAMP NOT NULL,
    end_ts          TIMESTAMP NOT NULL,
    duration_ms     DOUBLE    NOT NULL,
    cpu_ms          DOUBLE    NOT NULL,
    status          VARCHAR   NOT NULL,   -- 'ok' | 'error'
    http_method     VARCHAR,
    http_route      VARCHAR,
    http_status     INTEGER,
    sql_count       INTEGER   NOT NULL,
    http_count      INTEGER   NOT NULL,
    cache_count     INTEGER   NOT NULL,   -- cache + redis records
    sample_weight   DOUBLE    NOT NULL,   -- 1 / sampling probability; RED figures sum this
    is_entry        BOOLEAN,              -- a request: the trace's root or a span that served an incoming HTTP
                                          -- request of a continued trace (set by the agent: Span.isEntry)
    sql_ms          DOUBLE    DEFAULT 0,  -- time in the sql_count statements (records, else the opa.sql_ms tag)
    http_ms         DOUBLE    DEFAULT 0   -- time in the http_count calls (records, else the opa.http_ms tag)
);
-- files of versions before is_entry: the column, filled once for their rows as the agent defines it
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS is_entry BOOLEAN;
UPDATE spans_min SET is_entry = (parent_id IS NULL OR coalesce(http_method, '') <> '') WHERE is_entry IS NULL;
-- files of versions before sql_ms / http_ms (appended after is_entry: the writer's Appender follows column order)
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS sql_ms DOUBLE DEFAULT 0;
ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS http_ms DOUBLE DEFAULT 0;

-- Same keys plus the JSON detail of the span: read for one trace at a time.
CREATE TABLE IF NOT EXISTS spans_full (
    organization_id VARCHAR   NOT NULL,
    project_id      VARCHAR   NOT NULL,
    trace_id        VARCHAR   NOT NULL,
    span_id         VARCHAR   NOT NULL,
    service         VARCHAR   NOT NULL,
    start_ts        TIMESTAMP NOT NULL,
    language        VARCHAR,
    language_version VARCHAR,
    framework       VARCHAR,
    framework_version VARCHAR,
    tags            JSON,      -- object (includes http_request / http_response objects)
    net             JSON,      -- object
    -- sql, http, cache, redis, dumps, file_io: NULL when the span's lists are in a segment file (detail_*)
    sql             JSON,      -- array of {query, db_system, duration_ms, rows, start_ts}
    http            JSON,      -- array of outgoing calls
    cache           JSON,      -- array
    redis           JSON,      -- array
    dumps           JSON,      -- array
    stack           JSON,      -- array of call nodes (flat, linked by parent_id); rows of older versions
    stack_lz4       BLOB,      -- the same JSON text LZ4-compressed (StackCodec); rows of older versions
    stack_segment   INTEGER,   -- the stack (StackCodec bytes) in segment file <database file>.stacks/NNNNNN.seg
    stack_offset    BIGINT,    --   at this byte offset
    stack_length    INTEGER,   --   this many bytes (StackSegments: why the stacks live outside the database)
    file_io         JSON,      -- array of file operations {operation, path, bytes, duration_ms, start_ts}
    detail_segment  INTEGER,   -- the record lists (sql .. file_io, one LZ4 block: DetailBlock) of a span whose lists
    detail_offset   BIGINT,    --   are large, in the same segment files as the stacks; NULL when they are in the
    detail_length   INTEGER    --   columns (small ones, and rows of older versions)
);
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS stack_lz4 BLOB;  -- files of older versions
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS stack_segment INTEGER;
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS stack_offset BIGINT;
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS stack_length INTEGER;
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS file_io JSON;  -- in this order: the writer's Appender follows it
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS detail_segment INTEGER;
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS detail_offset BIGINT;
ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS detail_length INTEGER;

-- One row per SQL statement of a stored span: the SQL page and N+1 detection read this.
CREATE TABLE IF NOT EXISTS sql_queries (
    organization_id VARCHAR   NOT NULL,
    project_id      VARCHAR   NOT NULL,
    trace_id        VARCHAR   NOT NULL,
    span_id         VARCHAR   NOT NULL,
    service         VARCHAR   NOT NULL,
    start_ts        TIMESTAMP NOT NULL,   -- statement start (span start when unknown)
    fingerprint     VARCHAR   NOT NULL,   -- 16 hex of the normalised statement
    normalized      VARCHAR   NOT NULL,   -- literals -> ?, IN lists collapsed, whitespace folded; '' in rows of
                                          -- versions with sql_shapes, which holds it once per fingerprint
    query           VARCHAR   NOT NULL,   -- as received (already redacted by the extension)
    db_system       VARCHAR,
    duration_ms     DOUBLE    NOT NULL,
    rows            BIGINT,
    sample_weight   DOUBLE    NOT NULL
);

-- The normalised text of each statement shape (fingerprint), written with the first statement of that shape the
-- store meets (again after a restart past SqlShapes.MAX shapes: readers take any one row of a fingerprint).
-- DuckDB only (ClickHouse keeps sql_queries.normalized filled): the text was half of the statement bytes.
CREATE TABLE IF NOT EXISTS sql_shapes (
    fingerprint     VARCHAR   NOT NULL,
    normalized      VARCHAR   NOT NULL
);

-- One row per outgoing HTTP call of a stored span.
CREATE TABLE IF NOT EXISTS http_calls (
    organization_id VARCHAR   NOT NULL,
    project_id      VARCHAR   NOT NULL,
    trace_id        VARCHAR   NOT NULL,
    span_id         VARCHAR   NOT NULL,
    service         VARCHAR   NOT NULL,
    start_ts        TIMESTAMP NOT NULL,
    method          VARCHAR,
    url             VARCHAR   NOT NULL,
    host            VARCHAR   NOT NULL,
    path_template   VARCHAR   NOT NULL,   -- numeric / uuid / hex path segments -> {id}
    status_code     INTEGER,
    duration_ms     DOUBLE    NOT NULL,
    bytes_sent      BIGINT,
    bytes_received  BIGINT,
    error           VARCHAR,
    sample_weight   DOUBLE    NOT NULL
);

-- Error instances (type=error messages). Groups are GROUP BY fingerprint.
CREATE TABLE IF NOT EXISTS errors (
    organization_id VARCHAR   NOT NULL,
    project_id      VARCHAR   NOT NULL,
    trace_id        VARCHAR,
    span_id         VARCHAR,
    service         VARCHAR   NOT NULL,
    occurred_at     TIMESTAMP NOT NULL,
    error_type      VARCHAR   NOT NULL,
    error_message   VARCHAR   NOT NULL,
    file            VARCHAR,
    line            INTEGER,
    fingerprint     VARCHAR   NOT NULL,
    environment     VARCHAR,
    release         VARCHAR,
    stack_trace     JSON,
    tags            JSON
);

CREATE TABLE IF NOT EXISTS logs (
    organization_id VARCHAR   NOT NULL,
    project_id      VARCHAR   NOT NULL,
    trace_id        VARCHAR,
    span_id         VARCHAR,
    service         VARCHAR   NOT NULL,
    ts              TIMESTAMP NOT NULL,
    level           VARCHAR   NOT NULL,
    message         VARCHAR   NOT NULL,
    fields          JSON
);

-- One row per dump (opa_dump) of a stored span: the dumps page and live view read this.
CREATE TABLE IF NOT EXISTS dumps (
    organization_id VARCHAR   NOT NULL,
    project_id      VARCHAR   NOT NULL,
    trace_id        VARCHAR   NOT NULL,
    span_id         VARCHAR   NOT NULL,
    service         VARCHAR   NOT NULL,
    ts              TIMESTAMP NOT NULL,
    file            VARCHAR,
    line            INTEGER,
    data            VARCHAR,   -- JSON text as sent
    text            VARCHAR
);

-- Control-plane state (keep marks, runtime sampling rate) survives restarts.
CREATE TABLE IF NOT EXISTS kept_traces (
    trace_id        VARCHAR   PRIMARY KEY,
    marked_at       TIMESTAMP NOT NULL
);
