package dev.opa.agent.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Decompresses a whole standard LZ4 frame of independent blocks straight into its content array, block by block
 * (lz4-java's native block decompressor), with the checks {@code LZ4FrameInputStream} makes: descriptor, block
 * and content checksums, block sizes, declared content size. For frames that declare their content size (the
 * extension's always do) the result is allocated once at its exact size: no stream buffers, no copies. Gives
 * null whenever it does not vouch for the result — no declared size, a dictionary id, a size over the limit, any
 * check failing — and the caller then reads the frame through {@code LZ4FrameInputStream}, which accepts or
 * rejects it with its own error.
 */
final class Lz4FrameReader {

    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();
    private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

    private Lz4FrameReader() {
    }

    /**
     * The content of the frame of {@code length} bytes at {@code start} of {@code in} (its length as found by
     * {@link Lz4FrameScanner}), or null when the stream must decide. Reads the socket's buffer where it is (direct
     * memory: no copy of the compressed bytes).
     */
    static byte[] read(ByteBuf in, int start, int length, int maxBytes) {
        if (in.nioBufferCount() != 1) {
            return null; // a composite buffer: the stream reads it
        }
        try {
            return read(in.nioBuffer(start, length).order(ByteOrder.LITTLE_ENDIAN), maxBytes);
        } catch (LZ4Exception | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** {@code src}: the frame, from position 0 to its limit, little-endian. */
    private static byte[] read(ByteBuffer src, int maxBytes) {
        int end = src.limit();
        int flg = src.get(4) & 0xff;
        int bd = src.get(5) & 0xff;
        if ((flg & 0x01) != 0 || (flg & 0x20) == 0 || (flg & 0x08) == 0) {
            return null; // a dictionary id, linked blocks, or no declared size
        }
        boolean blockChecksum = (flg & 0x10) != 0;
        boolean contentChecksum = (flg & 0x04) != 0;
        int maxBlock = 1 << (8 + 2 * ((bd >> 4) & 0x07));
        int pos = 6;
        long declared = src.getLong(pos);
        pos += 8;
        if (((XXHASH.hash(src, 4, pos - 4, 0) >> 8) & 0xff) != (src.get(pos) & 0xff)) {
            return null;
        }
        pos++;
        if (declared > maxBytes || declared < 0 || declared > 256L * end) {
            return null; // over the limit, or more than LZ4 can expand to (allocated before anything is checked)
        }
        byte[] out = new byte[(int) declared];
        ByteBuffer dest = ByteBuffer.wrap(out);
        int size = 0;
        while (pos + 4 <= end) {
            int word = src.getInt(pos);
            pos += 4;
            if (word == 0) {
                if (contentChecksum && (pos + 4 > end || src.getInt(pos) != XXHASH.hash(out, 0, size, 0))) {
                    return null;
                }
                pos += contentChecksum ? 4 : 0;
                return pos == end && size == out.length ? out : null;
            }
            int blockSize = word & 0x7FFFFFFF;
            if (blockSize > maxBlock || pos + blockSize + (blockChecksum ? 4 : 0) > end) {
                return null;
            }
            if (blockChecksum && src.getInt(pos + blockSize) != XXHASH.hash(src, pos, blockSize, 0)) {
                return null;
            }
            int room = Math.min(maxBlock, out.length - size);
            if (word < 0) {
                if (blockSize > room) {
                    return null;
                }
                src.get(pos, out, size, blockSize);
                size += blockSize;
            } else {
                size += DECOMPRESSOR.decompress(src, pos, blockSize, dest, size, room);
            }
            pos += blockSize + (blockChecksum ? 4 : 0);
        }
        return null;
    }
}
