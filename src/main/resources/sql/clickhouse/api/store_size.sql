-- Bytes the store occupies on disk (store_path is empty: ClickHouse reports its own sizes).
-- Parameters: none.
SELECT '' AS store_path, sum(bytes_on_disk) AS store_bytes
FROM system.parts
WHERE active AND database = currentDatabase()
