-- Bytes the store occupies on disk. store_path names the database file when the size must be read
-- from the file system (DuckDB counts only checkpointed blocks; the WAL is not in store_bytes).
-- Parameters: none.
SELECT d.path AS store_path, s.total_blocks * s.block_size AS store_bytes
FROM pragma_database_size() s
JOIN duckdb_databases() d ON d.database_name = s.database_name
WHERE d.database_name = current_database()
