package dev.opa.agent.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One validated, repaired span (protocol §3.1). Detail fields keep the JSON as received
 * (objects/arrays, never null: an absent field is an empty object/array node).
 *
 * @param startMs       epoch ms (repaired per protocol §4)
 * @param sampleWeight  1 / probability of the sampling decision that kept it (1.0 before sampling)
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
        double sampleWeight) {

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
                frameworkVersion, tags, net, sql, http, cache, redis, dumps, stack, weight);
    }
}
