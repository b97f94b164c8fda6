package dev.opa.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.SpanTrees;

/** Builds model records for store-level API tests (the pipeline's output, as the store receives it). */
final class TestSpans {

    static final String ORG = "default-org";
    static final String PROJECT = "default-project";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TestSpans() {
    }

    static String traceId(int n) {
        return String.format("%032x", n);
    }

    static String spanId(int n) {
        return String.format("%016x", n);
    }

    static Span root(int trace, String service, String name, long startMs, double durationMs, String status,
            double weight) {
        return span(traceId(trace), spanId(trace), null, service, name, startMs, durationMs, status, JSON.objectNode(),
                JSON.arrayNode(), JSON.arrayNode(), weight);
    }

    static Span span(String traceId, String spanId, String parentId, String service, String name, long startMs,
            double durationMs, String status, ObjectNode tags, ArrayNode sql, ArrayNode dumps, double weight) {
        String method = name.contains(" ") ? name.substring(0, name.indexOf(' ')) : null;
        return SpanTrees.span(ORG, PROJECT, traceId, spanId, parentId, service, name, startMs, startMs + (long) durationMs,
                durationMs, durationMs / 2, status, method, null, "error".equals(status) ? 500 : 200, "php", "8.3",
                null, null, tags, JSON.objectNode(), sql, JSON.arrayNode(), JSON.arrayNode(), JSON.arrayNode(), dumps,
                JSON.arrayNode(), weight);
    }

    static ArrayNode sql(String... queries) {
        ArrayNode a = JSON.arrayNode();
        for (String q : queries) {
            a.addObject().put("query", q).put("db_system", "mysql").put("duration_ms", 2.0);
        }
        return a;
    }

    static ObjectNode tags(String... keyValues) {
        ObjectNode o = JSON.objectNode();
        for (int i = 0; i < keyValues.length; i += 2) {
            o.put(keyValues[i], keyValues[i + 1]);
        }
        return o;
    }

    static ArrayNode dump(long tsMs, String text) {
        ArrayNode a = JSON.arrayNode();
        a.addObject().put("start_ts", tsMs).put("file", "/app/index.php").put("line", 7).put("data", "{\"a\":1}")
                .put("text", text);
        return a;
    }

    static ErrorEvent error(int trace, String service, long atMs, String type, String message, String fingerprint) {
        return new ErrorEvent(ORG, PROJECT, traceId(trace), spanId(trace), service, atMs, type, message,
                "/app/x.php", 12, fingerprint, "prod", "1.0", JSON.arrayNode(), JSON.objectNode());
    }

    static LogEvent log(int trace, String service, long atMs, String level, String message) {
        return new LogEvent(ORG, PROJECT, traceId(trace), spanId(trace), service, atMs, level, message,
                JSON.objectNode().put("k", "v"));
    }

    static JsonNode empty() {
        return JSON.objectNode();
    }
}
