package dev.opa.agent.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicLong;

/** Protocol messages (docs/protocol.md §3) as an extension sends them. */
final class ProtocolMessages {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() & 0xffffffL);

    private ProtocolMessages() {
    }

    static String newTraceId() {
        return String.format("%016x%016x", 0xabcL, IDS.incrementAndGet());
    }

    static String newSpanId() {
        return String.format("%016x", IDS.incrementAndGet());
    }

    static ObjectNode span(String traceId, String spanId, String parentId, String service, String name, long startMs,
            double durationMs, String status) {
        ObjectNode s = AgentUnderTest.JSON.createObjectNode();
        s.put("type", "span").put("trace_id", traceId).put("span_id", spanId);
        if (parentId != null) {
            s.put("parent_id", parentId);
        }
        s.put("service", service).put("name", name).put("start_ts", startMs).put("end_ts", startMs + (long) durationMs)
                .put("duration_ms", durationMs).put("cpu_ms", durationMs / 2).put("status", status);
        ObjectNode tags = s.putObject("tags");
        int space = name.indexOf(' ');
        if (space > 0) {
            tags.putObject("http_request").put("method", name.substring(0, space))
                    .put("uri", name.substring(space + 1) + "?page=2").put("host", "shop.test");
            tags.putObject("http_response").put("status_code", "error".equals(status) ? 500 : 200);
        }
        return s;
    }

    static ObjectNode root(String traceId, String service, String name, long startMs, double durationMs, String status) {
        return span(traceId, newSpanId(), null, service, name, startMs, durationMs, status);
    }

    static ArrayNode sql(ObjectNode span, String... queries) {
        ArrayNode a = span.putArray("sql");
        for (String q : queries) {
            a.addObject().put("query", q).put("db_system", "mysql").put("duration_ms", 1.5);
        }
        return a;
    }

    static void httpCall(ObjectNode span, String method, String url, int status, double durationMs) {
        span.withArray("http").addObject().put("url", url).put("method", method).put("status_code", status)
                .put("duration_ms", durationMs).put("bytes_sent", 10).put("bytes_received", 200);
    }

    static void dump(ObjectNode span, long tsMs, String text) {
        span.withArray("dumps").addObject().put("start_ts", tsMs).put("file", "/app/index.php").put("line", 12)
                .put("data", "{\"user\":7}").put("text", text);
    }

    static ObjectNode error(String traceId, String spanId, String service, long atMs, String type, String message) {
        ObjectNode e = AgentUnderTest.JSON.createObjectNode();
        e.put("type", "error").put("trace_id", traceId).put("span_id", spanId).put("service", service)
                .put("error_type", type).put("error_message", message).put("file", "/app/src/Cart.php").put("line", 42)
                .put("occurred_at_ms", atMs);
        e.putArray("stack_trace").addObject().put("file", "/app/src/Cart.php").put("line", 42).put("function", "add");
        return e;
    }

    static ObjectNode log(String traceId, String service, long atMs, String level, String message) {
        ObjectNode l = AgentUnderTest.JSON.createObjectNode();
        l.put("type", "log").put("trace_id", traceId).put("service", service).put("level", level)
                .put("message", message).put("timestamp_ms", atMs);
        l.putObject("fields").put("user", 7);
        return l;
    }
}
