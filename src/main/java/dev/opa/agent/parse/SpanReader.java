package dev.opa.agent.parse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.Tenant;
import dev.opa.agent.ops.IngestMetrics;

/** Validates and repairs a {@code span} message (protocol §3.1, §4) into a {@link Span}. */
final class SpanReader {

    private final IngestMetrics metrics;

    SpanReader(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    /** @param detail the message's detail fields, read by the {@link DetailScanner} */
    Span read(JsonNode msg, DetailScanner.Collector detail, long arrivalMs) throws InvalidMessageException {
        String traceId = Fields.traceId(Fields.requiredString(msg, "trace_id"));
        String spanId = Fields.spanId(Fields.requiredString(msg, "span_id"), "span_id");
        String parentRaw = Fields.optionalString(msg, "parent_id");
        String parentId = parentRaw == null ? null : Fields.spanId(parentRaw, "parent_id");
        String service = Fields.requiredString(msg, "service");
        String name = Fields.requiredString(msg, "name");
        Double start = Fields.optionalNumber(msg, "start_ts");
        Double end = Fields.optionalNumber(msg, "end_ts");
        Double duration = Fields.optionalNumber(msg, "duration_ms");
        if (start == null) {
            throw new InvalidMessageException("missing_field", "missing start_ts");
        }
        if (end == null && duration == null) {
            throw new InvalidMessageException("missing_field", "missing end_ts and duration_ms");
        }
        double durationMs = Math.max(0, duration != null ? duration : end - start);
        long startMs = (long) Math.floor(start);
        long endMs = end != null ? (long) Math.ceil(end) : (long) Math.ceil(start + durationMs);
        if (!Limits.plausibleEpochMs(start, arrivalMs) || !Limits.plausibleEpochMs(endMs, arrivalMs)) {
            // legacy children carry doubled epochs; anything before 2001 or a day ahead is rebuilt from arrival
            endMs = arrivalMs;
            startMs = arrivalMs - (long) Math.ceil(durationMs);
            metrics.repaired("timestamp");
        }
        Double cpu = Fields.optionalNumber(msg, "cpu_ms");
        String status = "error".equalsIgnoreCase(Fields.optionalString(msg, "status")) ? "error" : "ok";
        JsonNode tags = detail.tagsTree();
        JsonNode request = tags.get("http_request");
        JsonNode response = tags.get("http_response");
        String httpMethod = request != null ? Fields.optionalString(request, "method") : null;
        Integer httpStatus = Fields.optionalInt(response, "status_code");
        if (httpStatus == null) {
            httpStatus = Fields.optionalInt(request, "status");
        }
        return new Span(Fields.tenant(msg, tags, "organization_id", Tenant.DEFAULT_ORG),
                Fields.tenant(msg, tags, "project_id", Tenant.DEFAULT_PROJECT), traceId, spanId, parentId, service, name,
                startMs, endMs, durationMs, cpu == null ? 0.0 : Math.max(0, cpu), status, httpMethod,
                httpRoute(name, httpMethod), httpStatus, Fields.optionalString(msg, "language"),
                Fields.optionalString(msg, "language_version"), Fields.optionalString(msg, "framework"),
                Fields.optionalString(msg, "framework_version"), detail.detail(), 1.0);
    }

    /** "GET /users/{id}" gives "/users/{id}" when the name starts with the request method. */
    static String httpRoute(String name, String method) {
        int space = name.indexOf(' ');
        if (space > 0 && (method == null || name.regionMatches(true, 0, method, 0, space))
                && name.substring(0, space).chars().allMatch(Character::isUpperCase)) {
            return name.substring(space + 1);
        }
        return null;
    }
}
