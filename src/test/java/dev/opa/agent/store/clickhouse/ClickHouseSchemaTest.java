package dev.opa.agent.store.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClickHouseSchemaTest {

    @Test
    void splitsStatementsAtLineEndSemicolonsIgnoringComments() {
        String sql = "-- head\nCREATE TABLE a\n(\n  x UInt8 -- c;\n);\n\n-- between\nCREATE VIEW v AS\nSELECT ';'; -- done\n";
        assertEquals(List.of("CREATE TABLE a\n(\n  x UInt8 -- c;\n)", "CREATE VIEW v AS\nSELECT ';'"),
                ClickHouseSchema.split(sql));
    }

    @Test
    void theRepositoryDdlIsOnlyIdempotentCreatesAndColumnAdds() throws IOException {
        List<String> statements = ClickHouseSchema.statements(Path.of("clickhouse-init"));
        assertEquals(20, statements.size(), "11 tables, 3 materialized views, 6 columns added for upgrades");
        for (String s : statements) {
            assertTrue(s.startsWith("CREATE TABLE IF NOT EXISTS ") || s.startsWith("CREATE MATERIALIZED VIEW IF NOT EXISTS ")
                    || s.matches("(?s)ALTER TABLE \\w+ ADD COLUMN IF NOT EXISTS .*"), s.lines().findFirst().orElse(s));
        }
    }

    @Test
    void missingDirectoryIsAClearError() {
        IOException e = assertThrows(IOException.class, () -> ClickHouseSchema.statements(Path.of("no-such-dir")));
        assertTrue(e.getMessage().contains("opa.store.clickhouse.init-dir"), e.getMessage());
    }

    @Test
    void settingsFromStoreKeysWithDefaultsAndValidation() {
        ClickHouseSettings s = ClickHouseSettings.fromStoreSettings(Map.of("clickhouse.url", "http://db:8123",
                "clickhouse.tls", "true", "clickhouse.async-insert", "true"));
        assertEquals("https://db:8123", s.endpoint());
        assertEquals("jdbc:clickhouse:https://db:8123/opa", s.jdbcUrl());
        assertEquals("default", s.user());
        assertTrue(s.asyncInsert());
        assertThrows(IllegalArgumentException.class, () -> ClickHouseSettings.fromStoreSettings(
                Map.of("clickhouse.url", "http://db:8123", "clickhouse.database", "opa; DROP TABLE x")));
        assertThrows(IllegalArgumentException.class, () -> ClickHouseSettings.fromStoreSettings(Map.of()));
    }

    @Test
    void retentionAltersEveryRawTableByItsTimeColumn() throws IOException {
        List<String> alters = ClickHouseRetention.statements(7);
        assertTrue(alters.contains("ALTER TABLE spans_min MODIFY TTL toDateTime(start_ts) + INTERVAL 7 DAY"), alters.toString());
        assertTrue(alters.contains("ALTER TABLE errors MODIFY TTL toDateTime(occurred_at) + INTERVAL 7 DAY"));
        String ddl = String.join("\n", ClickHouseSchema.statements(Path.of("clickhouse-init")));
        for (var e : ClickHouseRetention.TIME_COLUMNS.entrySet()) {
            assertTrue(ddl.contains("CREATE TABLE IF NOT EXISTS " + e.getKey() + "\n"), e.getKey());
            assertTrue(ddl.contains("TTL toDateTime(" + e.getValue() + ")") || ddl.contains("TTL " + e.getValue() + " +"),
                    e.getKey() + " has a TTL on " + e.getValue());
        }
        assertThrows(IllegalArgumentException.class, () -> ClickHouseRetention.statements(0));
        assertEquals(7, ClickHouseSettings.fromStoreSettings(Map.of("clickhouse.url", "http://h:8123",
                "clickhouse.retention-days", "7")).retentionDays());
        assertEquals(0, ClickHouseSettings.fromStoreSettings(Map.of("clickhouse.url", "http://h:8123",
                "clickhouse.retention-days", "")).retentionDays());
        assertEquals(3650, ClickHouseSettings.fromStoreSettings(Map.of("clickhouse.url", "http://h:8123",
                "clickhouse.retention-days", "3650")).retentionDays());
    }

    /** 36500 days made toDateTime(start_ts) + INTERVAL 36500 DAY wrap past 2106 to 1990: every row expired on insert. */
    @Test
    void retentionPastClickHouseDateTimeIsAClearStartError() {
        for (String days : List.of("36500", "3651", "-1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClickHouseSettings
                    .fromStoreSettings(Map.of("clickhouse.url", "http://h:8123", "clickhouse.retention-days", days)));
            assertTrue(e.getMessage().contains("between 0 and 3650") && e.getMessage().contains(days), e.getMessage());
        }
    }
}
