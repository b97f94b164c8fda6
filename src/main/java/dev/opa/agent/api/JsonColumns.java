package dev.opa.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** Replaces JSON-text columns of result rows by parsed JSON, so clients get objects, not strings. */
public final class JsonColumns {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonColumns() {
    }

    public static List<Map<String, Object>> parse(List<Map<String, Object>> rows, String... columns) {
        for (Map<String, Object> row : rows) {
            for (String column : columns) {
                Object value = row.get(column);
                if (value instanceof String text && !text.isEmpty()) {
                    row.put(column, parseOrKeep(text));
                }
            }
        }
        return rows;
    }

    private static Object parseOrKeep(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    static ObjectMapper mapper() {
        return MAPPER;
    }
}
