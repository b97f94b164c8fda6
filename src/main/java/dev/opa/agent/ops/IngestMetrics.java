package dev.opa.agent.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingest counters (names are part of the interface): {@code opa_frames_received_total{transport}},
 * {@code opa_frames_rejected_total{reason}}, {@code opa_messages_rejected_total{reason}},
 * {@code opa_spans_received_total}, {@code opa_errors_received_total}, {@code opa_logs_received_total},
 * {@code opa_repairs_total{field}}. Rejections also produce a rate-limited log line.
 */
public class IngestMetrics {

    private final MeterRegistry registry;
    private final RateLimitedLog log;
    private final Map<String, Counter> framesReceived = new ConcurrentHashMap<>();
    private final Map<String, Counter> framesRejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> messagesRejected = new ConcurrentHashMap<>();
    private final Map<String, Counter> repairs = new ConcurrentHashMap<>();
    private final Counter spansReceived;
    private final Counter errorsReceived;
    private final Counter logsReceived;
    private final Counter stacksAttached;

    public IngestMetrics(MeterRegistry registry, RateLimitedLog log) {
        this.registry = registry;
        this.log = log;
        this.spansReceived = Counter.builder("opa.spans.received").description("spans accepted by the parser").register(registry);
        this.errorsReceived = Counter.builder("opa.errors.received").description("error events accepted").register(registry);
        this.logsReceived = Counter.builder("opa.logs.received").description("log events accepted").register(registry);
        this.stacksAttached = Counter.builder("opa.stacks.attached")
                .description("call stacks received attached (already compressed) and checked").register(registry);
    }

    public void frameReceived(String transport) {
        framesReceived.computeIfAbsent(transport, t -> Counter.builder("opa.frames.received")
                .description("frames read from the listeners").tag("transport", t).register(registry)).increment();
    }

    /** A frame that could not be read (garbage, oversize, lz4_corrupt, truncated, invalid_json). */
    public void frameRejected(String reason, String detail) {
        framesRejected.computeIfAbsent(reason, r -> Counter.builder("opa.frames.rejected")
                .description("frames discarded, by reason").tag("reason", r).register(registry)).increment();
        log.warn("frame", reason, detail);
    }

    /** A JSON message that failed validation (missing_field, wrong_type, bad_id). */
    public void messageRejected(String reason, String detail) {
        messagesRejected.computeIfAbsent(reason, r -> Counter.builder("opa.messages.rejected")
                .description("messages rejected by the parser, by reason").tag("reason", r).register(registry)).increment();
        log.warn("message", reason, detail);
    }

    public void repaired(String field) {
        repairs.computeIfAbsent(field, f -> Counter.builder("opa.repairs")
                .description("fields repaired per protocol section 4").tag("field", f).register(registry)).increment();
    }

    /** A span's call stack arrived attached and passed its check. */
    public void stackAttached() {
        stacksAttached.increment();
    }

    public void spansReceived(int n) {
        spansReceived.increment(n);
    }

    public void errorsReceived(int n) {
        errorsReceived.increment(n);
    }

    public void logsReceived(int n) {
        logsReceived.increment(n);
    }

    /** Frames read, all transports together. */
    public double framesReceived() {
        return framesReceived.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Frames discarded, all reasons together. */
    public double framesRejected() {
        return framesRejected.values().stream().mapToDouble(Counter::count).sum();
    }

    public double spansReceived() {
        return spansReceived.count();
    }
}
