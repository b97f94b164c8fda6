package dev.opa.agent.wire;

import dev.opa.agent.ops.IngestMetrics;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-connection ingest budget, after the {@link FrameDecoder}: each connection may pass at most
 * {@code bytesPerSecond} of decoded JSON a second (a token bucket refilled each second; an attached stack counts
 * with its text's length). Lines over the
 * budget are dropped and counted ({@code opa_frames_rejected_total{reason="connection_limit"}}), so one
 * flooding connection cannot fill the tail buffer and hold every other sender behind the back-pressure gate.
 * Whole lines are dropped, never parts of a frame. One instance per connection.
 */
public class ConnectionBudget extends ChannelInboundHandlerAdapter {

    private final AtomicRateLimiter bytes;
    private final int perSecond;
    private final IngestMetrics metrics;

    public ConnectionBudget(int bytesPerSecond, IngestMetrics metrics) {
        this.perSecond = bytesPerSecond;
        this.metrics = metrics;
        this.bytes = new AtomicRateLimiter("connection", RateLimiterConfig.custom().limitForPeriod(bytesPerSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ZERO).build());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frames frames)) {
            ctx.fireChannelRead(msg);
            return;
        }
        List<Frames.Line> lines = frames.lines();
        List<Frames.Line> kept = null; // allocated only once a line is dropped
        for (int i = 0; i < lines.size(); i++) {
            Frames.Line line = lines.get(i);
            // a line larger than a whole second's budget may pass when the bucket is full
            if (bytes.acquirePermission((int) Math.max(1, Math.min(line.jsonBytes(), perSecond)))) {
                if (kept != null) {
                    kept.add(line);
                }
            } else {
                if (kept == null) {
                    kept = new ArrayList<>(lines.subList(0, i));
                }
                metrics.frameRejected("connection_limit", "a " + frames.transport() + " connection sent over "
                        + perSecond + " bytes/s (opa.ingest.connection-bytes-per-second): lines dropped");
            }
        }
        if (kept == null) {
            ctx.fireChannelRead(frames);
        } else if (!kept.isEmpty()) {
            ctx.fireChannelRead(new Frames(frames.transport(), kept));
        }
    }
}
