package dev.opa.agent.api;

import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.store.SpanStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/stats: what the store holds (stats.sql, store_size.sql, completed by the store itself) and what ingest
 * has seen (the pipeline's counters). spans_per_sec is measured between two calls.
 */
public final class StatsApi {

    private final QueryRunner queries;
    private final SpanStore store;
    private final IngestMetrics ingest;
    private final long startedMs = System.currentTimeMillis();
    private double lastSpans;
    private long lastMs = startedMs;

    public StatsApi(QueryRunner queries, SpanStore store, IngestMetrics ingest) {
        this.queries = queries;
        this.store = store;
        this.ingest = ingest;
    }

    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>(queries.query("stats", Map.of()).get(0));
        out.put("store_bytes", store.bytesOnDisk(reportedBytes(queries.query("store_size", Map.of()))));
        out.put("ingest", ingest());
        return out;
    }

    private static long reportedBytes(List<Map<String, Object>> rows) {
        Object reported = rows.isEmpty() ? null : rows.get(0).get("store_bytes");
        return reported == null ? 0 : ((Number) reported).longValue();
    }

    private Map<String, Object> ingest() {
        double spans = ingest.spansReceived();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("frames_received", (long) ingest.framesReceived());
        out.put("frames_rejected", (long) ingest.framesRejected());
        out.put("spans_received", (long) spans);
        out.put("spans_per_sec", spansPerSecond(spans));
        return out;
    }

    private synchronized double spansPerSecond(double spans) {
        long now = System.currentTimeMillis();
        double seconds = Math.max(1, now - lastMs) / 1000.0;
        double rate = Math.max(0, spans - lastSpans) / seconds;
        lastSpans = spans;
        lastMs = now;
        return rate;
    }
}
