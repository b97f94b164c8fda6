package dev.opa.agent.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One validated, repaired span (protocol §3.1). Detail fields keep the JSON as received
 * (objects/arrays, never null: an absent field is an empty object/array node).
 *
 * @param startMs       epoch ms (repaired per protocol §4)
 * @param sampleWeight  1 / probability of the sampling decision that kept it (1.0 before sampling)
 * @param received      the detail fields' JSON text exactly as received, so stores need not serialise the
 *                      trees again; {@code null} (or a null entry) means "serialise the node" (e.g. repaired)
 */
public record Span(
        String organizationId,
        String projectId,
        String traceId,
        String spanId,
        String parentId,
        String service,
        String name,
        long startMs,
        long endMs,
        double durationMs,
        double cpuMs,
        String status,
        String httpMethod,
        String httpRoute,
        Integer httpStatus,
        String language,
        String languageVersion,
        String framework,
        String frameworkVersion,
        JsonNode tags,
        JsonNode net,
        JsonNode sql,
        JsonNode http,
        JsonNode cache,
        JsonNode redis,
        JsonNode dumps,
        JsonNode stack,
        double sampleWeight,
        ReceivedJson received) {

    /** A span without received JSON text: stores serialise the detail nodes. */
    public Span(String organizationId, String projectId, String traceId, String spanId, String parentId,
            String service, String name, long startMs, long endMs, double durationMs, double cpuMs, String status,
            String httpMethod, String httpRoute, Integer httpStatus, String language, String languageVersion,
            String framework, String frameworkVersion, JsonNode tags, JsonNode net, JsonNode sql, JsonNode http,
            JsonNode cache, JsonNode redis, JsonNode dumps, JsonNode stack, double sampleWeight) {
        this(organizationId, projectId, traceId, spanId, parentId, service, name, startMs, endMs, durationMs, cpuMs,
                status, httpMethod, httpRoute, httpStatus, language, languageVersion, framework, frameworkVersion, tags,
                net, sql, http, cache, redis, dumps, stack, sampleWeight, null);
    }

    /** The detail fields' JSON text as received (a null entry: not available, serialise the node). */
    public record ReceivedJson(String tags, String net, String sql, String http, String cache, String redis,
            String dumps, String stack) {
    }

    public String tagsJson() {
        return json(received == null ? null : received.tags(), tags);
    }

    public String netJson() {
        return json(received == null ? null : received.net(), net);
    }

    public String sqlJson() {
        return json(received == null ? null : received.sql(), sql);
    }

    public String httpJson() {
        return json(received == null ? null : received.http(), http);
    }

    public String cacheJson() {
        return json(received == null ? null : received.cache(), cache);
    }

    public String redisJson() {
        return json(received == null ? null : received.redis(), redis);
    }

    public String dumpsJson() {
        return json(received == null ? null : received.dumps(), dumps);
    }

    public String stackJson() {
        return json(received == null ? null : received.stack(), stack);
    }

    /** The received text, else the node serialised; null for an absent/null node. */
    private static String json(String asReceived, JsonNode node) {
        if (asReceived != null) {
            return asReceived;
        }
        return node == null || node.isNull() || node.isMissingNode() ? null : node.toString();
    }

    public boolean isRoot() {
        return parentId == null;
    }

    /**
     * A request of its service: the trace's root, or a span that served an incoming HTTP request of a continued
     * (W3C traceparent) trace, whose parent is the caller's span in another service. RED figures, the trace list
     * and the tail buffer's completion treat these as requests (docs/api.md).
     */
    public boolean isEntry() {
        return parentId == null || (httpMethod != null && !httpMethod.isEmpty());
    }

    public boolean isError() {
        return "error".equals(status);
    }

    public Span withSampleWeight(double weight) {
        return new Span(organizationId, projectId, traceId, spanId, parentId, service, name, startMs, endMs,
                durationMs, cpuMs, status, httpMethod, httpRoute, httpStatus, language, languageVersion, framework,
                frameworkVersion, tags, net, sql, http, cache, redis, dumps, stack, weight, received);
    }
}
