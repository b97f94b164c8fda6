package dev.opa.agent.store.clickhouse;

import dev.opa.agent.store.RequestTables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ALTERs that set how many days the raw tables (and the trace index and error groups over them) keep
 * their rows, for {@code opa.store.clickhouse.retention-days}. Expiry drops whole day partitions
 * ({@code ttl_only_drop_parts}); the red_1m rollup keeps its own, longer TTL.
 */
final class ClickHouseRetention {

    /** Table → the time column its TTL counts from (as in clickhouse-init/). */
    static final Map<String, String> TIME_COLUMNS = timeColumns();

    private ClickHouseRetention() {
    }

    static List<String> statements(int days) {
        if (days <= 0) {
            throw new IllegalArgumentException("retention must be at least one day, got " + days);
        }
        return TIME_COLUMNS.entrySet().stream()
                .map(e -> "ALTER TABLE " + e.getKey() + " MODIFY TTL toDateTime(" + e.getValue() + ") + INTERVAL "
                        + days + " DAY")
                .toList();
    }

    private static Map<String, String> timeColumns() {
        Map<String, String> m = new LinkedHashMap<>(RequestTables.TIME_COLUMNS);
        m.put("trace_index", "start_min");
        m.put("error_groups", "hour");
        return java.util.Collections.unmodifiableMap(m);
    }
}
