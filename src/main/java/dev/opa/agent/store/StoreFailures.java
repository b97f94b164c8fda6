package dev.opa.agent.store;

import dev.opa.agent.model.Batch;
import dev.opa.agent.ops.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts for store write outcomes: every failure is counted by reason ({@code opa_store_write_failures_total{reason}})
 * and logged at WARN with the exception text and the batch size (at most once per reason per interval, with the
 * number suppressed); a success after failures is logged the same way. Keeps what readiness reports: the last
 * error, since when writes fail, and how many writes succeeded (the evidence {@link SpoolReplay} needs before
 * it calls a batch poison).
 */
public class StoreFailures {

    private static final Logger LOG = LoggerFactory.getLogger(StoreFailures.class);

    /** What readiness shows; {@code failingSinceMs} is 0 while writes succeed. */
    public record Status(long failingSinceMs, long failedWrites, String lastError, StoreFailure lastReason,
            long lastFailureMs, long lastSuccessMs) {
    }

    private final RateLimitedLog log;
    private final Map<StoreFailure, Counter> byReason = new EnumMap<>(StoreFailure.class);
    private long failingSinceMs;
    private long failedWrites;
    private String lastError;
    private StoreFailure lastReason;
    private long lastFailureMs;
    private long lastSuccessMs;
    private long successes;
    private long successesAtLastFailure;

    public StoreFailures(long logIntervalMs, MeterRegistry meters) {
        this.log = new RateLimitedLog(LOG, logIntervalMs);
        for (StoreFailure reason : StoreFailure.values()) {
            byReason.put(reason, Counter.builder("opa.store.write.failures").tag("reason", reason.tag())
                    .description("store writes that failed, by reason").register(meters));
        }
    }

    /** Counts and logs a failed write of {@code batch}; returns the reason. */
    public StoreFailure failed(Batch batch, Throwable e) {
        StoreFailure reason = StoreFailure.of(e);
        byReason.get(reason).increment();
        String text = text(e);
        synchronized (this) {
            long now = System.currentTimeMillis();
            if (failingSinceMs == 0) {
                failingSinceMs = now;
            }
            failedWrites++;
            lastError = text;
            lastReason = reason;
            lastFailureMs = now;
            successesAtLastFailure = successes;
        }
        log.warn(reason.tag(), "store write failed (" + reason.tag() + ") for a batch of " + batch.size() + " items ("
                + batch.spans().size() + " spans, " + batch.errors().size() + " errors, " + batch.logs().size()
                + " logs): " + text);
        return reason;
    }

    public void succeeded() {
        long since;
        long failed;
        synchronized (this) {
            lastSuccessMs = System.currentTimeMillis();
            successes++;
            since = failingSinceMs;
            failed = failedWrites;
            failingSinceMs = 0;
            failedWrites = 0;
        }
        if (since != 0) {
            log.info("recovered", "store writes succeed again after " + failed + " failed writes since "
                    + java.time.Instant.ofEpochMilli(since));
        }
    }

    public synchronized Status status() {
        return new Status(failingSinceMs, failedWrites, lastError, lastReason, lastFailureMs, lastSuccessMs);
    }

    /** Successful writes since start: a change between two looks means the store took some data in between. */
    public synchronized long successes() {
        return successes;
    }

    /** {@link #successes()} as it was when the last write failed. */
    public synchronized long successesAtLastFailure() {
        return successesAtLastFailure;
    }

    /** The exception and, when different, its root cause: "SQLException: ... (caused by ...)". */
    static String text(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (root == e || (e.getMessage() != null && root.getMessage() != null && e.getMessage().contains(root.getMessage()))) {
            return top;
        }
        return top + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
