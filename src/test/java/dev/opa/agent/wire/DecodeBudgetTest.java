package dev.opa.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.StackCodec;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.testkit.Wire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The frame decoders' shared budget: each frame is reserved before it is copied or decompressed and given back
 * once the next handler (the ingest route) has had it, so all connections together never hold more than the
 * budget; a frame larger than the whole budget is refused as oversize; nothing accepted is lost.
 */
class DecodeBudgetTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final IngestMetrics metrics = new IngestMetrics(meters, new RateLimitedLog(60_000));

    /** Stands for the ingest route: notes the lines and how much the decoders held while it had them. */
    @ChannelHandler.Sharable
    static final class Route extends ChannelInboundHandlerAdapter {
        final DecodeBudget budget;
        final long sleepMs;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong mostHeld = new AtomicLong();
        final AtomicLong frames = new AtomicLong();

        Route(DecodeBudget budget, long sleepMs) {
            this.budget = budget;
            this.sleepMs = sleepMs;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            frames.incrementAndGet();
            mostHeld.accumulateAndGet(budget.held(), Math::max);
            for (Frames.Line line : ((Frames) msg).lines()) {
                lines.add(line.text());
            }
            Thread.sleep(sleepMs);
        }
    }

    private double rejected(String reason) {
        var c = meters.find("opa.frames.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static String line(int n, int size) {
        String head = "{\"n\":" + n + ",\"pad\":\"";
        return head + "x".repeat(size - head.length() - 2) + "\"}";
    }

    @Test
    void framesLargerThanTheWholeBudgetAreRefusedAsOversizeAndTheNextFrameIsRead() {
        DecodeBudget budget = new DecodeBudget(4096, meters);
        Route route = new Route(budget, 0);
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder("test", 16 << 20, metrics, budget), route);
        String big = line(0, 8000);
        String stack = "[\"" + "f".repeat(8000) + "\"]";
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(Wire.utf8(big + "\n" + line(1, 100) + "\n"),
                Wire.lz4Frame(big + "\n"), Wire.utf8(line(2, 100) + "\n"),
                Wire.attached(Wire.utf8(line(3, 100)), StackCodec.encode(stack)), Wire.utf8(line(4, 100) + "\n"))));
        ch.finishAndReleaseAll();
        assertEquals(List.of(line(1, 100), line(2, 100), line(4, 100)), route.lines);
        assertEquals(3.0, rejected("oversize"), "the JSON line, the LZ4 frame and the attached stack over 4096 bytes");
        assertEquals(0, budget.held(), "everything given back");
        assertEquals(0.0, meters.find("opa.ingest.decoding.bytes").gauge().value(), "the gauge shows what is held");
    }

    @Test
    void aDecoderWithoutRoomPassesOnTheLinesItHoldsBeforeDecodingMore() {
        int size = 1000;
        DecodeBudget budget = new DecodeBudget(3 * size, meters);
        Route route = new Route(budget, 0);
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder("test", 16 << 20, metrics, budget), route);
        StringBuilder read = new StringBuilder();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sent.add(line(i, size));
            read.append(line(i, size)).append('\n');
        }
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.concat(Wire.utf8(read.toString()), Wire.lz4Frame(sent.get(0)))));
        ch.finishAndReleaseAll();
        List<String> expected = new ArrayList<>(sent);
        expected.add(sent.get(0));
        assertEquals(expected, route.lines, "every line, in order");
        assertTrue(route.frames.get() >= 3, "one read was passed on in parts: " + route.frames.get());
        assertTrue(route.mostHeld.get() <= 3 * size, "held " + route.mostHeld.get());
        assertEquals(0, budget.held());
        assertEquals(0.0, rejected("oversize") + rejected("decode_budget"));
    }

    @Test
    void connectionsSharingTheBudgetWaitForEachOtherAndLoseNothing() throws Exception {
        int size = 20_000;
        DecodeBudget budget = new DecodeBudget(2 * size + 100, meters);
        Route route = new Route(budget, 2); // a slow route: the decoders hold their frames meanwhile
        int connections = 4;
        int perConnection = 40;
        List<Thread> threads = new ArrayList<>();
        var failures = ConcurrentHashMap.<Throwable>newKeySet();
        for (int c = 0; c < connections; c++) {
            int conn = c;
            threads.add(new Thread(() -> {
                try {
                    EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder("test", 16 << 20, metrics, budget), route);
                    for (int i = 0; i < perConnection; i++) {
                        int n = conn * 1000 + i;
                        byte[] frame = i % 2 == 0 ? Wire.lz4Frame(line(n, size) + "\n") : Wire.utf8(line(n, size) + "\n");
                        ch.writeInbound(Unpooled.wrappedBuffer(frame));
                    }
                    ch.finishAndReleaseAll();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertEquals(connections * perConnection, route.lines.size(), "nothing lost");
        for (int c = 0; c < connections; c++) {
            for (int i = 0; i < perConnection; i++) {
                assertTrue(route.lines.contains(line(c * 1000 + i, size)), "line " + c + "/" + i);
            }
        }
        assertTrue(route.mostHeld.get() <= budget.limit(), "held " + route.mostHeld.get() + " of " + budget.limit());
        assertTrue(meters.find("opa.ingest.decode.wait").timer().count() > 0, "decoders waited for room");
        assertEquals(0, budget.held());
        assertEquals(0.0, rejected("oversize") + rejected("decode_budget"));
    }
}
