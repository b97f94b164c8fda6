package dev.opa.agent.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.parse.DetailScanner;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.wire.Frames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Spans built from JSON trees (test data): each tree is serialised and read by the parser's {@link DetailScanner}. */
public final class SpanTrees {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DetailScanner NO_LIMITS =
            new DetailScanner(new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), null);
    private static final String[] FIELDS = {"tags", "net", "sql", "http", "cache", "redis", "dumps", "stack"};

    private SpanTrees() {
    }

    public static Span span(String organizationId, String projectId, String traceId, String spanId, String parentId,
            String service, String name, long startMs, long endMs, double durationMs, double cpuMs, String status,
            String httpMethod, String httpRoute, Integer httpStatus, String language, String languageVersion,
            String framework, String frameworkVersion, JsonNode tags, JsonNode net, JsonNode sql, JsonNode http,
            JsonNode cache, JsonNode redis, JsonNode dumps, JsonNode stack, double sampleWeight) {
        return new Span(organizationId, projectId, traceId, spanId, parentId, service, name, startMs, endMs, durationMs,
                cpuMs, status, httpMethod, httpRoute, httpStatus, language, languageVersion, framework, frameworkVersion,
                detail(tags, net, sql, http, cache, redis, dumps, stack), sampleWeight);
    }

    static SpanDetail detail(JsonNode... values) {
        DetailScanner.Collector c = NO_LIMITS.collector();
        try {
            for (int i = 0; i < FIELDS.length; i++) {
                if (values[i] == null || values[i].isMissingNode()) {
                    continue;
                }
                byte[] text = values[i].toString().getBytes(StandardCharsets.UTF_8);
                try (JsonParser p = MAPPER.createParser(text)) {
                    p.nextToken();
                    c.field(FIELDS[i], p, Frames.Line.of(text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c.detail();
    }
}
