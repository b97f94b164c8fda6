package dev.opa.agent.model;

/**
 * One validated, repaired span (protocol §3.1). The detail fields (tags, net, sql, http, cache, redis, dumps,
 * stack) are held as JSON text with the values derived from them ({@link SpanDetail}), never as trees.
 *
 * @param startMs      epoch ms (repaired per protocol §4)
 * @param sampleWeight 1 / probability of the sampling decision that kept it (1.0 before sampling)
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
        SpanDetail detail,
        double sampleWeight) {

    /** Heap of a span without its detail: the record, ids and names (an estimate, see {@link #heapBytes()}). */
    private static final int BASE_BYTES = 400;

    /** Estimated heap held by this span (bytes): what the tail buffer and the batcher are bounded by. */
    public long heapBytes() {
        return BASE_BYTES + name.length() + detail.heapBytes();
    }

    public boolean isRoot() {
        return parentId == null;
    }

    /**
     * A request of its service: the trace's root, or a span that served an incoming HTTP request of a continued
     * (W3C traceparent) trace, whose parent is the caller's span in another service. RED figures, the trace list
     * and the tail buffer's completion treat these as requests (docs/api.md). Both stores keep the value as
     * {@code spans_min.is_entry}, which their queries read.
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
                frameworkVersion, detail, weight);
    }
}
