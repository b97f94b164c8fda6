package dev.opa.agent.parse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.wire.FrameDecoder;
import dev.opa.agent.wire.Frames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The located-stack path of {@link MessageParser} gives exactly what the token path gives (the same spans, stack
 * text byte for byte, records, counters), on real corpus records and on edge cases that send it back to the
 * token path.
 */
class StackFastPathTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Limits LIMITS = new Limits(10_000, 64_000, 1_024);

    /** One parser: the located-stack one or the reference, with its own counters. */
    private record Run(Parsed parsed, Map<String, Double> counters) {
    }

    private static Run run(List<byte[]> lines, Limits limits, boolean locateStack) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MessageParser parser = new MessageParser(limits, new IngestMetrics(meters, new RateLimitedLog(60_000)), locateStack);
        Parsed parsed = parser.parse(Frames.of("test", lines));
        Map<String, Double> counters = new TreeMap<>();
        for (var m : meters.getMeters()) {
            if (m instanceof Counter c) {
                counters.put(m.getId().getName() + m.getId().getTags(), c.count());
            }
        }
        return new Run(parsed, counters);
    }

    /** Parses with both paths and asserts the same outcome; returns the located path's. */
    private static Run same(List<byte[]> lines, Limits limits) {
        Run fast = run(lines, limits, true);
        Run reference = run(lines, limits, false);
        assertEquals(reference.counters(), fast.counters());
        assertEquals(reference.parsed().spans().size(), fast.parsed().spans().size());
        for (int i = 0; i < fast.parsed().spans().size(); i++) {
            assertSameRecord(reference.parsed().spans().get(i), fast.parsed().spans().get(i), "span " + i);
        }
        assertEquals(reference.parsed().errors(), fast.parsed().errors());
        assertEquals(reference.parsed().logs(), fast.parsed().logs());
        return fast;
    }

    /** Component by component (byte arrays by content: the stored LZ4 stack must be the same bytes). */
    private static void assertSameRecord(Object expected, Object actual, String where) {
        if (expected instanceof Record) {
            for (RecordComponent c : expected.getClass().getRecordComponents()) {
                try {
                    assertSameRecord(c.getAccessor().invoke(expected), c.getAccessor().invoke(actual), where + "." + c.getName());
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        } else if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, (byte[]) actual, where);
        } else if (!"arrivalMs".equals(where)) {
            assertEquals(expected, actual, where);
        }
    }

    /** The JSON lines of the real records in src/test/resources/parse (WordPress and MediaWiki full captures). */
    private static List<byte[]> realLines() throws IOException {
        List<byte[]> lines = new ArrayList<>();
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), new RateLimitedLog(60_000));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder("test", 16 << 20, metrics));
        try (InputStream raw = StackFastPathTest.class.getResourceAsStream("/parse/real-spans.opa");
                DataInputStream in = new DataInputStream(raw)) {
            assertNotNull(raw);
            while (in.available() > 0) {
                byte[] record = new byte[in.readInt()];
                in.readFully(record);
                channel.writeInbound(Unpooled.wrappedBuffer(record));
                Frames frames = channel.readInbound();
                for (Frames.Line l : frames.lines()) {
                    lines.add(java.util.Arrays.copyOfRange(l.buf(), l.off(), l.off() + l.len()));
                }
            }
        }
        channel.finishAndReleaseAll();
        assertEquals(3, lines.size());
        return lines;
    }

    private static StackLocator.Located located(byte[] line, Limits limits) {
        return StackLocator.locate(line, 0, line.length, limits.maxQueryChars());
    }

    @Test
    void realRecordsGiveTheSameSpansAsTheTokenPath() throws IOException {
        List<byte[]> lines = realLines();
        for (byte[] line : lines) {
            assertNotNull(located(line, LIMITS), "a real record takes the located path");
        }
        Run fast = same(lines, LIMITS);
        for (int i = 0; i < lines.size(); i++) {
            Span span = fast.parsed().spans().get(i);
            ObjectNode tree = (ObjectNode) MAPPER.readTree(lines.get(i));
            assertEquals(MAPPER.readTree(StackCodec.decode(span.detail().stackLz4())), tree.get("stack"));
            String text = new String(lines.get(i), StandardCharsets.UTF_8);
            assertTrue(text.contains("\"stack\":" + StackCodec.decode(span.detail().stackLz4()) + "}"), "stack text as received");
            assertEquals(tree.get("sql").size(), span.detail().sqlRecords().size());
            assertFalse(span.detail().sqlRecords().isEmpty());
        }
    }

    @Test
    void nestedRecordsAreReadWhenTheSpanListsNone() throws IOException {
        List<byte[]> lines = new ArrayList<>();
        for (byte[] line : realLines()) {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(line);
            tree.set("sql", MAPPER.createArrayNode());
            lines.add(MAPPER.writeValueAsBytes(tree));
        }
        Run fast = same(lines, LIMITS);
        for (int i = 0; i < lines.size(); i++) {
            assertTrue((located(lines.get(i), LIMITS).nestedKeys() & StackLocator.SQL_QUERIES) != 0);
            assertFalse(fast.parsed().spans().get(i).detail().sqlRecords().isEmpty(), "nested queries used");
        }
    }

    @Test
    void aLongNestedQueryIsTruncatedAsBefore() throws IOException {
        Limits small = new Limits(100, 64_000, 1_024);
        List<byte[]> lines = realLines();
        for (byte[] line : lines) {
            assertEquals(null, located(line, small), "a stack string over the limit: token path");
        }
        Run fast = same(lines, small);
        assertTrue(fast.counters().getOrDefault("opa.repairs[tag(field=query)]", 0.0) > 0, fast.counters().toString());
    }

    @Test
    void syntheticEdgeCasesGiveTheSameOutcome() {
        long now = System.currentTimeMillis();
        String head = "{\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\",\"span_id\":\"b7ad6b7169203331\",\"service\":\"s\","
                + "\"name\":\"GET /x\",\"start_ts\":" + now + ",\"duration_ms\":3,";
        ArrayNode nested = MAPPER.createArrayNode();
        nested.addObject().put("query", "SELECT 1").put("duration_ms", 0.5);
        String node = "{\"function\":\"f\\\"\\\\\",\"sql_queries\":" + nested + ",\"http_requests\":[{\"url\":\"http://a\"}],"
                + "\"cache_operations\":[{}],\"redis_operations\":[{},{}]}";
        List<String> messages = List.of(
                head + "\"stack\":[" + node + "]}",
                head + "\"stack\":[" + node + "],\"sql\":[{\"query\":\"SELECT 2\"}],\"http\":[{\"url\":\"http://b\"}]}",
                head + "\"sql\":[{\"query\":\"SELECT 2\"}],\"http\":[{\"url\":\"http://b\"}],\"cache\":[1],\"redis\":[1],"
                        + "\"stack\":[" + node + "]}",
                head + "\"cache\":[1],\"stack\":[" + node + "],\"redis\":[]}",
                head + "\"stack\":[" + node + ",7,\"x\",[{\"sql_queries\":[{\"query\":\"deep\"}]}]],\"tags\":{\"a\":\"b\"}}",
                head + "\"stack\":[],\"tags\":{\"long\":\"" + "t".repeat(2000) + "\"},\"dumps\":[{\"data\":\"" + "d".repeat(70_000) + "\"}]}",
                head + "\"stack\":[{\"a\":1}],\"type\":\"error\",\"error_type\":\"E\",\"message\":\"m\",\"occurred_at_ms\":" + now + "}",
                head + "\"stack\":[{\"a\":1}],\"type\":\"span\",\"type\":\"log\",\"level\":\"info\",\"message\":\"m\",\"timestamp_ms\":" + now + "}",
                head + "\"stack\":[{\"a\":1}]}   ",
                head + "\"stack\":[{\"a\":1}]",
                head + "\"stack\":[{\"a\":1}],}",
                head + "\"stack\":[{\"a\":01}]}",
                head + "\"stack\":[{\"a\":1}],\"trace_id\":7}",
                head.replace("\"service\":\"s\",", "") + "\"stack\":[{\"a\":1}]}",
                "[" + head + "\"stack\":[]}]");
        for (String m : messages) {
            same(List.of(m.getBytes(StandardCharsets.UTF_8)), LIMITS);
        }
        same(messages.stream().map(m -> m.getBytes(StandardCharsets.UTF_8)).toList(), new Limits(20, 10, 8));
    }
}
