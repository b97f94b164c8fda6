package dev.opa.agent.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One log record (protocol §3.3); {@code level} is upper-case. */
public record LogEvent(
        String organizationId,
        String projectId,
        String traceId,
        String spanId,
        String service,
        long timestampMs,
        String level,
        String message,
        JsonNode fields) {
}
