package dev.opa.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-connection byte budget behind the real frame decoder, in a real Netty pipeline. */
class ConnectionBudgetTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final IngestMetrics metrics = new IngestMetrics(meters, new RateLimitedLog(60_000));

    private EmbeddedChannel connection(int budget) {
        return new EmbeddedChannel(new FrameDecoder("tcp", 1 << 20, metrics),
                new ConnectionBudgetFactory(budget, metrics).newChannelHandler());
    }

    private static byte[] lines(int count, int size) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String head = "{\"n\":" + i + ",\"pad\":\"";
            sb.append(head).append("x".repeat(size - head.length() - 2)).append("\"}\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<Frames.Line> read(EmbeddedChannel ch) {
        List<Frames.Line> out = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            out.addAll(((Frames) msg).lines());
        }
        return out;
    }

    private double shed() {
        var c = meters.find("opa.frames.rejected").tag("reason", "connection_limit").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aFloodingConnectionIsCutToItsBudgetAndCounted() {
        EmbeddedChannel flood = connection(10_000);
        flood.writeInbound(Unpooled.wrappedBuffer(lines(100, 1000))); // 100 KB at once against 10 KB/s
        List<Frames.Line> passed = read(flood);
        assertTrue(passed.size() >= 10 && passed.size() <= 20, passed.size() + " lines passed");
        assertEquals(100 - passed.size(), shed(), "every dropped line is counted");
        assertTrue(passed.get(0).text().startsWith("{\"n\":0,"), "whole lines, in order");

        EmbeddedChannel quiet = connection(10_000);
        quiet.writeInbound(Unpooled.wrappedBuffer(lines(5, 1000)));
        assertEquals(5, read(quiet).size(), "another connection has its own budget");
        flood.finishAndReleaseAll();
        quiet.finishAndReleaseAll();
    }

    @Test
    void anAttachedStackCountsWithItsTextNotItsCompressedSize() {
        EmbeddedChannel ch = connection(10_000);
        String stack = "[" + "{\"function\":\"f\"},".repeat(1000) + "{}]"; // 17 KB of text, ~0.2 KB compressed
        byte[] frame = dev.opa.agent.testkit.Wire.attached("{\"n\":1}".getBytes(StandardCharsets.UTF_8),
                dev.opa.agent.model.StackCodec.encode(stack));
        ch.writeInbound(Unpooled.wrappedBuffer(dev.opa.agent.testkit.Wire.concat(frame, frame, frame)));
        assertEquals(1, read(ch).size(), "the first takes the whole second's budget (a full bucket lets it pass)");
        assertEquals(2.0, shed());
        ch.finishAndReleaseAll();
    }

    @Test
    void theBudgetRefillsEverySecond() throws InterruptedException {
        EmbeddedChannel ch = connection(5_000);
        ch.writeInbound(Unpooled.wrappedBuffer(lines(20, 1000)));
        int first = read(ch).size();
        Thread.sleep(1100);
        ch.writeInbound(Unpooled.wrappedBuffer(lines(3, 1000)));
        assertEquals(3, read(ch).size(), "after a second the connection may send again (first read passed " + first + ")");
        ch.finishAndReleaseAll();
    }

    @Test
    void aLineLargerThanTheWholeBudgetStillPassesOnAFullBucket() {
        EmbeddedChannel ch = connection(1_000);
        ch.writeInbound(Unpooled.wrappedBuffer(lines(1, 5_000)));
        assertEquals(1, read(ch).size());
        ch.finishAndReleaseAll();
    }

    @Test
    void zeroIsOff() {
        EmbeddedChannel ch = connection(0);
        ch.writeInbound(Unpooled.wrappedBuffer(lines(500, 1000)));
        assertEquals(500, read(ch).size());
        assertEquals(0, shed());
        ch.finishAndReleaseAll();
    }
}
