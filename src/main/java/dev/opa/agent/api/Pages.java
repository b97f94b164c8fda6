package dev.opa.agent.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the rows of a paged query (each carrying the match count in a {@code total} column) into the
 * API's list shape {@code {"items": [...], "total": N}}.
 */
public final class Pages {

    private final QueryRunner queries;

    public Pages(QueryRunner queries) {
        this.queries = queries;
    }

    public Map<String, Object> page(String queryName, Map<String, Object> params) {
        List<Map<String, Object>> rows = queries.query(queryName, params);
        long total;
        if (!rows.isEmpty()) {
            total = ((Number) rows.get(0).get("total")).longValue();
        } else if ((Integer) params.get("offset") > 0) {
            total = totalFromFirstRow(queryName, params);
        } else {
            total = 0;
        }
        rows.forEach(row -> row.remove("total"));
        return list(rows, total);
    }

    public static Map<String, Object> list(List<Map<String, Object>> items, long total) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("total", total);
        return out;
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    /** A page past the end has no row to carry the count: ask for the first row instead. */
    private long totalFromFirstRow(String queryName, Map<String, Object> params) {
        Map<String, Object> first = new LinkedHashMap<>(params);
        first.put("limit", 1);
        first.put("offset", 0);
        List<Map<String, Object>> rows = queries.query(queryName, first);
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get("total")).longValue();
    }
}
