package dev.opa.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.opa.agent.model.StackCodec;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.testkit.Wire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The span-with-attached-stack frame (docs/protocol.md): envelope lines handed on, the stack checked and attached
 * to the envelope's last line as received; every fault discards the frame, is counted by reason, and the
 * connection goes on with the next frame.
 */
class AttachedStackFrameTest {

    static final int MAX = 64 * 1024;
    static final String ERROR = "{\"type\":\"error\",\"n\":1}";
    static final String SPAN = "{\"type\":\"span\",\"n\":2}";
    static final String NEXT = "{\"n\":3}";
    static final String STACK = "[{\"call_id\":\"0000000000000001\",\"parent_id\":null,\"function\":\"{main}\"}]";

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final IngestMetrics metrics = new IngestMetrics(meters, new RateLimitedLog(60_000));

    /** Decoded lines: text, and the attached stack's bytes (null for none). */
    record Decoded(String text, byte[] stack) {
    }

    private List<Decoded> decode(byte[]... chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder("test", MAX, metrics));
        for (byte[] chunk : chunks) {
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
        }
        ch.finish();
        List<Decoded> lines = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            for (Frames.Line line : ((Frames) msg).lines()) {
                lines.add(new Decoded(line.text(), line.stack()));
            }
        }
        ch.finishAndReleaseAll();
        return lines;
    }

    private List<String> texts(List<Decoded> lines) {
        return lines.stream().map(Decoded::text).toList();
    }

    private double rejected(String reason) {
        var c = meters.find("opa.frames.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private double attachedCount() {
        return meters.find("opa.stacks.attached").counter().count();
    }

    private static byte[] stack(String json) {
        return StackCodec.encode(json);
    }

    private static byte[] frame(String envelopeLines, byte[] stack) {
        return Wire.attached(Wire.utf8(envelopeLines), stack);
    }

    private static byte[] next() {
        return Wire.utf8(NEXT + "\n");
    }

    @Test
    void envelopeAsJsonOrLz4FrameSplitAtEveryByteTheStackGoesToTheLastLineAsReceived() {
        byte[] packed = stack(STACK);
        for (byte[] frame : List.of(frame(ERROR + "\n" + SPAN + "\n", packed), frame(ERROR + "\n" + SPAN, packed),
                Wire.attached(Wire.lz4Frame(ERROR + "\n" + SPAN + "\n"), packed))) {
            byte[] stream = Wire.concat(next(), frame, next());
            for (int cut = 0; cut <= stream.length; cut++) {
                List<Decoded> lines = decode(Arrays.copyOfRange(stream, 0, cut), Arrays.copyOfRange(stream, cut, stream.length));
                assertEquals(List.of(NEXT, ERROR, SPAN, NEXT), texts(lines), "cut at " + cut);
                assertNull(lines.get(1).stack());
                assertArrayEquals(packed, lines.get(2).stack(), "stored exactly as received");
                assertEquals(STACK, StackCodec.decode(lines.get(2).stack()));
                assertNull(lines.get(3).stack());
            }
        }
        assertEquals(0.0, meters.find("opa.frames.rejected").counters().stream().mapToDouble(c -> c.count()).sum());
    }

    @Test
    void eachAcceptedStackIsCountedOnce() {
        decode(frame(SPAN, stack(STACK)), frame(SPAN + "\n", stack("[]")), next());
        assertEquals(2.0, attachedCount());
    }

    @Test
    void truncatedFrameAtCloseIsCountedAndWhatCameBeforeKept() {
        byte[] frame = frame(SPAN, stack(STACK));
        for (int keep : new int[] {2, 11, 12, 20, frame.length - 1}) {
            assertEquals(List.of(NEXT), texts(decode(next(), Arrays.copyOf(frame, keep))), "kept " + keep);
        }
        assertEquals(5.0, rejected("truncated"));
    }

    @Test
    void stackDeclaringMoreThanTheFrameLimitIsRejectedWithoutDecompressingAndTheNextFrameRead() {
        byte[] packed = stack(STACK);
        ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN).putInt(0, MAX + 1);
        assertEquals(List.of(NEXT), texts(decode(frame(SPAN, packed), next())));
        assertEquals(1.0, rejected("oversize"));
    }

    @Test
    void envelopeAndStackTogetherCountAgainstTheFrameLimit() {
        String text = "[" + "{\"function\":\"f\"},".repeat(MAX / 16) + "{}]"; // compresses well, decompresses over MAX
        String envelope = "{\"type\":\"span\",\"pad\":\"" + "x".repeat(100) + "\"}";
        assertEquals(List.of(NEXT), texts(decode(frame(envelope, stack(text)), next())));
        assertEquals(1.0, rejected("oversize"));
        String fits = "[" + "{\"function\":\"f\"},".repeat((MAX - 200) / 17) + "{}]"; // 17 bytes each
        assertEquals(List.of(envelope, NEXT), texts(decode(frame(envelope, stack(fits)), next())));
    }

    @Test
    void declaredLengthsOverTheLimitSkipTheWholeFrameByItsLength() {
        byte[] body = new byte[3 * MAX];
        new Random(1).nextBytes(body);
        ByteBuffer huge = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        huge.put(Wire.utf8("OPAS")).putInt(10).putInt(body.length - 10).put(body); // stack over the compressed bound
        assertEquals(List.of(NEXT), texts(decode(huge.array(), next())));
        ByteBuffer envelope = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        envelope.put(Wire.utf8("OPAS")).putInt(body.length - 10).putInt(10).put(body); // envelope over it
        assertEquals(List.of(NEXT), texts(decode(envelope.array(), next())));
        assertEquals(2.0, rejected("oversize"));
    }

    @Test
    void garbageStackIsRejectedAndCounted() {
        byte[] garbage = new byte[200];
        new Random(7).nextBytes(garbage);
        ByteBuffer.wrap(garbage).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1000);
        assertEquals(List.of(NEXT), texts(decode(frame(SPAN, garbage), next())));
        byte[] tiny = {2, 0, 0}; // shorter than the length field
        assertEquals(List.of(NEXT), texts(decode(frame(SPAN, tiny), next())));
        assertEquals(2.0, rejected("stack_corrupt"));
    }

    @Test
    void lengthMismatchIsRejected() {
        byte[] shorter = stack(STACK);
        ByteBuffer.wrap(shorter).order(ByteOrder.LITTLE_ENDIAN).putInt(0, STACK.length() + 5); // declares more than the block gives
        byte[] longer = stack(STACK);
        ByteBuffer.wrap(longer).order(ByteOrder.LITTLE_ENDIAN).putInt(0, STACK.length() - 5); // block gives more
        byte[] trailing = Wire.concat(stack(STACK), new byte[] {1, 2, 3}); // bytes after the block
        assertEquals(List.of(NEXT), texts(decode(frame(SPAN, shorter), frame(SPAN, longer), frame(SPAN, trailing), next())));
        assertEquals(3.0, rejected("stack_corrupt"));
        assertEquals(0.0, attachedCount());
    }

    @Test
    void aStackThatIsNotAJsonArrayIsRejected() {
        assertEquals(List.of(NEXT), texts(decode(frame(SPAN, stack("{\"not\":\"an array\"}")), next())));
        assertEquals(1.0, rejected("stack_corrupt"));
    }

    @Test
    void badEnvelopesAreRejected() {
        byte[] packed = stack(STACK);
        byte[] corruptLz4 = Wire.lz4Frame(SPAN + "\n");
        corruptLz4[6] ^= 0x5A; // header checksum
        byte[] shortLz4 = Wire.concat(Wire.lz4Frame(SPAN + "\n"), Wire.utf8("xx")); // the frame ends before the envelope does
        ByteBuffer empty = ByteBuffer.allocate(12 + packed.length).order(ByteOrder.LITTLE_ENDIAN);
        empty.put(Wire.utf8("OPAS")).putInt(0).putInt(packed.length).put(packed);
        assertEquals(List.of(NEXT), texts(decode(Wire.attached(Wire.utf8("hello"), packed), empty.array(),
                Wire.attached(corruptLz4, packed), Wire.attached(shortLz4, packed), next())));
        assertEquals(2.0, rejected("garbage"));
        assertEquals(2.0, rejected("lz4_corrupt"));
        assertEquals(List.of(NEXT), texts(decode(Wire.attached(Wire.lz4Frame("\n \n"), packed), next())));
        assertEquals(1.0, rejected("stack_corrupt"), "no line for the stack to belong to");
        assertEquals(0.0, attachedCount());
    }
}
