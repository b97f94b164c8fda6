package dev.opa.agent.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.testkit.Wire;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-connection framing of protocol §2, fed through a real Netty pipeline in arbitrary pieces. */
class FrameDecoderTest {

    static final int MAX = 4096;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final IngestMetrics metrics = new IngestMetrics(meters, new RateLimitedLog(60_000));

    static final String A = "{\"n\":1}";
    static final String B = "{\"n\":2}";
    static final String C = "{\"n\":3}";

    private EmbeddedChannel channel(int max) {
        return new EmbeddedChannel(new FrameDecoder("test", max, metrics));
    }

    private double rejected(String reason) {
        var c = meters.find("opa.frames.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    /** Feeds the chunks, closes the connection, returns every decoded line as text. */
    private List<String> decode(boolean close, byte[]... chunks) {
        return decode(MAX, close, chunks);
    }

    private List<String> decode(int max, boolean close, byte[]... chunks) {
        EmbeddedChannel ch = channel(max);
        for (byte[] chunk : chunks) {
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
        }
        if (close) {
            ch.finish();
        }
        List<String> lines = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            for (Frames.Line line : ((Frames) msg).lines()) {
                lines.add(line.text());
            }
        }
        ch.finishAndReleaseAll();
        return lines;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mixedFramesSplitAtEveryByte() {
        byte[] stream = Wire.concat(bytes(A + "\n"), Wire.lz4Frame(B + "\n" + C + "\n"), bytes(" \r\n\t" + A + "\r\n"));
        for (int cut = 0; cut <= stream.length; cut++) {
            List<String> lines = decode(true, Arrays.copyOfRange(stream, 0, cut), Arrays.copyOfRange(stream, cut, stream.length));
            assertEquals(List.of(A, B, C, A), lines, "cut at " + cut);
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : stream) {
            single.add(new byte[] {b});
        }
        assertEquals(List.of(A, B, C, A), decode(true, single.toArray(byte[][]::new)));
        assertEquals(0.0, rejected("garbage") + rejected("lz4_corrupt") + rejected("truncated"));
    }

    @Test
    void legacyBlockEndsWithTheConnection() {
        byte[] block = Wire.legacyBlock(A + "\n" + B + "\n");
        assertEquals(List.of(), decode(false, block), "nothing before the connection closes");
        assertEquals(List.of(A, B), decode(true, Arrays.copyOfRange(block, 0, 5), Arrays.copyOfRange(block, 5, block.length)));
    }

    @Test
    void legacyDeclaredSizeOverTheLimitIsRejectedWithoutAllocating() {
        ByteBuffer header = ByteBuffer.allocate(11 + 8).order(ByteOrder.LITTLE_ENDIAN);
        header.put(bytes("LZ4")).putLong(Long.MAX_VALUE - 1).putLong(42);
        assertEquals(List.of(), decode(true, header.array()));
        assertEquals(1.0, rejected("oversize"));
    }

    @Test
    void corruptLegacyBlockIsCounted() {
        byte[] block = Wire.legacyBlock(A + "\n");
        block[3] = 99; // declared size no longer matches the block
        assertEquals(List.of(), decode(true, block));
        assertEquals(1.0, rejected("lz4_corrupt"));
    }

    @Test
    void garbageIsSkippedToTheNextNewline() {
        assertEquals(List.of(A, B), decode(true, bytes(A + "\nhello world {\"not\":\"this\"}\n" + B + "\n")));
        assertEquals(1.0, rejected("garbage"));
    }

    @Test
    void oversizeJsonLineIsDiscardedUpToItsEnd() {
        String big = "{\"x\":\"" + "a".repeat(MAX) + "\"}";
        // the oversize line arrives in pieces and without its newline for a while
        assertEquals(List.of(A, B), decode(true, bytes(A + "\n" + big.substring(0, 3000)), bytes(big.substring(3000)),
                bytes("\n" + B + "\n")));
        assertEquals(1.0, rejected("oversize"));
    }

    @Test
    void linesOfEveryFrameKeepTheirTextWhateverTheFrameSizes() {
        // the decompression buffer is shared by a thread's frames and kept up to 4 MB: lines are slices of each
        // frame's own copy, so earlier lines stay intact after bigger and smaller frames were read
        List<String> expected = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        for (int size : new int[] {10, 300_000, 2_000_000, 50, 1_700_000, 20}) {
            StringBuilder content = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                String line = "{\"f\":" + frames.size() + ",\"k\":" + k + ",\"x\":\"" + String.valueOf((char) ('a' + k)).repeat(size) + "\"}";
                expected.add(line);
                content.append(line).append('\n');
            }
            frames.add(Wire.lz4Frame(content.toString()));
        }
        assertEquals(expected, decode(16 << 20, true, frames.toArray(new byte[0][])));
        assertEquals(0.0, rejected("oversize"));
    }

    @Test
    void oversizeLz4ContentIsDiscardedAndTheNextFrameRead() {
        String big = "{\"x\":\"" + "a".repeat(MAX) + "\"}\n";
        assertEquals(List.of(B), decode(true, Wire.lz4Frame(big), Wire.lz4Frame(B + "\n")));
        assertEquals(1.0, rejected("oversize"));
    }

    @Test
    void corruptLz4FrameIsCountedAndTheConnectionGoesOn() {
        byte[] bad = Wire.lz4Frame(A + "\n");
        bad[6] ^= 0x5A; // header checksum
        assertEquals(List.of(B), decode(true, bad, bytes(B + "\n")));
        assertEquals(1.0, rejected("lz4_corrupt"));
    }

    @Test
    void truncatedLz4FrameAtCloseIsCounted() {
        byte[] frame = Wire.lz4Frame(A + "\n" + B + "\n");
        assertEquals(List.of(A), decode(true, bytes(A + "\n"), Arrays.copyOf(frame, frame.length - 3)));
        assertEquals(1.0, rejected("truncated"));
    }

    @Test
    void unterminatedJsonAtEndOfStreamIsAccepted() {
        assertEquals(List.of(A, B), decode(true, bytes(A + "\n" + B)));
    }

    @Test
    void framesAreCountedPerTransport() {
        decode(true, bytes(A + "\n" + B + "\n"), Wire.lz4Frame(C + "\n"));
        assertEquals(3.0, meters.find("opa.frames.received").tag("transport", "test").counter().count());
        assertTrue(meters.find("opa.frames.rejected").counters().isEmpty());
    }

    /** LZ4F's default (lz4 CLI, Python's lz4.frame): blocks that refer back into the previous block. */
    static byte[] linkedBlockFrame(String content) throws java.io.IOException {
        var out = new java.io.ByteArrayOutputStream();
        var params = new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.Parameters(
                org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream.BlockSize.K64, true, false,
                true);
        try (var z = new org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream(out, params)) {
            z.write(bytes(content));
        }
        return out.toByteArray();
    }

    @Test
    void lz4FramesWithLinkedBlocksAreRead() throws Exception {
        StringBuilder many = new StringBuilder();
        while (many.length() < 300_000) { // several 64 KB blocks, each repeating text of the one before
            many.append(A).append('\n').append(B).append('\n');
        }
        byte[] frame = linkedBlockFrame(many.toString());
        assertEquals(0, frame[4] & 0x20, "the frame's FLG byte says: linked blocks");
        byte[] stream = Wire.concat(frame, Wire.lz4Frame(C + "\n"));
        List<String> lines = decode(1 << 20, true, Arrays.copyOfRange(stream, 0, 1000),
                Arrays.copyOfRange(stream, 1000, stream.length));
        assertEquals(many.toString().split("\n").length + 1, lines.size());
        assertEquals(C, lines.get(lines.size() - 1));
        assertEquals(0.0, rejected("lz4_corrupt"));
    }
}
