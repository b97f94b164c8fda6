package dev.opa.agent.api;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Request budgets for /api (resilience4j rate limiters: N permits per second, refilled each second), one per
 * API key and one per remote address. A call over budget is refused at once with the seconds until the next
 * permit (the Retry-After of a 429). Addresses are tracked in a bounded LRU map so a scan from many
 * addresses cannot grow memory; an evicted address starts again with a full budget.
 */
public final class ApiRateLimits {

    /** Addresses tracked at once. */
    static final int MAX_ADDRESSES = 10_000;

    private final RateLimiterConfig perKey;
    private final RateLimiterConfig perAddress;
    private final Map<String, AtomicRateLimiter> keys = new ConcurrentHashMap<>();
    private final Map<String, AtomicRateLimiter> addresses = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AtomicRateLimiter> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** @param perKeyPerSecond, perAddressPerSecond requests per second; 0 switches that limit off */
    public ApiRateLimits(int perKeyPerSecond, int perAddressPerSecond) {
        this.perKey = config(perKeyPerSecond, "opa.api.rate-limit.per-key");
        this.perAddress = config(perAddressPerSecond, "opa.api.rate-limit.per-address");
    }

    private static RateLimiterConfig config(int perSecond, String setting) {
        if (perSecond < 0) {
            throw new IllegalArgumentException(setting + " must be >= 0 (0 = off), got " + perSecond);
        }
        return perSecond == 0 ? null : RateLimiterConfig.custom().limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build();
    }

    /** 0 when the key may call now, else the seconds until it may. */
    public long keyRetryAfter(String keyId) {
        return perKey == null ? 0 : take(keys.computeIfAbsent(keyId, id -> new AtomicRateLimiter("key-" + id, perKey)));
    }

    /** 0 when the address may call now, else the seconds until it may. */
    public long addressRetryAfter(String address) {
        if (perAddress == null) {
            return 0;
        }
        AtomicRateLimiter limiter;
        synchronized (addresses) {
            limiter = addresses.computeIfAbsent(address, a -> new AtomicRateLimiter("address", perAddress));
        }
        return take(limiter);
    }

    int trackedAddresses() {
        synchronized (addresses) {
            return addresses.size();
        }
    }

    private static long take(AtomicRateLimiter limiter) {
        if (limiter.acquirePermission()) {
            return 0;
        }
        long nanos = limiter.getDetailedMetrics().getNanosToWait();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
