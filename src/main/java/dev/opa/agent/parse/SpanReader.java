package dev.opa.agent.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Span;
import dev.opa.agent.ops.IngestMetrics;
import java.util.Map;

/** Validates and repairs a {@code span} message (protocol §3.1, §4) into a {@link Span}. */
final class SpanReader {

    private final Limits limits;
    private final IngestMetrics metrics;

    SpanReader(Limits limits, IngestMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    Span read(JsonNode msg, long arrivalMs) throws InvalidMessageException {
        return read(msg, Map.of(), arrivalMs);
    }

    /** @param received the detail fields' text as received (MessageParser); a repaired field's entry is dropped */
    Span read(JsonNode msg, Map<String, String> received, long arrivalMs) throws InvalidMessageException {
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

        ObjectNode tags = Fields.object(msg, "tags");
        boolean tagsCut = limits.truncateTagValues(tags);
        if (tagsCut) {
            metrics.repaired("tag_value");
        }
        ArrayNode sql = Fields.array(msg, "sql");
        ArrayNode dumps = Fields.array(msg, "dumps");
        ArrayNode stack = Fields.array(msg, "stack");
        boolean sqlCut = truncateRecords(sql, "query", limits.maxQueryChars(), "query");
        boolean dumpsCut = truncateRecords(dumps, "data", limits.maxDumpChars(), "dump");
        dumpsCut |= truncateRecords(dumps, "text", limits.maxDumpChars(), "dump");
        boolean stackCut = false;
        for (JsonNode node : stack) {
            JsonNode nested = node.get("sql_queries");
            if (nested instanceof ArrayNode nestedSql) {
                stackCut |= truncateRecords(nestedSql, "query", limits.maxQueryChars(), "query");
            }
        }
        JsonNode net = Fields.object(msg, "net");
        JsonNode http = Fields.array(msg, "http");
        JsonNode cache = Fields.array(msg, "cache");
        JsonNode redis = Fields.array(msg, "redis");
        // text as received only where the tree is exactly that value (right kind, nothing truncated)
        Span.ReceivedJson text = new Span.ReceivedJson(
                asReceived(msg, received, "tags", tags, tagsCut), asReceived(msg, received, "net", net, false),
                asReceived(msg, received, "sql", sql, sqlCut), asReceived(msg, received, "http", http, false),
                asReceived(msg, received, "cache", cache, false), asReceived(msg, received, "redis", redis, false),
                asReceived(msg, received, "dumps", dumps, dumpsCut), asReceived(msg, received, "stack", stack, stackCut));

        JsonNode request = tags.get("http_request");
        JsonNode response = tags.get("http_response");
        String httpMethod = request != null ? Fields.optionalString(request, "method") : null;
        Integer httpStatus = Fields.optionalInt(response, "status_code");
        if (httpStatus == null) {
            httpStatus = Fields.optionalInt(request, "status");
        }
        return new Span(Fields.tenant(msg, tags, "organization_id", Fields.DEFAULT_ORG),
                Fields.tenant(msg, tags, "project_id", Fields.DEFAULT_PROJECT), traceId, spanId, parentId, service, name,
                startMs, endMs, durationMs, cpu == null ? 0.0 : Math.max(0, cpu), status, httpMethod,
                httpRoute(name, httpMethod), httpStatus, Fields.optionalString(msg, "language"),
                Fields.optionalString(msg, "language_version"), Fields.optionalString(msg, "framework"),
                Fields.optionalString(msg, "framework_version"), tags, net, sql, http, cache, redis, dumps, stack, 1.0,
                text);
    }

    /** The received text of a field when the node is that field's value unchanged, else null (serialise it). */
    private static String asReceived(JsonNode msg, Map<String, String> received, String field, JsonNode node,
            boolean repaired) {
        return repaired || msg.get(field) != node ? null : received.get(field);
    }

    private boolean truncateRecords(ArrayNode records, String field, int max, String repairTag) {
        boolean cut = false;
        for (JsonNode r : records) {
            if (limits.truncateField(r, field, max)) {
                metrics.repaired(repairTag);
                cut = true;
            }
        }
        return cut;
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
