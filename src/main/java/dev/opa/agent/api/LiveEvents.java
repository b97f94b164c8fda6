package dev.opa.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.store.DerivedRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The live-stream events of one stored batch, in the shapes of the REST lists (docs/api.md). */
public final class LiveEvents {

    /** One server-sent event: {@code type} is trace, error, log or dump; {@code json} its data line. */
    public record LiveEvent(String type, String json) {
    }

    private LiveEvents() {
    }

    public static List<LiveEvent> of(Batch batch) {
        List<LiveEvent> events = new ArrayList<>();
        Map<String, Integer> spansPerTrace = new HashMap<>();
        batch.spans().forEach(s -> spansPerTrace.merge(s.traceId(), 1, Integer::sum));
        for (Span span : batch.spans()) {
            if (span.isEntry()) { // one event per request, as the trace list shows them
                events.add(event("trace", trace(span, spansPerTrace.get(span.traceId()))));
            }
            for (DerivedRows.DumpRow dump : DerivedRows.dumps(span)) {
                events.add(event("dump", dump(span, dump)));
            }
        }
        batch.errors().forEach(e -> events.add(event("error", error(e))));
        batch.logs().forEach(l -> events.add(event("log", log(l))));
        return events;
    }

    private static ObjectNode trace(Span s, int spanCount) {
        ObjectNode n = JsonColumns.mapper().createObjectNode();
        n.put("trace_id", s.traceId()).put("span_id", s.spanId()).put("service", s.service()).put("name", s.name())
                .put("start_ts", s.startMs()).put("duration_ms", s.durationMs()).put("cpu_ms", s.cpuMs())
                .put("status", s.status()).put("http_method", s.httpMethod()).put("http_status", s.httpStatus())
                .put("sql_count", DerivedRows.sqlCount(s)).put("http_count", DerivedRows.httpCount(s))
                .put("span_count", spanCount);
        return n;
    }

    private static ObjectNode dump(Span s, DerivedRows.DumpRow d) {
        ObjectNode n = JsonColumns.mapper().createObjectNode();
        n.put("ts", d.tsMs()).put("service", s.service()).put("trace_id", s.traceId()).put("span_id", s.spanId())
                .put("file", d.file()).put("line", d.line()).put("data", d.data()).put("text", d.text());
        return n;
    }

    private static ObjectNode error(ErrorEvent e) {
        ObjectNode n = JsonColumns.mapper().createObjectNode();
        n.put("occurred_at", e.occurredAtMs()).put("service", e.service()).put("trace_id", e.traceId())
                .put("span_id", e.spanId()).put("error_type", e.errorType()).put("error_message", e.errorMessage())
                .put("file", e.file()).put("line", e.line()).put("fingerprint", e.fingerprint())
                .put("environment", e.environment()).put("release", e.release());
        n.set("stack_trace", e.stackTrace());
        n.set("tags", e.tags());
        return n;
    }

    private static ObjectNode log(LogEvent l) {
        ObjectNode n = JsonColumns.mapper().createObjectNode();
        n.put("ts", l.timestampMs()).put("service", l.service()).put("level", l.level()).put("message", l.message())
                .put("trace_id", l.traceId()).put("span_id", l.spanId());
        n.set("fields", l.fields());
        return n;
    }

    private static LiveEvent event(String type, ObjectNode data) {
        return new LiveEvent(type, data.toString());
    }
}
