-- kept_traces: control-plane state (traces marked "keep"); the latest mark per trace wins on merge.
CREATE TABLE IF NOT EXISTS kept_traces
(
    trace_id  String               CODEC(ZSTD(3)),
    marked_at DateTime64(3, 'UTC') CODEC(ZSTD(1))
)
ENGINE = ReplacingMergeTree(marked_at)
ORDER BY trace_id;
