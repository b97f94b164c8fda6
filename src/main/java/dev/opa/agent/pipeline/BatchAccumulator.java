package dev.opa.agent.pipeline;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.parse.Parsed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Collects kept spans, errors and logs into store batches: a batch is ready when it holds {@code maxSize}
 * items or {@code maxBytes} of spans (estimated heap, {@link Span#heapBytes()}: a fully captured request of a real
 * application is ~0.1-0.2 MB, a request summary ~1 KB, so a count alone cannot size a store transaction), or when
 * its oldest item has waited {@code intervalMs} and it is worth a store transaction ({@code minSize} items or
 * {@code minBytes} of spans), or when its oldest item has waited {@code maxIntervalMs} whatever it holds. A store
 * write has a fixed cost (a DuckDB transaction ~4-5 ms of CPU, whatever it holds): a trickle of request summaries
 * written every 2 s paid it for 40 summaries, written at 200 it costs 3x less per summary, while busy traffic still
 * goes every {@code intervalMs} or sooner. Nothing polls it: the {@link Wakeup} given to {@link #wakeup(Wakeup)} is
 * asked to run the flush route when a batch fills or is due.
 *
 * <p>Bounded: above {@code maxPending} items or {@code maxPendingBytes} (estimated heap of the pending spans,
 * {@link Span#heapBytes()}), new input goes straight to the spool as its own batch (the overflow consumer:
 * {@code storeWriter.spool}), counted as
 * {@code opa_batch_overflow_items_total} (the spool replays it in order). Under mere overload that does not
 * happen: the {@link IngestGate} stops the listeners first.
 */
public class BatchAccumulator {

    private final int maxSize;
    private final long maxBytes;
    private final long intervalMs;
    private final int minSize;
    private final long minBytes;
    private final long maxIntervalMs;
    private final int maxPending;
    private final long maxPendingBytes;
    private final Counter overflow;
    private final Consumer<Batch> overflowTo;
    private final LongSupplier clock;
    private final ArrayDeque<Span> spans = new ArrayDeque<>();
    private final ArrayDeque<ErrorEvent> errors = new ArrayDeque<>();
    private final ArrayDeque<LogEvent> logs = new ArrayDeque<>();
    private long pendingBytes;
    private long oldestPendingMs = -1;
    private Wakeup wakeup;

    public BatchAccumulator(int maxSize, long intervalMs, int maxPending, Consumer<Batch> overflowTo, MeterRegistry meters) {
        this(maxSize, Long.MAX_VALUE, intervalMs, maxPending, Long.MAX_VALUE, overflowTo, meters);
    }

    /** Every non-empty batch is written after {@code intervalMs} (no minimum size). */
    public BatchAccumulator(int maxSize, long maxBytes, long intervalMs, int maxPending, long maxPendingBytes,
            Consumer<Batch> overflowTo, MeterRegistry meters) {
        this(maxSize, maxBytes, intervalMs, Small.NONE, maxPending, maxPendingBytes, overflowTo, meters,
                System::currentTimeMillis);
    }

    public BatchAccumulator(int maxSize, long maxBytes, long intervalMs, Small small, int maxPending,
            long maxPendingBytes, Consumer<Batch> overflowTo, MeterRegistry meters) {
        this(maxSize, maxBytes, intervalMs, small, maxPending, maxPendingBytes, overflowTo, meters,
                System::currentTimeMillis);
    }

    /**
     * When a batch is too small to be worth a store transaction at {@code intervalMs}: below {@code minSize} items
     * and {@code minBytes} of spans it waits until its oldest item is {@code maxIntervalMs} old.
     */
    public record Small(int minSize, long minBytes, long maxIntervalMs) {
        /** No minimum: every batch is written at its interval. */
        public static final Small NONE = new Small(0, 0, 0);
    }

    /** @param clock epoch ms, for the interval (tests pass their own) */
    BatchAccumulator(int maxSize, long maxBytes, long intervalMs, Small small, int maxPending, long maxPendingBytes,
            Consumer<Batch> overflowTo, MeterRegistry meters, LongSupplier clock) {
        this.clock = clock;
        this.maxSize = maxSize;
        this.maxBytes = maxBytes;
        this.intervalMs = intervalMs;
        this.minSize = small.minSize();
        this.minBytes = small.minBytes();
        this.maxIntervalMs = Math.max(intervalMs, small.maxIntervalMs());
        this.maxPending = maxPending;
        this.maxPendingBytes = maxPendingBytes;
        this.overflowTo = overflowTo;
        this.overflow = Counter.builder("opa.batch.overflow.items")
                .description("spans/errors/logs sent to the spool because the batcher was full").register(meters);
        Gauge.builder("opa.batch.pending", this, BatchAccumulator::pending).register(meters);
        Gauge.builder("opa.batch.pending.bytes", this, BatchAccumulator::pendingBytes)
                .description("estimated heap held by spans waiting for the store").register(meters);
    }

    /** Asked to run the flush route when a batch is ready. */
    public synchronized void wakeup(Wakeup wakeup) {
        this.wakeup = wakeup;
    }

    public synchronized int pending() {
        return spans.size() + errors.size() + logs.size();
    }

    public synchronized long pendingBytes() {
        return pendingBytes;
    }

    public void addSpans(List<Span> kept) {
        if (kept.isEmpty()) {
            return;
        }
        long bytes = 0;
        for (Span s : kept) {
            bytes += s.heapBytes();
        }
        synchronized (this) {
            if (pending() + kept.size() <= maxPending && pendingBytes + bytes <= maxPendingBytes) {
                started();
                spans.addAll(kept);
                pendingBytes += bytes;
                askIfReady();
                return;
            }
        }
        overflow(new Batch(kept, List.of(), List.of()));
    }

    /** Errors and logs of a parsed frame (they are not sampled). */
    public void addEvents(Parsed parsed) {
        int n = parsed.errors().size() + parsed.logs().size();
        if (n == 0) {
            return;
        }
        synchronized (this) {
            if (pending() + n <= maxPending) {
                started();
                errors.addAll(parsed.errors());
                logs.addAll(parsed.logs());
                askIfReady();
                return;
            }
        }
        overflow(new Batch(List.of(), parsed.errors(), parsed.logs()));
    }

    private void started() {
        if (oldestPendingMs < 0) {
            oldestPendingMs = clock.getAsLong();
            if (wakeup != null) {
                wakeup.at(oldestPendingMs + intervalMs); // then it is written, or asks again for its longest wait
            }
        }
    }

    private boolean full() {
        return pending() >= maxSize || pendingBytes >= maxBytes;
    }

    /** Worth a store transaction once its interval has passed. */
    private boolean worthWriting() {
        return pending() >= minSize || pendingBytes >= minBytes;
    }

    private boolean due(long now) {
        if (oldestPendingMs < 0) {
            return false;
        }
        long age = now - oldestPendingMs;
        return age >= maxIntervalMs || (age >= intervalMs && worthWriting());
    }

    /** A full batch, or one that became worth writing after its interval, is written now. */
    private void askIfReady() {
        if (wakeup != null && (full() || due(clock.getAsLong()))) {
            wakeup.now();
        }
    }

    /** When the pending remainder is due: at its interval when worth writing by then, else at the longest wait. */
    private long dueAt() {
        return oldestPendingMs + (worthWriting() ? intervalMs : maxIntervalMs);
    }

    private void overflow(Batch batch) {
        overflow.increment(batch.size());
        overflowTo.accept(batch);
    }

    /** Full batches, plus the remainder once it is due (see the class comment). */
    public List<Batch> takeReady() {
        return take(false);
    }

    /** Everything pending (shutdown). */
    public List<Batch> takeAll() {
        return take(true);
    }

    private synchronized List<Batch> take(boolean all) {
        List<Batch> out = new ArrayList<>();
        boolean due = all || due(clock.getAsLong());
        while (full() || (due && pending() > 0)) {
            out.add(cut());
        }
        if (pending() == 0) {
            oldestPendingMs = -1;
            pendingBytes = 0;
        } else {
            if (due) {
                oldestPendingMs = clock.getAsLong();
            }
            if (wakeup != null) {
                wakeup.at(dueAt());
            }
        }
        return out;
    }

    /** Removes up to maxSize items and maxBytes of spans (at least one item), spans first. */
    private Batch cut() {
        List<Span> s = new ArrayList<>(Math.min(maxSize, spans.size()));
        long bytes = 0;
        while (s.size() < maxSize && !spans.isEmpty() && (s.isEmpty() || bytes + spans.peek().heapBytes() <= maxBytes)) {
            Span span = spans.poll();
            pendingBytes -= span.heapBytes();
            bytes += span.heapBytes();
            s.add(span);
        }
        int room = maxSize - s.size();
        List<ErrorEvent> e = new ArrayList<>();
        while (e.size() < room && !errors.isEmpty()) {
            e.add(errors.poll());
        }
        room -= e.size();
        List<LogEvent> l = new ArrayList<>();
        while (l.size() < room && !logs.isEmpty()) {
            l.add(logs.poll());
        }
        return new Batch(s, e, l);
    }
}
