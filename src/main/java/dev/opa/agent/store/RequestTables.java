package dev.opa.agent.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tables of request data both stores have, each with the time column its rows expire by (retention: DuckDB's
 * DELETE, ClickHouse's TTL). Not the DuckDB-only sql_shapes (a dictionary of statement shapes by fingerprint, shared
 * by old and new rows) nor kept_traces (control-plane keep marks).
 */
public final class RequestTables {

    /** Table → time column, in a fixed order. */
    public static final Map<String, String> TIME_COLUMNS = timeColumns();

    private RequestTables() {
    }

    private static Map<String, String> timeColumns() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("spans_min", "start_ts");
        m.put("spans_full", "start_ts");
        m.put("sql_queries", "start_ts");
        m.put("http_calls", "start_ts");
        m.put("dumps", "ts");
        m.put("errors", "occurred_at");
        m.put("logs", "ts");
        return java.util.Collections.unmodifiableMap(m);
    }
}
