package dev.opa.agent.pipeline;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.parse.Parsed;
import dev.opa.agent.store.Spool;
import dev.opa.agent.trace.TraceAssembler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects kept spans, errors and logs into store batches: a batch is ready when it holds {@code maxSize}
 * items, or when the oldest pending item has waited {@code intervalMs}. Above {@code maxPending} items, or
 * {@code maxPendingNodes} JSON objects held by pending spans (the tail buffer's heap proxy: one realistic root
 * with a 50-node stack is ~65 of them), new input goes straight to the spool as its own batch (the store cannot
 * keep up; the spool is the place for backlog and replays it in order), counted as
 * {@code opa_batch_overflow_items_total}. Without the node bound, 200k pending realistic spans exhausted a
 * 512 MB heap.
 */
public class BatchAccumulator {

    private final int maxSize;
    private final long intervalMs;
    private final int maxPending;
    private final long maxPendingNodes;
    private long pendingNodes;
    private final Counter overflow;
    private final Spool spool;
    private List<Span> spans = new ArrayList<>();
    private List<ErrorEvent> errors = new ArrayList<>();
    private List<LogEvent> logs = new ArrayList<>();
    private long oldestPendingMs = -1;

    public BatchAccumulator(int maxSize, long intervalMs, int maxPending, Spool spool, MeterRegistry meters) {
        this(maxSize, intervalMs, maxPending, Long.MAX_VALUE, spool, meters);
    }

    public BatchAccumulator(int maxSize, long intervalMs, int maxPending, long maxPendingNodes, Spool spool,
            MeterRegistry meters) {
        this.maxPendingNodes = maxPendingNodes;
        this.maxSize = maxSize;
        this.intervalMs = intervalMs;
        this.maxPending = maxPending;
        this.spool = spool;
        this.overflow = Counter.builder("opa.batch.overflow.items")
                .description("spans/errors/logs sent to the spool because the batcher was full").register(meters);
        Gauge.builder("opa.batch.pending", this, BatchAccumulator::pending).register(meters);
        Gauge.builder("opa.batch.pending.nodes", this, BatchAccumulator::pendingNodes)
                .description("JSON objects held by pending spans (heap proxy)").register(meters);
    }

    public synchronized int pending() {
        return spans.size() + errors.size() + logs.size();
    }

    public synchronized long pendingNodes() {
        return pendingNodes;
    }

    public void addSpans(List<Span> kept) {
        long nodes = nodes(kept);
        synchronized (this) {
            if (admit(kept.size()) && (kept.isEmpty() || pendingNodes + nodes <= maxPendingNodes)) {
                spans.addAll(kept);
                pendingNodes += nodes;
                return;
            }
        }
        overflow(new Batch(kept, List.of(), List.of()));
    }

    private static long nodes(List<Span> spans) {
        long n = 0;
        for (Span s : spans) {
            n += TraceAssembler.nodes(s);
        }
        return n;
    }

    /** Errors and logs of a parsed frame (they are not sampled). */
    public void addEvents(Parsed parsed) {
        if (!admit(parsed.errors().size() + parsed.logs().size())) {
            overflow(new Batch(List.of(), parsed.errors(), parsed.logs()));
            return;
        }
        synchronized (this) {
            errors.addAll(parsed.errors());
            logs.addAll(parsed.logs());
        }
    }

    private void overflow(Batch batch) {
        if (batch.size() > 0) {
            overflow.increment(batch.size());
            spool.append(batch);
        }
    }

    /** True when n more items fit (0 items: nothing to do, also true). */
    private synchronized boolean admit(int n) {
        if (n == 0) {
            return true;
        }
        if (pending() + n > maxPending) {
            return false;
        }
        if (oldestPendingMs < 0) {
            oldestPendingMs = System.currentTimeMillis();
        }
        return true;
    }

    /** Full batches, plus the remainder once it has waited the interval. */
    public List<Batch> takeReady() {
        return take(false);
    }

    /** Everything pending (shutdown). */
    public List<Batch> takeAll() {
        return take(true);
    }

    private synchronized List<Batch> take(boolean all) {
        List<Batch> out = new ArrayList<>();
        boolean due = all || (oldestPendingMs >= 0 && System.currentTimeMillis() - oldestPendingMs >= intervalMs);
        while (pending() >= maxSize || (due && pending() > 0)) {
            out.add(cut());
        }
        if (pending() == 0) {
            oldestPendingMs = -1;
            pendingNodes = 0;
        } else if (due) {
            oldestPendingMs = System.currentTimeMillis();
        }
        return out;
    }

    /** Removes up to maxSize items, spans first. */
    private Batch cut() {
        int room = maxSize;
        List<Span> s = head(spans, room);
        spans = spans.subList(s.size(), spans.size());
        pendingNodes -= nodes(s);
        room -= s.size();
        List<ErrorEvent> e = head(errors, room);
        errors = errors.subList(e.size(), errors.size());
        room -= e.size();
        List<LogEvent> l = head(logs, room);
        logs = logs.subList(l.size(), logs.size());
        spans = new ArrayList<>(spans);
        errors = new ArrayList<>(errors);
        logs = new ArrayList<>(logs);
        return new Batch(s, e, l);
    }

    private static <T> List<T> head(List<T> list, int n) {
        return new ArrayList<>(list.subList(0, Math.min(n, list.size())));
    }
}
