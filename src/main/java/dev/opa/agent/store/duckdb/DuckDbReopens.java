package dev.opa.agent.store.duckdb;

import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.store.StoreFailure;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store's recovery from an invalidated DuckDB instance reports: a WARN line when the invalidation is
 * found and when a reopen fails, an INFO line when the file is open again (at most one per kind per interval,
 * with the exception text); {@code opa_duckdb_reopens_total{reason,outcome}} (reason: what the fatal error was
 * about - out_of_memory, io, other; outcome: reopened, failed); and, while the database is not usable, the
 * sentence readiness shows.
 */
final class DuckDbReopens {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbSpanStore.class);
    static final long LOG_INTERVAL_MS = 10_000;

    /** The reasons an invalidation is counted under. */
    static final List<StoreFailure> CAUSES = List.of(StoreFailure.OUT_OF_MEMORY, StoreFailure.IO, StoreFailure.TIMEOUT,
            StoreFailure.OTHER);

    private final RateLimitedLog log = new RateLimitedLog(LOG, LOG_INTERVAL_MS);
    private final Map<StoreFailure, AtomicLong> reopened = new EnumMap<>(StoreFailure.class);
    private final Map<StoreFailure, AtomicLong> failed = new EnumMap<>(StoreFailure.class);
    private volatile long invalidSinceMs;
    private volatile int attempts;
    private volatile String fatalError;
    private volatile String lastReopenError;
    private StoreFailure reason = StoreFailure.OTHER;

    DuckDbReopens() {
        for (StoreFailure r : CAUSES) {
            reopened.put(r, new AtomicLong());
            failed.put(r, new AtomicLong());
        }
    }

    void register(MeterRegistry meters) {
        for (StoreFailure r : CAUSES) {
            FunctionCounter.builder("opa.duckdb.reopens", reopened.get(r), AtomicLong::get).tag("reason", r.tag())
                    .tag("outcome", "reopened").description("DuckDB database reopened after a fatal error").register(meters);
            FunctionCounter.builder("opa.duckdb.reopens", failed.get(r), AtomicLong::get).tag("reason", r.tag())
                    .tag("outcome", "failed").description("DuckDB database reopened after a fatal error").register(meters);
        }
    }

    /** The instance at {@code file} is invalidated ({@code error}: DuckDB's text, found on a write or a read). */
    synchronized void invalidated(String file, String where, String error) {
        if (invalidSinceMs == 0) {
            invalidSinceMs = System.currentTimeMillis();
            attempts = 0;
            fatalError = oneLine(error);
            reason = causeOf(error);
        }
        log.warn("invalidated", "DuckDB database " + file + " invalidated by a fatal error (found on a " + where
                + "): " + oneLine(error) + "; closing it and opening the file again (WAL replay); failed batches are spooled "
                + "and replayed after the reopen");
    }

    synchronized void reopenFailed(String file, Exception e) {
        attempts++;
        lastReopenError = e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
        failed.get(reason).incrementAndGet();
        log.warn("reopen-failed", "reopening DuckDB database " + file + " failed (attempt " + attempts + "): "
                + lastReopenError + "; retried at the next write or read");
    }

    synchronized void reopened(String file, long tookMs) {
        attempts++;
        reopened.get(reason).incrementAndGet();
        log.info("reopened", "DuckDB database " + file + " open again after a fatal error (" + tookMs + " ms, attempt "
                + attempts + ", unusable since " + Instant.ofEpochMilli(invalidSinceMs) + ")");
        invalidSinceMs = 0;
        lastReopenError = null;
    }

    /** Why the database cannot be used right now, or null while it can. */
    String problem() {
        long since = invalidSinceMs;
        if (since == 0) {
            return null;
        }
        String failedReopen = lastReopenError;
        return "DuckDB database invalidated by a fatal error since " + Instant.ofEpochMilli(since) + " (" + fatalError
                + "); reopening" + (failedReopen == null ? "" : ", " + attempts + " attempts failed, last: " + failedReopen);
    }

    boolean usable() {
        return invalidSinceMs == 0;
    }

    /** DuckDB's messages span lines ("...\nError: FATAL Error: ...\nOriginal error: ..."): one log line each. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    /** What the fatal error was about: DuckDB quotes it after "Original error:" once the instance is invalidated. */
    static StoreFailure causeOf(String error) {
        String text = error == null ? "" : error;
        int quoted = text.lastIndexOf("Original error:");
        StoreFailure r = StoreFailure.ofMessage((quoted < 0 ? text : text.substring(quoted)).replace("FATAL Error", ""));
        return CAUSES.contains(r) ? r : StoreFailure.OTHER;
    }
}
