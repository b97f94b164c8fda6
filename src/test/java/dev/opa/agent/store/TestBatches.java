package dev.opa.agent.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.SpanTrees;
import java.util.List;

/** Spans with detail JSON for store tests. */
final class TestBatches {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long T0 = 1_700_000_000_000L;

    private TestBatches() {
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    static Span span(int n, String service, JsonNode sql, JsonNode http, JsonNode stack, double weight) {
        return SpanTrees.span("default-org", "default-project", String.format("%032x", n), String.format("%016x", n), null,
                service, "GET /x", T0 + n, T0 + n + 10, 10.0, 2.0, "ok", "GET", "/x", 200, "php", "8.2", null, null,
                json("{\"env\":\"t\"}"), json("{}"), sql, http, json("[]"), json("[]"),
                json("[{\"timestamp\":" + (T0 + n) + ",\"file\":\"a.php\",\"line\":3,\"data\":\"{\\\"k\\\":1}\",\"text\":\"k=1\"}]"),
                stack, weight);
    }

    static Batch batch(Span... spans) {
        return new Batch(List.of(spans),
                List.of(new ErrorEvent("default-org", "default-project", spans[0].traceId(), null, "svc", T0, "E", "m",
                        "f.php", 1, "fp", null, null, json("[]"), json("{}"))),
                List.of(new LogEvent("default-org", "default-project", null, null, "svc", T0, "INFO", "hello", json("{}"))));
    }
}
