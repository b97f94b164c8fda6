package dev.opa.agent.trace;

import dev.opa.agent.model.Span;
import dev.opa.agent.parse.Parsed;
import dev.opa.agent.pipeline.Wakeup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tail buffer: groups spans by trace id. A trace completes {@code graceMs} after its first entry span
 * arrived (its root, or the span that served a continued trace's incoming request: {@link Span#isEntry()}),
 * or {@code ttlMs} after its first span when no entry span comes. Bounded by open traces, buffered spans and
 * the estimated heap of the buffered spans ({@link Span#heapBytes()}: mostly their detail JSON text): at a limit the oldest
 * traces complete early (counted as {@code opa_traces_completed_total{reason="limit"}}). Spans of an already completed trace pass straight
 * through, marked late.
 *
 * <p>Nothing polls it: whenever a trace's completion time is set (or a limit or a late span makes something ready
 * now), the {@link Wakeup} given to {@link #wakeup(Wakeup)} is asked to run the completion route then.
 */
public class TraceAssembler {

    /** Tail buffer limits and timings. */
    public record Limits(long graceMs, long ttlMs, int maxTraces, int maxSpans, long maxBytes, int rememberCompleted) {
    }

    private static final class OpenTrace {
        final long firstSeenMs;
        final List<Span> spans = new ArrayList<>(4);
        long bytes;
        boolean rootSeen;

        OpenTrace(long firstSeenMs) {
            this.firstSeenMs = firstSeenMs;
        }
    }

    private record Deadline(String traceId, long atMs) {
    }

    private final Limits limits;
    private final LinkedHashMap<String, OpenTrace> open = new LinkedHashMap<>();
    private final ArrayDeque<Deadline> rootDeadlines = new ArrayDeque<>();
    private final Map<String, Boolean> recentlyCompleted;
    private List<CompletedTrace> ready = new ArrayList<>();
    /** Estimated heap of {@link #ready}: out of the buffer's limits, but still held until the next drain. */
    private long readyBytes;
    private int bufferedSpans;
    private long bufferedBytes;
    private final Counter completedRoot;
    private final Counter completedTtl;
    private final Counter completedEarly;
    private final Counter completedShutdown;
    private final Counter lateSpans;
    private Wakeup wakeup;

    public TraceAssembler(Limits limits, MeterRegistry meters) {
        this.limits = limits;
        this.recentlyCompleted = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > limits.rememberCompleted();
            }
        };
        Gauge.builder("opa.tailbuffer.traces", this, TraceAssembler::openTraces)
                .description("traces waiting in the tail buffer").register(meters);
        Gauge.builder("opa.tailbuffer.spans", this, TraceAssembler::bufferedSpans)
                .description("spans waiting in the tail buffer").register(meters);
        Gauge.builder("opa.tailbuffer.bytes", this, TraceAssembler::bufferedBytes)
                .description("estimated heap held by the spans in the tail buffer").register(meters);
        completedRoot = completed(meters, "root");
        completedTtl = completed(meters, "ttl");
        completedEarly = completed(meters, "limit");
        completedShutdown = completed(meters, "shutdown");
        lateSpans = Counter.builder("opa.spans.late").description("spans arriving after their trace completed")
                .register(meters);
    }

    private static Counter completed(MeterRegistry meters, String reason) {
        return Counter.builder("opa.traces.completed").description("traces leaving the tail buffer, by reason")
                .tag("reason", reason).register(meters);
    }

    /** Asked to run the completion route when a trace's grace or TTL ends. */
    public synchronized void wakeup(Wakeup wakeup) {
        this.wakeup = wakeup;
    }

    private void dueAt(long epochMs) {
        if (wakeup != null) {
            wakeup.at(epochMs);
        }
    }

    public synchronized int openTraces() {
        return open.size();
    }

    public synchronized int bufferedSpans() {
        return bufferedSpans;
    }

    public synchronized long bufferedBytes() {
        return bufferedBytes;
    }

    /**
     * What the tail buffer holds on the heap: its open traces plus those completed early (a limit) or late since
     * the last drain, which wait up to {@code opa.tail.check-interval-ms} for it. The ingest gate counts this: at
     * full speed the early completions of one interval were many times the buffer's own limit.
     */
    public synchronized long heldBytes() {
        return bufferedBytes + readyBytes;
    }

    /** Adds the spans of a parsed frame. */
    public void addSpans(Parsed parsed) {
        add(parsed.spans());
    }

    /** Adds spans; completes the oldest traces early when a limit is passed. */
    public void add(List<Span> spans) {
        addAt(spans, System.currentTimeMillis());
    }

    synchronized void addAt(List<Span> spans, long nowMs) {
        for (Span span : spans) {
            String id = span.traceId();
            if (recentlyCompleted.containsKey(id)) {
                lateSpans.increment();
                ready.add(new CompletedTrace(id, List.of(span), true));
                readyBytes += span.heapBytes();
                dueAt(nowMs);
                continue;
            }
            OpenTrace trace = open.get(id);
            if (trace == null) {
                trace = new OpenTrace(nowMs);
                open.put(id, trace);
                dueAt(nowMs + limits.ttlMs());
            }
            trace.spans.add(span);
            long bytes = span.heapBytes();
            trace.bytes += bytes;
            bufferedSpans++;
            bufferedBytes += bytes;
            if (span.isEntry() && !trace.rootSeen) {
                trace.rootSeen = true;
                rootDeadlines.add(new Deadline(id, nowMs + limits.graceMs()));
                dueAt(nowMs + limits.graceMs());
            }
        }
        while (open.size() > limits.maxTraces() || bufferedSpans > limits.maxSpans() || bufferedBytes > limits.maxBytes()) {
            Iterator<Map.Entry<String, OpenTrace>> eldest = open.entrySet().iterator();
            Map.Entry<String, OpenTrace> e = eldest.next();
            eldest.remove();
            readyBytes += e.getValue().bytes;
            ready.add(complete(e.getKey(), e.getValue()));
            completedEarly.increment();
            dueAt(nowMs);
        }
    }

    /** Traces whose grace or TTL has passed (plus early completions and late spans since the last call). */
    public List<CompletedTrace> drainCompleted() {
        return drainCompletedAt(System.currentTimeMillis());
    }

    synchronized List<CompletedTrace> drainCompletedAt(long nowMs) {
        List<CompletedTrace> out = ready;
        ready = new ArrayList<>();
        readyBytes = 0;
        while (!rootDeadlines.isEmpty() && rootDeadlines.peek().atMs() <= nowMs) {
            String id = rootDeadlines.poll().traceId();
            OpenTrace trace = open.remove(id);
            if (trace != null) {
                out.add(complete(id, trace));
                completedRoot.increment();
            }
        }
        Iterator<Map.Entry<String, OpenTrace>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, OpenTrace> e = it.next();
            if (e.getValue().firstSeenMs + limits.ttlMs() > nowMs) {
                break; // insertion order is first-seen order
            }
            it.remove();
            out.add(complete(e.getKey(), e.getValue()));
            completedTtl.increment();
        }
        if (!rootDeadlines.isEmpty()) {
            dueAt(rootDeadlines.peek().atMs());
        }
        if (!open.isEmpty()) {
            dueAt(open.values().iterator().next().firstSeenMs + limits.ttlMs());
        }
        return out;
    }

    /** Completes everything still buffered (shutdown). */
    public synchronized List<CompletedTrace> drainAll() {
        List<CompletedTrace> out = ready;
        ready = new ArrayList<>();
        readyBytes = 0;
        for (Map.Entry<String, OpenTrace> e : open.entrySet()) {
            out.add(complete(e.getKey(), e.getValue()));
            completedShutdown.increment();
        }
        open.clear();
        rootDeadlines.clear();
        bufferedSpans = 0;
        bufferedBytes = 0;
        return out;
    }

    private CompletedTrace complete(String id, OpenTrace trace) {
        bufferedSpans -= trace.spans.size();
        bufferedBytes -= trace.bytes;
        recentlyCompleted.put(id, Boolean.TRUE);
        return new CompletedTrace(id, trace.spans, false);
    }
}
