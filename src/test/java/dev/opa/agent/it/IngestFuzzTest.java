package dev.opa.agent.it;

import static dev.opa.agent.testkit.TestIds.spanId;
import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.webRequest;
import static dev.opa.agent.testkit.Wire.concat;
import static dev.opa.agent.testkit.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.TestSpan;
import dev.opa.agent.testkit.Wire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Fuzz as a test: a few thousand random and hostile payloads over both listeners, each on its own connection
 * behind a valid trace (and, where the framing lets a reader resynchronise at the next newline, also followed
 * by one). Every valid trace must be stored and the agent must stay healthy. The seed is fixed so a failure can
 * be replayed; {@code -Dfuzz.seed=N} tries another.
 */
@CamelMainTest(properties = {
        "opa.tail.grace-ms=200",
        "opa.batch.interval-ms=100",
        "opa.batch.max-interval-ms=100"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestFuzzTest {

    static final TestAgent AGENT = new TestAgent("fuzz");
    static final long SEED = Long.getLong("fuzz.seed", 20261204L);
    static final String VALID = "fuzz-valid";

    @BeanInject("dataSource")
    DataSource dataSource;

    final Random random = new Random(SEED);
    final long now = System.currentTimeMillis();
    int validSent;

    @AfterAll
    void clearProperties() {
        AGENT.clear();
    }

    /** A hostile payload; resyncable ones end in a newline after which a reader must find the next line. */
    record Hostile(String kind, int count, boolean resyncable, Function<Random, byte[]> make) {
    }

    final List<Hostile> hostiles = List.of(
            new Hostile("random bytes", 600, false, r -> bytes(r, 1 + r.nextInt(4096))),
            new Hostile("truncated LZ4 frame", 300, false, r -> {
                byte[] frame = Wire.lz4Frame(hostileSpan(r, "x") + "\n");
                return Arrays.copyOf(frame, 1 + r.nextInt(frame.length - 1));
            }),
            new Hostile("corrupted LZ4 frame", 300, false, r -> {
                byte[] frame = Wire.lz4Frame(hostileSpan(r, "x") + "\n" + hostileSpan(r, "y") + "\n");
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) {
                    frame[4 + r.nextInt(frame.length - 4)] ^= (byte) (1 + r.nextInt(255));
                }
                return frame;
            }),
            new Hostile("bogus legacy size header", 200, false, r -> {
                long[] sizes = {-1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, 0, r.nextInt(1 << 20), 16_777_217};
                ByteBuffer b = ByteBuffer.allocate(11).order(ByteOrder.LITTLE_ENDIAN);
                b.put(utf8("LZ4")).putLong(sizes[r.nextInt(sizes.length)]);
                return concat(b.array(), bytes(r, r.nextInt(2048)));
            }),
            new Hostile("legacy block with a lying size", 150, false, r -> {
                byte[] block = Wire.legacyBlock(hostileSpan(r, "z") + "\n");
                ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putLong(3, 1 + r.nextInt(4096));
                return block;
            }),
            new Hostile("attached stack frame with corrupted envelope or stack", 300, true, r -> {
                byte[] frame = TestSpan.attached(hostileSpan(r, "a"));
                for (int i = 0, n = 1 + r.nextInt(8); i < n; i++) { // its lengths intact: the next frame is found
                    frame[12 + r.nextInt(frame.length - 12)] ^= (byte) (1 + r.nextInt(255));
                }
                return frame;
            }),
            new Hostile("attached stack frame with lying lengths", 150, false, r -> {
                byte[] frame = TestSpan.attached(hostileSpan(r, "b"));
                ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(4 + 4 * r.nextInt(2),
                        new int[] {0, 1, 4, -1, Integer.MIN_VALUE, 1 << 30, r.nextInt(1 << 16)}[r.nextInt(7)]);
                return frame;
            }),
            new Hostile("truncated attached stack frame", 150, false, r -> {
                byte[] frame = TestSpan.attached(hostileSpan(r, "c"));
                return Arrays.copyOf(frame, 1 + r.nextInt(frame.length - 1));
            }),
            new Hostile("JSON nested 100,000 deep", 10, true, r -> utf8((r.nextBoolean() ? "{\"a\":" : "[").repeat(100_000) + "\n")),
            new Hostile("span with a tag nested 100,000 deep", 10, true, r -> utf8(hostileSpan(r, "deep")
                    .replace("\"env\":\"test\"", "\"env\":" + "[".repeat(100_000) + "]".repeat(100_000)) + "\n")),
            new Hostile("2 MB line", 10, true, r -> r.nextBoolean()
                    ? utf8(hostileSpan(r, "n".repeat(2 << 20)) + "\n")
                    : concat(bytes(r, 2 << 20), utf8("\n"))),
            new Hostile("invalid UTF-8 in a span", 200, true, r -> concat(withBadBytes(r, hostileSpan(r, "@BAD@")), utf8("\n"))),
            new Hostile("invalid UTF-8 in SQL, stack, tags", 200, true, r -> concat(withBadBytes(r, hostileSpan(r, "ok")
                    .replace("bob", "@BAD@").replace("\"main\"", "\"@BAD@\"").replace("\"test\"", "\"@BAD@\"")), utf8("\n"))),
            new Hostile("lone surrogates", 200, true, r -> utf8(hostileSpan(r, SURROGATES[r.nextInt(SURROGATES.length)])
                    .replace("bob", SURROGATES[r.nextInt(SURROGATES.length)])
                    .replace("\"main\"", "\"" + SURROGATES[r.nextInt(SURROGATES.length)] + "\"") + "\n")),
            new Hostile("wrong shapes", 200, true, r -> utf8(SHAPES[r.nextInt(SHAPES.length)] + "\n")));

    static final String[] SURROGATES = {"\\ud800", "\\udfff", "\\udfff\\ud800", "x\\ud83d", "\\u0000\\ud800\\u0000"};
    static final byte[][] BAD_UTF8 = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {0}};
    static final String[] SHAPES = {"{}", "{\"type\":\"span\"}", "[]", "null", "{\"type\":\"span\",\"trace_id\":42}",
            "{\"type\":\"error\",\"trace_id\":\"zz\"}", "{\"type\":\"log\",\"message\":{\"a\":[1,2]}}",
            "{\"type\":\"span\",\"trace_id\":\"" + "f".repeat(32) + "\",\"span_id\":\"" + "e".repeat(16)
                    + "\",\"start_ts\":1e400,\"duration_ms\":-1e308,\"service\":\"" + "s".repeat(5000) + "\"}",
            "{\"type\":\"span\",\"sql\":\"not a list\",\"stack\":{\"a\":1},\"tags\":[1]}", "{\"a\":1}{\"b\":2}",
            "{\"a\":\"unterminated}", "{\"a\":01}", "{\"a\":NaN}", "{'a':1}", "\"just a string\""};

    /** A span-shaped message with its own trace id and the given name (may hold escapes or a marker). */
    String hostileSpan(Random r, String name) {
        String traceId = String.format("%016x%016x", r.nextLong(), r.nextLong());
        return webRequest(traceId, String.format("%016x", r.nextLong()), "fuzz-hostile", now, 5, "ok").message().toString()
                .replace("\"name\":\"GET /users/{id}\"", "\"name\":\"" + name + "\"");
    }

    static byte[] withBadBytes(Random r, String text) {
        byte[] bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] parts = text.split("@BAD@", -1);
        for (int i = 0; i < parts.length; i++) {
            out.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
            if (i < parts.length - 1) {
                out.writeBytes(bad);
            }
        }
        return out.toByteArray();
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Every other one with its stack attached (docs/protocol.md §2.1). */
    byte[] validTrace() {
        int n = validSent++;
        TestSpan span = webRequest(traceId(0xf0220000L + n), spanId(1), VALID, now, 5, "ok");
        return n % 2 == 0 ? utf8(span.line()) : span.attached();
    }

    @Test
    void hostilePayloadsNeverCostAValidTrace() throws IOException {
        List<Hostile> order = new ArrayList<>();
        hostiles.forEach(h -> order.addAll(Collections.nCopies(h.count(), h)));
        Collections.shuffle(order, random);
        long start = System.nanoTime();
        for (int i = 0; i < order.size(); i++) {
            Hostile h = order.get(i);
            byte[] payload = concat(validTrace(), h.make().apply(random), h.resyncable() ? validTrace() : new byte[0]);
            try (SocketChannel ch = i % 2 == 0 ? Wire.tcp(AGENT.tcp) : Wire.unix(AGENT.socket)) {
                Wire.write(ch, payload);
            } catch (IOException e) {
                throw new AssertionError("payload " + i + " (" + h.kind() + ", seed " + SEED + ")", e);
            }
        }
        long sent = System.nanoTime();
        Db db = new Db(dataSource);
        Await.until("valid traces stored (seed " + SEED + ")",
                () -> db.count("SELECT count(*) FROM spans_min WHERE service = ?", VALID), n -> n >= validSent, 60_000);
        System.out.printf("fuzz: %d hostile payloads, %d valid traces sent in %d ms, all stored %d ms later%n",
                order.size(), validSent, (sent - start) / 1_000_000, (System.nanoTime() - sent) / 1_000_000);
        assertEquals(validSent, db.count("SELECT count(DISTINCT trace_id) FROM spans_min WHERE service = ?", VALID),
                "every valid trace stored once (seed " + SEED + ")");

        assertEquals(200, Http.get(AGENT.http, "/health/ready").statusCode(), "healthy after the fuzz");
        for (String reason : List.of("garbage", "lz4_corrupt", "oversize", "invalid_json", "stack_corrupt", "truncated")) {
            assertTrue(Http.metric(AGENT.http, "opa_frames_rejected_total{reason=\"" + reason + "\"}") > 0,
                    "hostile input counted as " + reason);
        }
        assertTrue(Http.metric(AGENT.http, "opa_stacks_attached_total") >= validSent / 2, "valid attached stacks accepted");
        assertEquals(0.0, Http.metric(AGENT.http, "opa_spool_batches_written_total"), "no store write failed (nothing spooled)");
    }
}
