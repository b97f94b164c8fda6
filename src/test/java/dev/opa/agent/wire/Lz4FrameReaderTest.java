package dev.opa.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream.BLOCKSIZE;
import net.jpountz.lz4.LZ4FrameOutputStream.FLG.Bits;
import org.junit.jupiter.api.Test;

/** Direct frame decompression gives what LZ4FrameInputStream gives, and declines whatever it cannot vouch for. */
class Lz4FrameReaderTest {

    private static final byte[] CONTENT;

    static {
        StringBuilder s = new StringBuilder();
        for (int i = 0; s.length() < 200_000; i++) { // several 64 KB blocks, partly incompressible
            s.append("{\"n\":").append(i).append(",\"h\":\"").append(Integer.toHexString(i * 0x9E3779B1)).append("\"}\n");
        }
        CONTENT = s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] frame(byte[] content, boolean knownSize, Bits... bits) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream z = new LZ4FrameOutputStream(out, BLOCKSIZE.SIZE_64KB, knownSize ? content.length : -1L, bits)) {
            z.write(content);
        }
        return out.toByteArray();
    }

    private static byte[] read(byte[] frame, int max) {
        ByteBuf direct = Unpooled.directBuffer(frame.length + 3).writeBytes(new byte[3]).writeBytes(frame);
        try {
            byte[] fromDirect = Lz4FrameReader.read(direct, 3, frame.length, max);
            byte[] fromHeap = Lz4FrameReader.read(Unpooled.wrappedBuffer(frame), 0, frame.length, max);
            assertArrayEquals(fromHeap, fromDirect);
            return fromHeap;
        } finally {
            direct.release();
        }
    }

    @Test
    void everyFlagCombinationDecompressesLikeTheStream() throws IOException {
        for (List<Bits> bits : List.of(List.of(Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_SIZE),
                List.of(Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_SIZE),
                List.of(Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_CHECKSUM, Bits.CONTENT_SIZE),
                List.of(Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_CHECKSUM, Bits.CONTENT_SIZE))) {
            byte[] frame = frame(CONTENT, bits.contains(Bits.CONTENT_SIZE), bits.toArray(new Bits[0]));
            byte[] expected = new LZ4FrameInputStream(new ByteArrayInputStream(frame)).readAllBytes();
            assertArrayEquals(expected, read(frame, 1 << 20), bits.toString());
        }
        byte[] empty = frame(new byte[0], true, Bits.BLOCK_INDEPENDENCE, Bits.CONTENT_SIZE);
        assertArrayEquals(new byte[0], read(empty, 1 << 20));
    }

    @Test
    void declinesWhatItCannotVouchFor() throws IOException {
        byte[] good = frame(CONTENT, true, Bits.BLOCK_INDEPENDENCE, Bits.BLOCK_CHECKSUM, Bits.CONTENT_CHECKSUM, Bits.CONTENT_SIZE);
        assertNull(read(good, CONTENT.length - 1), "declared size over the limit");
        for (int at : new int[] {6, 14, 25, 200, good.length - 9, good.length - 5, good.length - 2}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x5A; // header size/checksum, block data, block checksum, end mark, content checksum
            assertNull(read(bad, 1 << 20), "corrupt at " + at);
            assertThrows(IOException.class, () -> new LZ4FrameInputStream(new ByteArrayInputStream(bad)).readAllBytes());
        }
        assertNull(read(frame(CONTENT, false, Bits.BLOCK_INDEPENDENCE), 1 << 20), "no declared size: the stream's job");
    }
}
