package dev.opa.agent.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** At most one warning per (kind, reason) per interval, with the number suppressed since the last one. */
public class RateLimitedLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.opa.agent.rejects");

    private final long intervalMs;
    private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> suppressed = new ConcurrentHashMap<>();

    public RateLimitedLog(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    public void warn(String kind, String reason, String detail) {
        String key = kind + ":" + reason;
        long now = System.currentTimeMillis();
        AtomicLong last = lastLogged.computeIfAbsent(key, k -> new AtomicLong(Long.MIN_VALUE / 2));
        AtomicLong skipped = suppressed.computeIfAbsent(key, k -> new AtomicLong());
        long prev = last.get();
        if (now - prev >= intervalMs && last.compareAndSet(prev, now)) {
            long n = skipped.getAndSet(0);
            LOG.warn("rejected {} ({}): {}{}", kind, reason, detail, n > 0 ? " [" + n + " more since last report]" : "");
        } else {
            skipped.incrementAndGet();
        }
    }
}
