package dev.opa.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lines read within the window go on as one {@link Frames}, across connections of one I/O thread; a full group or a
 * closing connection hands on at once. Real pipelines (EmbeddedChannel: its event loop runs in the test thread, like
 * one I/O thread serving several connections), real frame decoder.
 */
class FrameCoalescerTest {

    final IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), new RateLimitedLog(60_000));

    private EmbeddedChannel connection(FrameCoalescer coalescer) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder("unix", 1 << 20, metrics), coalescer.newChannelHandler());
        ch.freezeTime();
        return ch;
    }

    private static void send(EmbeddedChannel ch, String... lines) {
        ch.writeInbound(Unpooled.wrappedBuffer((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> texts(Frames frames) {
        return frames.lines().stream().map(Frames.Line::text).toList();
    }

    @Test
    void linesOfSeveralConnectionsWithinTheWindowGoOnTogether() {
        FrameCoalescer coalescer = new FrameCoalescer("unix", 250, 1 << 20);
        EmbeddedChannel a = connection(coalescer);
        EmbeddedChannel b = connection(coalescer);
        send(a, "{\"n\":1}");
        send(b, "{\"n\":2}", "{\"n\":3}");
        a.advanceTimeBy(249, TimeUnit.MILLISECONDS);
        a.runScheduledPendingTasks();
        assertNull(a.readInbound(), "nothing before the window ends");
        assertNull(b.readInbound());
        a.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        a.runScheduledPendingTasks();
        Frames group = b.readInbound(); // through the connection that added last
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"), texts(group));
        assertEquals("unix", group.transport());
        assertNull(a.readInbound());

        send(a, "{\"n\":4}"); // a new window starts with the next line
        a.advanceTimeBy(250, TimeUnit.MILLISECONDS);
        a.runScheduledPendingTasks();
        assertEquals(List.of("{\"n\":4}"), texts(a.readInbound()));
    }

    @Test
    void aGroupOverItsBytesGoesOnAtOnce() {
        FrameCoalescer coalescer = new FrameCoalescer("tcp", 250, 20);
        EmbeddedChannel a = connection(coalescer);
        send(a, "{\"n\":1}"); // 7 bytes
        assertNull(a.readInbound());
        send(a, "{\"pad\":\"xxxxxxxxxx\"}"); // 20 more: over the limit
        assertEquals(List.of("{\"n\":1}", "{\"pad\":\"xxxxxxxxxx\"}"), texts(a.readInbound()));
        a.advanceTimeBy(1, TimeUnit.SECONDS);
        a.runScheduledPendingTasks();
        assertNull(a.readInbound(), "the window's timer went with the group");
    }

    @Test
    void aClosingConnectionHandsOnWhatWaitsForIt() {
        FrameCoalescer coalescer = new FrameCoalescer("unix", 60_000, 1 << 20);
        EmbeddedChannel a = connection(coalescer);
        EmbeddedChannel b = connection(coalescer);
        send(b, "{\"n\":1}");
        send(a, "{\"n\":2}");
        b.close(); // not the one the group goes through: it waits on
        assertNull(b.readInbound());
        a.close();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), texts(a.readInbound()), "nothing accepted is lost at close");
    }

    @Test
    void windowZeroPassesEveryReadOnAtOnce() {
        EmbeddedChannel a = connection(new FrameCoalescer("unix", 0, 1 << 20));
        send(a, "{\"n\":1}");
        assertEquals(List.of("{\"n\":1}"), texts(a.readInbound()));
        assertThrows(IllegalArgumentException.class, () -> new FrameCoalescer("unix", -1, 1));
    }
}
