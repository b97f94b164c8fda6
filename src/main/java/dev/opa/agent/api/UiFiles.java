package dev.opa.agent.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves the built dashboard (ui/dist): files as they are (binary-safe, Vert.x StaticHandler), and
 * index.html for every other GET outside the server's own paths, so browser-history deep links such as
 * /traces/&lt;id&gt; load the app.
 */
public final class UiFiles {

    private static final String[] SERVER_PATHS = {"/api", "/metrics", "/health", "/observe", "/q/"};

    private final Path dir;

    public UiFiles(String dir) {
        this.dir = Path.of(dir).toAbsolutePath().normalize();
    }

    public Handler<RoutingContext> files() {
        return StaticHandler.create(FileSystemAccess.ROOT, dir.toString())
                .setFilesReadOnly(false)      // a rebuilt UI is served without a restart
                .setCachingEnabled(false)     // index.html must never be stale (it names the hashed assets)
                .setIndexPage("index.html");
    }

    public Handler<RoutingContext> deepLinks() {
        return ctx -> {
            String path = ctx.normalizedPath();
            for (String reserved : SERVER_PATHS) {
                if (path.equals(reserved) || path.startsWith(reserved.endsWith("/") ? reserved : reserved + "/")) {
                    ctx.next();
                    return;
                }
            }
            Path index = dir.resolve("index.html");
            if (Files.isRegularFile(index)) {
                ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache")
                        .sendFile(index.toString());
            } else {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
                        .end("The dashboard is not built: run `npm --prefix ui ci && npm --prefix ui run build`.\n");
            }
        };
    }
}
