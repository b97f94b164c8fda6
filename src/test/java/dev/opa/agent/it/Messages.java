package dev.opa.agent.it;

/** Protocol messages for tests (docs/protocol.md §3), built as JSON text like an extension would. */
public final class Messages {

    private Messages() {
    }

    public static String traceId(int n) {
        return String.format("%032x", 0xabc0000L + n);
    }

    public static String spanId(int n) {
        return String.format("%016x", 0x5000L + n);
    }

    /** A web root span with one SQL statement, one outgoing call and a two-node stack. */
    public static String root(String traceId, String spanId, String service, long startMs, double durationMs, String status) {
        return "{\"type\":\"span\",\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + spanId + "\",\"parent_id\":null,"
                + "\"service\":\"" + service + "\",\"name\":\"GET /users/{id}\",\"start_ts\":" + startMs
                + ",\"duration_ms\":" + durationMs + ",\"cpu_ms\":1.5,\"status\":\"" + status + "\","
                + "\"language\":\"php\",\"language_version\":\"8.2.7\",\"unknown_field\":{\"ignored\":true},"
                + "\"tags\":{\"http_request\":{\"method\":\"GET\",\"uri\":\"/users/42\"},"
                + "\"http_response\":{\"status_code\":200},\"env\":\"test\"},"
                + "\"net\":{\"bytes_sent\":10,\"bytes_received\":20},"
                + "\"sql\":[{\"query\":\"SELECT * FROM users WHERE id = 42 AND name = 'bob'\",\"db_system\":\"mysql\","
                + "\"duration_ms\":0.8,\"rows\":1,\"timestamp\":" + (startMs / 1000) + "}],"
                + "\"http\":[{\"url\":\"https://api.example.com/v1/orders/12345?x=1\",\"method\":\"POST\","
                + "\"status_code\":201,\"duration_ms\":3.5,\"bytes_sent\":5,\"bytes_received\":7}],"
                + "\"dumps\":[{\"timestamp\":" + startMs + ",\"file\":\"/app/x.php\",\"line\":7,\"data\":\"{\\\"a\\\":1}\",\"text\":\"a=1\"}],"
                + "\"stack\":[{\"call_id\":\"0000000000000001\",\"parent_id\":null,\"function\":\"main\",\"duration_ms\":" + durationMs
                + ",\"cpu_ms\":1,\"memory_delta\":0},{\"call_id\":\"0000000000000002\",\"parent_id\":\"0000000000000001\","
                + "\"function\":\"find\",\"class\":\"Repo\",\"duration_ms\":1,\"cpu_ms\":0.5,\"memory_delta\":16}]}";
    }

    /**
     * A span message with its (last) {@code stack} field as a span with an attached stack (docs/protocol.md §2.1):
     * the message without the field as envelope, the field's array as the stored-form stack.
     */
    public static byte[] attached(String spanWithStack) {
        int at = spanWithStack.lastIndexOf(",\"stack\":");
        String envelope = spanWithStack.substring(0, at) + "}\n";
        String stack = spanWithStack.substring(at + ",\"stack\":".length(), spanWithStack.length() - 1);
        return Wire.attached(Wire.utf8(envelope), dev.opa.agent.model.StackCodec.encode(stack));
    }

    public static String child(String traceId, String spanId, String parentId, String service, long startMs, double durationMs) {
        return "{\"type\":\"span\",\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + spanId + "\",\"parent_id\":\""
                + parentId + "\",\"service\":\"" + service + "\",\"name\":\"child\",\"start_ts\":" + startMs
                + ",\"end_ts\":" + (startMs + durationMs) + "}";
    }

    public static String error(String traceId, String service, long atMs) {
        return "{\"type\":\"error\",\"trace_id\":\"" + traceId + "\",\"span_id\":\"" + spanId(1) + "\",\"service\":\""
                + service + "\",\"error_type\":\"TypeError\",\"error_message\":\"bad id 42\",\"file\":\"/app/x.php\","
                + "\"line\":12,\"stack_trace\":[{\"file\":\"/app/x.php\",\"line\":12,\"function\":\"f\"}],"
                + "\"occurred_at_ms\":" + atMs + "}";
    }

    public static String log(String traceId, String service, long atMs) {
        return "{\"type\":\"log\",\"trace_id\":\"" + traceId + "\",\"service\":\"" + service
                + "\",\"level\":\"warning\",\"message\":\"slow\",\"timestamp_ms\":" + atMs + ",\"fields\":{\"k\":\"v\"}}";
    }
}
