-- Bytes the store occupies on disk.
-- Parameters: none.
SELECT sum(bytes_on_disk) AS store_bytes
FROM system.parts
WHERE active AND database = currentDatabase()
