package dev.opa.agent.store.clickhouse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Connection and insert settings of the ClickHouse store ({@code opa.store.clickhouse.*} in
 * application.yaml).
 *
 * @param url          HTTP(S) endpoint, e.g. {@code http://127.0.0.1:8123}
 * @param tls          true forces https even when {@code url} says http
 * @param asyncInsert  server-side batching ({@code async_insert=1, wait_for_async_insert=1}): many small
 *                     batches from several agents become few parts; the write still returns only when
 *                     the data is durable, so spool and replay keep their meaning
 * @param initDir      folder of the numbered DDL applied at start (the repo's {@code clickhouse-init/})
 * @param timeout      per-request socket / execution timeout
 * @param readPoolSize pooled clickhouse-jdbc connections for the REST API's reads
 * @param retentionDays days the raw tables keep rows, applied at start; 0 leaves the tables' TTL as it is
 *                      (clickhouse-init/ default 30 days, or whatever an operator set with ALTER); at most
 *                      {@link #MAX_RETENTION_DAYS}
 */
public record ClickHouseSettings(
        String url,
        String database,
        String user,
        String password,
        boolean tls,
        boolean asyncInsert,
        Path initDir,
        Duration timeout,
        int readPoolSize,
        int retentionDays) {

    /**
     * Ten years. The TTL is {@code toDateTime(ts) + INTERVAL n DAY}, and ClickHouse's DateTime ends in 2106: past
     * it the expiry date wraps around to a date in the past, so every row would expire as it is inserted (36500
     * days, "a century", stored nothing). Ten years stays inside DateTime for data of the next seventy years.
     */
    public static final int MAX_RETENTION_DAYS = 3650;

    public ClickHouseSettings {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("opa.store.clickhouse.url is required");
        }
        if (database == null || !database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("opa.store.clickhouse.database must be an identifier, got: " + database);
        }
        user = user == null || user.isBlank() ? "default" : user;
        password = password == null ? "" : password;
        initDir = initDir == null ? Path.of("clickhouse-init") : initDir;
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        readPoolSize = readPoolSize <= 0 ? 4 : readPoolSize;
        if (retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS) {
            throw new IllegalArgumentException("opa.store.clickhouse.retention-days must be between 0 and "
                    + MAX_RETENTION_DAYS + " (ClickHouse's DateTime ends in 2106: a later expiry wraps to a past date"
                    + " and every row expires at once), got " + retentionDays);
        }
    }

    /** From the {@code opa.store.*} settings without the prefix ({@code clickhouse.url}, …), as the store factory passes them. */
    public static ClickHouseSettings fromStoreSettings(Map<String, String> store) {
        return new ClickHouseSettings(
                store.get("clickhouse.url"),
                store.getOrDefault("clickhouse.database", "opa"),
                store.get("clickhouse.user"),
                store.get("clickhouse.password"),
                Boolean.parseBoolean(store.getOrDefault("clickhouse.tls", "false").trim()),
                Boolean.parseBoolean(store.getOrDefault("clickhouse.async-insert", "false").trim()),
                Path.of(store.getOrDefault("clickhouse.init-dir", "clickhouse-init")),
                Duration.ofMillis(Long.parseLong(store.getOrDefault("clickhouse.timeout-ms", "30000").trim())),
                Integer.parseInt(store.getOrDefault("clickhouse.read-pool-size", "4").trim()),
                intOrZero(store.get("clickhouse.retention-days")));
    }

    private static int intOrZero(String value) {
        return value == null || value.isBlank() ? 0 : Integer.parseInt(value.trim());
    }

    /** The JDBC URL of the same endpoint and database (clickhouse-jdbc, for the REST API's reads). */
    public String jdbcUrl() {
        return "jdbc:clickhouse:" + endpoint() + "/" + database;
    }

    /** The endpoint to connect to, upgraded to https when {@code tls} is set. */
    public String endpoint() {
        return tls && url.startsWith("http://") ? "https://" + url.substring("http://".length()) : url;
    }
}
