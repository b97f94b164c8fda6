package dev.opa.agent.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one line per key per interval, with the number suppressed since the last one. The first occurrence
 * of a key is always logged.
 */
public class RateLimitedLog {

    private final Logger log;
    private final long intervalMs;
    private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

    /** For rejected input (logger {@code dev.opa.agent.rejects}). */
    public RateLimitedLog(long intervalMs) {
        this(LoggerFactory.getLogger("dev.opa.agent.rejects"), intervalMs);
    }

    public RateLimitedLog(Logger log, long intervalMs) {
        this.log = log;
        this.intervalMs = intervalMs;
    }

    /** A rejected frame or message: "rejected {kind} ({reason}): {detail}". */
    public void warn(String kind, String reason, String detail) {
        warn(kind + ":" + reason, "rejected " + kind + " (" + reason + "): " + detail);
    }

    /** Logs {@code message} at WARN unless a message with the same key was logged less than an interval ago. */
    public void warn(String key, String message) {
        log(key, message, true);
    }

    /** As {@link #warn(String, String)}, at INFO. */
    public void info(String key, String message) {
        log(key, message, false);
    }

    private void log(String key, String message, boolean warn) {
        long now = System.currentTimeMillis();
        AtomicLong last = lastLogged.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE / 2));
        AtomicLong skipped = suppressed.computeIfAbsent(key, k -> new AtomicLong());
        long prev = last.get();
        if (now - prev >= intervalMs && last.compareAndSet(prev, now)) {
            long n = skipped.getAndSet(0);
            String more = n > 0 ? " [" + n + " more since last report]" : "";
            if (warn) {
                log.warn("{}{}", message, more);
            } else {
                log.info("{}{}", message, more);
            }
        } else {
            skipped.incrementAndGet();
        }
    }
}
