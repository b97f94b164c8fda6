package dev.opa.agent.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One error occurrence (protocol §3.2); {@code fingerprint} is always set (computed when absent). */
public record ErrorEvent(
        String organizationId,
        String projectId,
        String traceId,
        String spanId,
        String service,
        long occurredAtMs,
        String errorType,
        String errorMessage,
        String file,
        Integer line,
        String fingerprint,
        String environment,
        String release,
        JsonNode stackTrace,
        JsonNode tags) {
}
