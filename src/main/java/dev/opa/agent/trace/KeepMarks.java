package dev.opa.agent.trace;

import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.TraceId;
import dev.opa.agent.parse.Parsed;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trace ids that must be kept whatever sampling says (REST {@code POST /api/traces/{id}/keep}, and traces
 * that reported an error event). Bounded: marks expire after a TTL and the oldest go first at the size limit.
 */
public class KeepMarks {

    private static final int MAX_MARKS = 100_000;

    private final long ttlMs;
    private final Map<String, Long> marks = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_MARKS;
        }
    };

    public KeepMarks(long ttlMs) {
        this.ttlMs = ttlMs;
    }

    public synchronized void keep(String traceId) {
        if (traceId != null && !traceId.isBlank()) {
            String id = normalize(traceId);
            marks.remove(id);
            marks.put(id, System.currentTimeMillis());
        }
    }

    /** Keeps the traces of error events (protocol §3.2 messages carrying a trace id). */
    public void keepErrorTraces(Parsed parsed) {
        for (ErrorEvent e : parsed.errors()) {
            keep(e.traceId());
        }
    }

    public synchronized boolean isMarked(String traceId) {
        Long at = marks.get(normalize(traceId));
        return at != null && System.currentTimeMillis() - at <= ttlMs;
    }

    /** The stored form ({@link TraceId#canonical}); what is not a trace id is kept as given. */
    static String normalize(String traceId) {
        String id = traceId.trim();
        String canonical = TraceId.canonical(id);
        return canonical != null ? canonical : id.toLowerCase(Locale.ROOT);
    }
}
