-- Bytes the store occupies on disk as DuckDB counts them (checkpointed blocks only: the store adds its WAL,
-- DuckDbSpanStore.bytesOnDisk).
-- Parameters: none.
SELECT s.total_blocks * s.block_size AS store_bytes
FROM pragma_database_size() s
WHERE s.database_name = current_database()
