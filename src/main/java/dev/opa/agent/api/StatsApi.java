package dev.opa.agent.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET /api/stats: what the store holds (stats.sql, store_size.sql) and what ingest has seen (the pipeline's
 * Micrometer counters, summed over their tags). spans_per_sec is measured between two calls.
 */
public final class StatsApi {

    static final String FRAMES_RECEIVED = "opa.frames.received";
    static final String FRAMES_REJECTED = "opa.frames.rejected";
    static final String SPANS_RECEIVED = "opa.spans.received";

    private final QueryRunner queries;
    private final MeterRegistry meters;
    private final long startedMs = System.currentTimeMillis();
    private double lastSpans;
    private long lastMs = startedMs;

    public StatsApi(QueryRunner queries, MeterRegistry meters) {
        this.queries = queries;
        this.meters = meters;
    }

    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>(queries.query("stats", Map.of()).get(0));
        out.put("store_bytes", storeBytes(queries.query("store_size", Map.of())));
        out.put("ingest", ingest());
        return out;
    }

    /** The store's own figure, or the database file plus its WAL when that is larger (embedded store). */
    static long storeBytes(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        Object reported = rows.get(0).get("store_bytes");
        long bytes = reported == null ? 0 : ((Number) reported).longValue();
        Object path = rows.get(0).get("store_path");
        if (path instanceof String file && !file.isEmpty()) {
            bytes = Math.max(bytes, sizeOf(Path.of(file)) + sizeOf(Path.of(file + ".wal")));
        }
        return bytes;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private Map<String, Object> ingest() {
        double spans = total(SPANS_RECEIVED);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("frames_received", (long) total(FRAMES_RECEIVED));
        out.put("frames_rejected", (long) total(FRAMES_REJECTED));
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

    private double total(String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
