package dev.opa.agent.store.duckdb;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the embedded store ({@code opa.store.duckdb.*} in application.yaml).
 *
 * @param file         the database file; call stacks go to segment files beside it ({@code <file>.stacks})
 * @param readPoolSize pooled connections for the REST API's reads
 * @param pragmas      DuckDB settings applied at start, validated by {@link #pragmas(String, String, String)}
 * @param retentionDays days the rows of request data and their segment files are kept; 0 = forever
 */
public record DuckDbSettings(Path file, int readPoolSize, Map<String, String> pragmas, int retentionDays) {

    public static final int MAX_RETENTION_DAYS = 36500;

    private static final String SIZE = "\\d+(\\.\\d+)?\\s*[KMGT]?i?B";

    public DuckDbSettings {
        if (file == null) {
            throw new IllegalArgumentException("opa.store.duckdb.file is required");
        }
        pragmas = Map.copyOf(pragmas == null ? Map.of() : pragmas);
        if (retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS) {
            throw new IllegalArgumentException("opa.store.duckdb.retention-days must be between 0 (keep forever) and "
                    + MAX_RETENTION_DAYS + ", got " + retentionDays);
        }
    }

    /** Kept forever (no retention). */
    public DuckDbSettings(Path file, int readPoolSize, Map<String, String> pragmas) {
        this(file, readPoolSize, pragmas, 0);
    }

    /** From the {@code opa.store.*} settings without the prefix ({@code duckdb.file}, …), as the store factory passes them. */
    public static DuckDbSettings fromStoreSettings(Map<String, String> store) {
        String file = store.get("duckdb.file");
        return new DuckDbSettings(file == null ? null : Path.of(file),
                Integer.parseInt(store.getOrDefault("duckdb.read-pool-size", "4").trim()),
                pragmas(store.getOrDefault("duckdb.memory-limit", ""), store.getOrDefault("duckdb.checkpoint-threshold", ""),
                        store.getOrDefault("duckdb.threads", "")),
                intOrZero(store.get("duckdb.retention-days")));
    }

    private static int intOrZero(String value) {
        try {
            return value == null || value.isBlank() ? 0 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("opa.store.duckdb.retention-days must be a number of days, got " + value);
        }
    }

    /**
     * DuckDB settings from the agent's configuration; an empty value keeps DuckDB's default.
     *
     * @param memoryLimit         memory_limit, e.g. {@code 256MB} (DuckDB's default: 80% of RAM)
     * @param checkpointThreshold checkpoint_threshold, the WAL size that triggers a checkpoint (default 16MB)
     * @param threads             threads (default: one per core). 1 on a 2-core machine raised the ingest rate by
     *                            ~50% but made dashboard queries ~1.7x slower (docs/benchmarks.md)
     */
    public static Map<String, String> pragmas(String memoryLimit, String checkpointThreshold, String threads) {
        Map<String, String> out = new LinkedHashMap<>();
        put(out, "memory_limit", "memory-limit", memoryLimit, SIZE, "256MB");
        put(out, "checkpoint_threshold", "checkpoint-threshold", checkpointThreshold, SIZE, "128MB");
        put(out, "threads", "threads", threads, "[1-9]\\d{0,3}", "1");
        return out;
    }

    /** Values are validated: SET takes no parameters, so only these shapes ever reach the SQL text. */
    private static void put(Map<String, String> out, String setting, String key, String value, String shape,
            String example) {
        String v = value == null ? "" : value.trim();
        if (v.isEmpty()) {
            return;
        }
        if (!v.matches(shape)) {
            throw new IllegalArgumentException("opa.store.duckdb." + key + " must look like " + example + ", got " + v);
        }
        out.put(setting, v);
    }
}
