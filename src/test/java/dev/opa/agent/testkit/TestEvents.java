package dev.opa.agent.testkit;

import static dev.opa.agent.testkit.TestSpan.JSON;
import static dev.opa.agent.testkit.TestSpan.ORG;
import static dev.opa.agent.testkit.TestSpan.PROJECT;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import java.util.List;

/**
 * The kit's error and log events, as the extension sends them (docs/protocol.md §3.2, §3.3: {@code message()} forms) and
 * as the pipeline hands them on ({@code event()} forms), plus batches of spans with events.
 */
public final class TestEvents {

    private TestEvents() {
    }

    /** An error event as stored: at /app/x.php:12, environment prod, release 1.0, no stack. */
    public static ErrorEvent error(String traceId, String spanId, String service, long atMs, String type, String message,
            String fingerprint) {
        return new ErrorEvent(ORG, PROJECT, traceId, spanId, service, atMs, type, message, "/app/x.php", 12, fingerprint,
                "prod", "1.0", JSON.createArrayNode(), JSON.createObjectNode());
    }

    /** A log line as stored, with one field k=v. */
    public static LogEvent log(String traceId, String spanId, String service, long atMs, String level, String message) {
        return new LogEvent(ORG, PROJECT, traceId, spanId, service, atMs, level, message, JSON.createObjectNode().put("k", "v"));
    }

    /** An error message: thrown at {@code file:line}, one stack frame there. */
    public static ObjectNode errorMessage(String traceId, String spanId, String service, long atMs, String type,
            String message, String file, int line) {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", "error").put("trace_id", traceId).put("span_id", spanId).put("service", service)
                .put("error_type", type).put("error_message", message).put("file", file).put("line", line)
                .put("occurred_at_ms", atMs);
        e.putArray("stack_trace").addObject().put("file", file).put("line", line).put("function", "f");
        return e;
    }

    /** A log message with the given fields object. */
    public static ObjectNode logMessage(String traceId, String service, long atMs, String level, String message,
            ObjectNode fields) {
        ObjectNode l = JSON.createObjectNode();
        l.put("type", "log").put("trace_id", traceId).put("service", service).put("level", level).put("message", message)
                .put("timestamp_ms", atMs);
        l.set("fields", fields);
        return l;
    }

    /** The spans with one error (of the first span's trace) and one log line, as a store batch. */
    public static Batch batchWithEvents(Span... spans) {
        return new Batch(List.of(spans),
                List.of(new ErrorEvent(ORG, PROJECT, spans[0].traceId(), null, "svc", TestSpan.T0, "E", "m", "f.php", 1,
                        "fp", null, null, JSON.createArrayNode(), JSON.createObjectNode())),
                List.of(new LogEvent(ORG, PROJECT, null, null, "svc", TestSpan.T0, "INFO", "hello", JSON.createObjectNode())));
    }
}
