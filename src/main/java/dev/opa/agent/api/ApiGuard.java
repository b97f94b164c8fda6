package dev.opa.agent.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gate in front of every /api request (REST routes and the live stream), in this order:
 * per-address budget (429), API key (401), per-key budget (429), role (403: only admin keys may change
 * anything - every method but GET/HEAD/OPTIONS). The key is presented as {@code Authorization: Bearer <key>};
 * the live stream also takes {@code ?token=<key>} because EventSource cannot set headers. The caller's
 * {@link ApiAuth.Key} is left in the routing context under {@value #KEY} for the audit log.
 */
public final class ApiGuard implements Handler<RoutingContext> {

    public static final String KEY = "opa.api.key";
    static final String LIVE_PATH = "/api/live";

    private final ApiAuth auth;
    private final ApiRateLimits limits;
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicLong forbidden = new AtomicLong();
    private final AtomicLong limited = new AtomicLong();

    public ApiGuard(ApiAuth auth, ApiRateLimits limits) {
        this.auth = auth;
        this.limits = limits;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        long wait = limits.addressRetryAfter(remoteHost(request));
        if (wait > 0) {
            tooMany(ctx, wait);
            return;
        }
        Optional<ApiAuth.Key> key = auth.authenticate(presentedKey(request));
        if (key.isEmpty()) {
            unauthorized.incrementAndGet();
            deny(ctx, 401, "unauthorized");
            return;
        }
        ctx.put(KEY, key.get());
        wait = key.get() == ApiAuth.OPEN ? 0 : limits.keyRetryAfter(key.get().id()); // open API: per address only
        if (wait > 0) {
            tooMany(ctx, wait);
            return;
        }
        if (!key.get().role().allows(roleNeeded(request.method()))) {
            forbidden.incrementAndGet();
            deny(ctx, 403, "this call changes the agent: it needs an admin key");
            return;
        }
        ctx.next();
    }

    static ApiAuth.Role roleNeeded(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
                ? ApiAuth.Role.READ : ApiAuth.Role.ADMIN;
    }

    static String remoteHost(HttpServerRequest request) {
        return request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress();
    }

    private static String presentedKey(HttpServerRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        return LIVE_PATH.equals(request.path()) ? request.getParam("token") : null;
    }

    private void tooMany(RoutingContext ctx, long seconds) {
        limited.incrementAndGet();
        ctx.response().putHeader("Retry-After", String.valueOf(seconds));
        deny(ctx, 429, "too many requests: retry after " + seconds + " s");
    }

    static void deny(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(JsonColumns.mapper().createObjectNode().put("error", message).toString());
    }

    /** Whether callers need a key (false: no key configured, the API is open). */
    public boolean keysRequired() {
        return auth.enabled();
    }

    public long unauthorized() {
        return unauthorized.get();
    }

    public long forbidden() {
        return forbidden.get();
    }

    public long limited() {
        return limited.get();
    }
}
