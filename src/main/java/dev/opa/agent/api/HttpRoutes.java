package dev.opa.agent.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.OnCamelContextStarted;

/**
 * Adds the two HTTP handlers that are not request/response REST calls to the agent's HTTP server
 * (the Vert.x router behind platform-http): the live stream at GET /api/live and the dashboard files
 * with deep-link fallback, which runs after every other route.
 */
public final class HttpRoutes implements OnCamelContextStarted {

    private final LiveStreamHandler liveStream;
    private final UiFiles ui;

    public HttpRoutes(LiveStreamHandler liveStream, UiFiles ui) {
        this.liveStream = liveStream;
        this.ui = ui;
    }

    @Override
    public void onContextStarted(CamelContext context) {
        Set<VertxPlatformHttpRouter> routers = context.getRegistry().findByType(VertxPlatformHttpRouter.class);
        if (routers.isEmpty()) {
            throw new IllegalStateException("no platform-http server: enable camel.server");
        }
        for (VertxPlatformHttpRouter router : routers) {
            router.get("/api/live").order(-1).handler(liveStream);
            router.get("/*").order(Integer.MAX_VALUE - 1).handler(ui.files()).handler(ui.deepLinks());
        }
        MeterRegistry meters = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters != null) {
            FunctionCounter.builder("opa.api.live.dropped", liveStream, LiveStreamHandler::dropped)
                    .description("live-stream events not sent because a client could not keep up").register(meters);
            Gauge.builder("opa.api.live.clients", liveStream, LiveStreamHandler::clients)
                    .description("connected live-stream clients").register(meters);
        }
    }
}
