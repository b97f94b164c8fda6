package dev.opa.agent.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * Hands the decoded lines of a listener to the route in groups: the lines read by one I/O thread, from all of its
 * connections, within {@code windowMs} (or until {@code maxBytes} are held) go on as one {@link Frames}, so one route
 * exchange carries them. At a host's rates a message comes every 5-50 ms, and each exchange found the route's code
 * cold (the same compiled decode + parse of a root summary costs ~5 µs back to back, 50-130 µs at 20/s): grouped,
 * the route runs a few times a second whatever the rate.
 * The delay is at most {@code windowMs}, small next to the tail buffer's grace. {@code windowMs = 0}: every read goes
 * on at once.
 *
 * <p>The group is per I/O thread (so no locking); it goes on through the connection that last added to it, on
 * that thread, so back-pressure of the route still stops that thread's reads. A connection that closes hands on
 * the group at once if it is the one to go through. Listed after the per-connection handlers in {@code decoders=}
 * (one handler per connection; the groups are shared per thread through this factory).
 */
public class FrameCoalescer extends DefaultChannelHandlerFactory {

    private final String transport;
    private final long windowMs;
    private final long maxBytes;
    private final FastThreadLocal<Group> groups = new FastThreadLocal<>() {
        @Override
        protected Group initialValue() {
            return new Group();
        }
    };

    /**
     * @param windowMs how long lines may wait for others (0: not at all)
     * @param maxBytes a group holding this many bytes (lines plus attached stacks, as held) goes on at once
     */
    public FrameCoalescer(String transport, long windowMs, long maxBytes) {
        if (windowMs < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("opa.ingest.coalesce-ms and opa.ingest.coalesce-bytes must be >= 0, got "
                    + windowMs + " and " + maxBytes);
        }
        this.transport = transport;
        this.windowMs = windowMs;
        this.maxBytes = maxBytes;
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return windowMs == 0 ? new ChannelInboundHandlerAdapter() : new Handler();
    }

    /** The lines waiting on one I/O thread, and the connection they will go on through. */
    private final class Group {
        private List<Frames.Line> lines = new ArrayList<>();
        private long bytes;
        private ChannelHandlerContext via;
        private ScheduledFuture<?> timer;

        void add(ChannelHandlerContext ctx, Frames frames) {
            lines.addAll(frames.lines());
            for (Frames.Line line : frames.lines()) {
                bytes += line.len() + (line.stack() == null ? 0 : line.stack().length);
            }
            via = ctx;
            if (bytes >= maxBytes) {
                handOn();
            } else if (timer == null) {
                timer = ctx.executor().schedule(this::handOn, windowMs, TimeUnit.MILLISECONDS);
            }
        }

        void handOn() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (lines.isEmpty()) {
                return;
            }
            Frames frames = new Frames(transport, lines);
            ChannelHandlerContext ctx = via;
            lines = new ArrayList<>();
            bytes = 0;
            via = null;
            ctx.fireChannelRead(frames);
        }

        void closing(ChannelHandlerContext ctx) {
            if (via == ctx) {
                handOn();
            }
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Frames frames) {
                groups.get().add(ctx, frames);
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            groups.get().closing(ctx);
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            groups.get().closing(ctx);
        }
    }
}
