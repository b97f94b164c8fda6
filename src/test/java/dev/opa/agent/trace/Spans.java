package dev.opa.agent.trace;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.SpanTrees;

/** Minimal spans for tail buffer and sampler tests. */
final class Spans {

    private Spans() {
    }

    static Span span(String traceId, String spanId, String parentId, double durationMs, String status) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return SpanTrees.span("default-org", "default-project", traceId, spanId, parentId, "svc", "GET /", 1_700_000_000_000L,
                1_700_000_000_000L + (long) durationMs, durationMs, 0, status, null, null, null, null, null, null, null,
                f.objectNode(), f.objectNode(), f.arrayNode(), f.arrayNode(), f.arrayNode(), f.arrayNode(), f.arrayNode(),
                f.arrayNode(), 1.0);
    }

    /** The span a downstream service records for a request that continued the caller's trace (W3C). */
    static Span continuedEntry(String traceId) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return SpanTrees.span("default-org", "default-project", traceId, "00000000000000aa", "00000000000000ff", "backend",
                "GET /api/ping", 1_700_000_000_000L, 1_700_000_000_005L, 5, 0, "ok", "GET", "/api/ping", 200, null, null,
                null, null, f.objectNode(), f.objectNode(), f.arrayNode(), f.arrayNode(), f.arrayNode(), f.arrayNode(),
                f.arrayNode(), f.arrayNode(), 1.0);
    }

    static Span root(String traceId) {
        return span(traceId, "0000000000000001", null, 10, "ok");
    }

    static Span child(String traceId, int n) {
        return span(traceId, String.format("%016x", n + 1), "0000000000000001", 2, "ok");
    }

    static String id(int n) {
        return String.format("%032x", n);
    }
}
