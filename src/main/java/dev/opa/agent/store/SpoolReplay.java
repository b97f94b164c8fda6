package dev.opa.agent.store;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the spool oldest first (route {@code spool-replay}, inside the store circuit breaker) and decides
 * between a store that is down and a poison batch (docs/store-failures.md):
 * <ul>
 * <li><b>Store down</b> - everything fails: the oldest batch stays where it is, the replay pauses until the next
 * tick, batches keep being spooled in order, nothing is quarantined.</li>
 * <li><b>Poison suspect</b> - the oldest batch fails, not with a connection/disk/timeout error
 * ({@link StoreFailure#storeWide()}), and the store has taken other data since the batch's previous failed
 * attempt (new traffic, or - once it has failed {@code splitAfterFailures} times - the next spooled batch written
 * as a probe). Such a failure is not reported to the circuit breaker (it says nothing about the store), so a
 * poison batch cannot open the breaker and divert healthy traffic.</li>
 * <li><b>Poison batch</b> - a suspect that has failed {@code splitAfterFailures} times in a row is split in halves,
 * recursively down to single items; every part that stores is removed from the spool file, every single item
 * that still fails goes to the {@link DeadLetters}. A connection/disk/timeout failure while splitting stops the
 * split: the rest stays in the spool as the oldest batch.</li>
 * </ul>
 * Meters: {@code opa_spool_replayed_batches_total}, {@code opa_spool_split_batches_total}.
 */
public class SpoolReplay {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolReplay.class);

    private final Spool spool;
    private final StoreWriter writer;
    private final StoreFailures failures;
    private final DeadLetters deadLetters;
    private final int splitAfterFailures;
    private final Counter replayed;
    private final Counter splits;
    private Batch head;            // the oldest batch as last seen (the spool keeps the parsed instance)
    private int headFailures;      // failed attempts of that batch in a row
    private long successesAtLastFailure;

    public SpoolReplay(Spool spool, StoreWriter writer, StoreFailures failures, DeadLetters deadLetters,
            int splitAfterFailures, MeterRegistry meters) {
        if (splitAfterFailures < 2) {
            throw new IllegalArgumentException("opa.spool.split-after-failures must be at least 2 (evidence needs two attempts)");
        }
        this.spool = spool;
        this.writer = writer;
        this.failures = failures;
        this.deadLetters = deadLetters;
        this.splitAfterFailures = splitAfterFailures;
        this.replayed = Counter.builder("opa.spool.replayed.batches").description("spooled batches stored by the replay")
                .register(meters);
        this.splits = Counter.builder("opa.spool.split.batches")
                .description("spooled batches split because the store rejected them while taking other data").register(meters);
    }

    /**
     * Stores the oldest spooled batch (splitting and quarantining a poison batch); returns what was stored, for the
     * live feed, or null when nothing was (spool empty, or the oldest batch is a poison suspect that waits for its
     * next attempt: the route pauses until the next tick). Throws the store's exception when the store may be
     * down, so the breaker counts it and the route pauses the replay.
     */
    public synchronized Batch replayOldest() throws Exception {
        Batch oldest = spool.peekOldest();
        if (oldest == null) {
            return null;
        }
        if (oldest != head) {
            head = oldest;
            headFailures = 0;
            // most likely it was spooled when a write failed: the evidence counts from there
            successesAtLastFailure = failures.successesAtLastFailure();
        }
        try {
            writer.write(oldest);
        } catch (Exception e) {
            headFailures++;
            StoreFailure reason = StoreFailure.of(e);
            if (reason.storeWide()) {
                throw e;
            }
            List<Batch> stored = new ArrayList<>();
            boolean othersStore = failures.successes() > successesAtLastFailure
                    || (headFailures >= splitAfterFailures && probeWithNext(stored));
            successesAtLastFailure = failures.successes();
            if (!othersStore) {
                throw e; // maybe the store is down: the breaker counts it, the replay pauses, order is kept
            }
            if (headFailures < splitAfterFailures) {
                return null; // a poison suspect: not the store's fault, so not the breaker's business; retried next tick
            }
            LOG.warn("a spooled batch of {} items failed {} times ({}) while the store takes other data: splitting it"
                    + " to store what it can and quarantine the rest in {}", oldest.size(), headFailures, reason.tag(),
                    deadLetters.dir());
            splits.increment();
            stored.addAll(splitAndQuarantine(oldest));
            return concat(stored);
        }
        spool.removeOldest();
        replayed.increment();
        return oldest;
    }

    /** Without other traffic, the next spooled batch is the evidence: written out of order, it says the store works. */
    private boolean probeWithNext(List<Batch> stored) throws IOException {
        Batch next = spool.peek(1);
        if (next == null) {
            return false;
        }
        try {
            writer.write(next);
        } catch (Exception probeFailed) {
            return false; // the next one fails too (counted, logged): the store is down, everything stays in order
        }
        spool.remove(1);
        replayed.increment();
        stored.add(next);
        return true;
    }

    /** Writes halves recursively; single items that fail are quarantined. The spool file shrinks as parts land. */
    private List<Batch> splitAndQuarantine(Batch batch) throws Exception {
        List<Batch> stored = new ArrayList<>();
        Deque<Batch> todo = new ArrayDeque<>(batch.size() > 1 ? halves(batch) : List.of(batch));
        while (!todo.isEmpty()) {
            Batch part = todo.removeFirst();
            try {
                writer.write(part);
                stored.add(part);
            } catch (Exception e) {
                StoreFailure reason = StoreFailure.of(e);
                if (reason.storeWide()) {
                    todo.addFirst(part);
                    spool.replaceOldest(concat(todo));
                    throw e;
                }
                if (part.size() > 1) {
                    List<Batch> h = halves(part);
                    todo.addFirst(h.get(1));
                    todo.addFirst(h.get(0));
                    continue;
                }
                deadLetters.quarantine(part, reason, e);
            }
            shrinkTo(todo);
        }
        replayed.increment();
        return stored;
    }

    /** The spool file holds only what is left, so a crash mid-split replays no stored part twice. */
    private void shrinkTo(Deque<Batch> todo) throws IOException {
        if (todo.isEmpty()) {
            spool.removeOldest();
        } else {
            spool.replaceOldest(concat(todo));
        }
    }

    /** The items of a batch (spans, then errors, then logs) in two halves. */
    static List<Batch> halves(Batch b) {
        int mid = b.size() / 2;
        return List.of(slice(b, 0, mid), slice(b, mid, b.size()));
    }

    private static Batch slice(Batch b, int from, int to) {
        int s = b.spans().size();
        int e = s + b.errors().size();
        return new Batch(b.spans().subList(clamp(from, 0, s), clamp(to, 0, s)),
                b.errors().subList(clamp(from, s, e) - s, clamp(to, s, e) - s),
                b.logs().subList(clamp(from, e, b.size()) - e, clamp(to, e, b.size()) - e));
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static Batch concat(Iterable<Batch> parts) {
        List<Span> spans = new ArrayList<>();
        List<ErrorEvent> errors = new ArrayList<>();
        List<LogEvent> logs = new ArrayList<>();
        for (Batch p : parts) {
            spans.addAll(p.spans());
            errors.addAll(p.errors());
            logs.addAll(p.logs());
        }
        return new Batch(spans, errors, logs);
    }
}
