package dev.opa.agent.api;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * GET /api/live: a Server-Sent Events stream of {@link LiveFeed} events (the key is checked before, by
 * {@link ApiGuard}, which also takes it as {@code ?token=} here: EventSource cannot set headers). A client whose connection cannot keep up loses events
 * (counted in {@link #dropped()}) instead of slowing the pipeline.
 */
public final class LiveStreamHandler implements Handler<RoutingContext> {

    static final long KEEP_ALIVE_MS = 15_000;

    private final LiveFeed feed;
    private final AtomicLong dropped = new AtomicLong();

    public LiveStreamHandler(LiveFeed feed) {
        this.feed = feed;
    }

    public long dropped() {
        return dropped.get();
    }

    public int clients() {
        return feed.subscribers();
    }

    @Override
    public void handle(RoutingContext ctx) {
        Set<String> types;
        try {
            types = types(ctx.request().getParam("types"));
        } catch (BadRequestException e) {
            fail(ctx, 400, e.getMessage());
            return;
        }
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": connected\n\n");
        Context eventLoop = ctx.vertx().getOrCreateContext();
        LiveFeed.Subscription subscription = feed.subscribe(types, event -> eventLoop.runOnContext(v -> {
            if (response.closed() || response.ended() || response.writeQueueFull()) {
                dropped.incrementAndGet();
            } else {
                response.write("event: " + event.type() + "\ndata: " + event.json() + "\n\n");
            }
        }));
        long keepAlive = ctx.vertx().setPeriodic(KEEP_ALIVE_MS, id -> {
            if (!response.closed() && !response.ended()) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> {
            subscription.close();
            ctx.vertx().cancelTimer(keepAlive);
        });
    }

    /** The comma list of event types; absent means all. */
    static Set<String> types(String param) {
        if (param == null || param.isBlank()) {
            return LiveFeed.TYPES;
        }
        Set<String> types = Arrays.stream(param.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        if (types.isEmpty() || !LiveFeed.TYPES.containsAll(types)) {
            throw new BadRequestException("types must be a comma list of trace, error, log, dump");
        }
        return types;
    }

    private static void fail(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(JsonColumns.mapper().createObjectNode().put("error", message).toString());
    }
}
