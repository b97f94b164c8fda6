package dev.opa.agent.boot;

import io.vertx.core.net.impl.TCPServerBase;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/**
 * Vert.x reports a failed bind of the HTTP server only in its log and the agent would run on without
 * /health, /metrics, API and dashboard: once Camel has started, the server must be listening.
 */
public final class HttpServerCheck implements StartupListener {

    private final String address;

    public HttpServerCheck(String host, int port) {
        this.address = host + ":" + port;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the server is checked once everything has started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        for (VertxPlatformHttpRouter router : context.getRegistry().findByType(VertxPlatformHttpRouter.class)) {
            VertxPlatformHttpServer server = router.getServer();
            // actualPort() keeps the configured port after a failed bind; only the implementation knows
            if (server != null && !(server.getServer() instanceof TCPServerBase base && base.isListening())) {
                throw new StartupFailure("HTTP server cannot listen on " + address, "opa.http.port / opa.http.host",
                        "not listening after start (see the Vert.x message above)");
            }
        }
    }
}
