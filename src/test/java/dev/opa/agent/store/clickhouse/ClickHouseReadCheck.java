package dev.opa.agent.store.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.api.QueryRunner;
import dev.opa.agent.api.SqlCatalog;

import java.io.File;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs API queries the way the REST API does with {@code store: clickhouse}: the real {@link QueryRunner}
 * over {@link ClickHouseSpanStore#readDataSource()} (clickhouse-jdbc) and {@code sql/clickhouse/api/}.
 * Input: a JSON file {@code {"<query name>": {"<param>": value, ...}, ...}}; output: a JSON file
 * {@code {"<query name>": [row, ...] | {"error": "..."}}}. Used by src/test/clickhouse/test_reads_jdbc.py.
 */
public final class ClickHouseReadCheck {

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode queries = mapper.readTree(new File(opt.get("params")));
        ClickHouseSpanStore store = new ClickHouseSpanStore(Map.of(
                "clickhouse.url", opt.get("url"),
                "clickhouse.database", opt.getOrDefault("database", "opa"),
                "clickhouse.user", opt.getOrDefault("user", "default"),
                "clickhouse.password", opt.getOrDefault("password", "")));
        var dataSource = store.readDataSource();
        QueryRunner runner = new QueryRunner(() -> dataSource, new SqlCatalog("clickhouse"));
        ObjectNode out = mapper.createObjectNode();
        for (var entry : (Iterable<Map.Entry<String, JsonNode>>) queries::fields) {
            Map<String, Object> params = new LinkedHashMap<>();
            entry.getValue().fields().forEachRemaining(p -> params.put(p.getKey(), value(p.getValue())));
            try {
                out.set(entry.getKey(), mapper.valueToTree(runner.query(entry.getKey(), params)));
            } catch (RuntimeException e) {
                out.putObject(entry.getKey()).put("error", String.valueOf(e.getMessage()));
            }
        }
        mapper.writeValue(new File(opt.get("out")), out);
    }

    /** JSON parameter values as the REST layer passes them: Long, Double, String or null. */
    private static Object value(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        return v.asText();
    }
}
