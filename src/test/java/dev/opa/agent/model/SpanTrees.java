package dev.opa.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opa.agent.parse.DetailScanner;

/** Spans built from JSON trees (test data): the detail goes through the parser's {@link DetailScanner}. */
public final class SpanTrees {

    private SpanTrees() {
    }

    public static Span span(String organizationId, String projectId, String traceId, String spanId, String parentId,
            String service, String name, long startMs, long endMs, double durationMs, double cpuMs, String status,
            String httpMethod, String httpRoute, Integer httpStatus, String language, String languageVersion,
            String framework, String frameworkVersion, JsonNode tags, JsonNode net, JsonNode sql, JsonNode http,
            JsonNode cache, JsonNode redis, JsonNode dumps, JsonNode stack, double sampleWeight) {
        return new Span(organizationId, projectId, traceId, spanId, parentId, service, name, startMs, endMs, durationMs,
                cpuMs, status, httpMethod, httpRoute, httpStatus, language, languageVersion, framework, frameworkVersion,
                DetailScanner.fromTrees(tags, net, sql, http, cache, redis, dumps, stack), sampleWeight);
    }
}
