package dev.opa.agent.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.OnCamelContextStarted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the HTTP handlers that are not request/response REST calls to the agent's HTTP server (the Vert.x
 * router behind platform-http): in front of everything under /api the audit log and the guard (rate limits,
 * API key, role), then the live stream at GET /api/live, and after every other route the dashboard files
 * with deep-link fallback.
 */
public final class HttpRoutes implements OnCamelContextStarted {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRoutes.class);

    /** Router order of the /api front handlers: before the live stream (-1) and the REST routes (0...). */
    static final int AUDIT_ORDER = -20;
    static final int GUARD_ORDER = -10;

    private final ApiAuditLog audit;
    private final ApiGuard guard;
    private final LiveStreamHandler liveStream;
    private final UiFiles ui;
    private final MeterRegistry meters;

    public HttpRoutes(ApiAuditLog audit, ApiGuard guard, LiveStreamHandler liveStream, UiFiles ui, MeterRegistry meters) {
        this.audit = audit;
        this.guard = guard;
        this.liveStream = liveStream;
        this.ui = ui;
        this.meters = meters;
    }

    /** An API without keys is fine on 127.0.0.1 (the default); on any other address say so once. */
    private void warnIfOpen(VertxPlatformHttpRouter router) {
        String host = router.getServer() == null ? null : router.getServer().getHost();
        if (!guard.keysRequired() && host != null && !isLoopback(host)) {
            LOG.warn("the REST API on {} has no API keys: anyone who reaches this address can read traces and change"
                    + " sampling (set opa.api.keys-file, or bind opa.http.host to 127.0.0.1)", host);
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void onContextStarted(CamelContext context) {
        Set<VertxPlatformHttpRouter> routers = context.getRegistry().findByType(VertxPlatformHttpRouter.class);
        if (routers.isEmpty()) {
            throw new IllegalStateException("no platform-http server: enable camel.server");
        }
        for (VertxPlatformHttpRouter router : routers) {
            warnIfOpen(router);
            router.route("/api/*").order(AUDIT_ORDER).handler(audit);
            router.route("/api/*").order(GUARD_ORDER).handler(guard);
            router.get("/api/live").order(-1).handler(liveStream);
            router.get("/*").order(Integer.MAX_VALUE - 1).handler(ui.files()).handler(ui.deepLinks());
        }
        FunctionCounter.builder("opa.api.live.dropped", liveStream, LiveStreamHandler::dropped)
                .description("live-stream events not sent because a client could not keep up").register(meters);
        FunctionCounter.builder("opa.api.denied", guard, ApiGuard::unauthorized).tag("status", "401")
                .description("API calls refused by the guard").register(meters);
        FunctionCounter.builder("opa.api.denied", guard, ApiGuard::forbidden).tag("status", "403")
                .description("API calls refused by the guard").register(meters);
        FunctionCounter.builder("opa.api.denied", guard, ApiGuard::limited).tag("status", "429")
                .description("API calls refused by the guard").register(meters);
        FunctionCounter.builder("opa.api.audit.failures", audit, ApiAuditLog::failures)
                .description("audit log lines that could not be written").register(meters);
        Gauge.builder("opa.api.live.clients", liveStream, LiveStreamHandler::clients)
                .description("connected live-stream clients").register(meters);
    }
}
