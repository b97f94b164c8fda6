-- Bytes the store occupies on disk.
-- Parameters: none.
SELECT sum(total_blocks * block_size) AS store_bytes FROM pragma_database_size()
