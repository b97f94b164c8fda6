package dev.opa.agent.wire;

import io.netty.buffer.ByteBuf;
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
    /** The frame's bytes when the buffer has no array (direct memory), kept per I/O thread. */
    private static final ThreadLocal<byte[]> COPY = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
    private static final int KEPT_COPY = 1 << 20;

    private Lz4FrameReader() {
    }

    /**
     * The content of the frame of {@code length} bytes at {@code start} of {@code in} (its length as found by
     * {@link Lz4FrameScanner}), or null when the stream must decide.
     */
    static byte[] read(ByteBuf in, int start, int length, int maxBytes) {
        byte[] src;
        int off;
        if (in.hasArray()) {
            src = in.array();
            off = in.arrayOffset() + start;
        } else {
            src = COPY.get();
            if (src.length < length) {
                src = new byte[length];
                if (length <= KEPT_COPY) {
                    COPY.set(src);
                }
            }
            in.getBytes(start, src, 0, length);
            off = 0;
        }
        try {
            return read(src, off, length, maxBytes);
        } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static byte[] read(byte[] src, int off, int length, int maxBytes) {
        int end = off + length;
        int flg = src[off + 4] & 0xff;
        int bd = src[off + 5] & 0xff;
        if ((flg & 0x01) != 0 || (flg & 0x20) == 0 || (flg & 0x08) == 0) {
            return null; // a dictionary id, linked blocks, or no declared size
        }
        boolean blockChecksum = (flg & 0x10) != 0;
        boolean contentChecksum = (flg & 0x04) != 0;
        int maxBlock = 1 << (8 + 2 * ((bd >> 4) & 0x07));
        int pos = off + 6;
        long declared = getLongLE(src, pos);
        pos += 8;
        if (((XXHASH.hash(src, off + 4, pos - off - 4, 0) >> 8) & 0xff) != (src[pos] & 0xff)) {
            return null;
        }
        pos++;
        if (declared > maxBytes || declared < 0 || declared > 256L * length) {
            return null; // over the limit, or more than LZ4 can expand to (allocated before anything is checked)
        }
        byte[] out = new byte[(int) declared];
        int size = 0;
        while (pos + 4 <= end) {
            int word = getIntLE(src, pos);
            pos += 4;
            if (word == 0) {
                if (contentChecksum && (pos + 4 > end || getIntLE(src, pos) != XXHASH.hash(out, 0, size, 0))) {
                    return null;
                }
                pos += contentChecksum ? 4 : 0;
                return pos == end && size == out.length ? out : null;
            }
            int blockSize = word & 0x7FFFFFFF;
            if (blockSize > maxBlock || pos + blockSize + (blockChecksum ? 4 : 0) > end) {
                return null;
            }
            if (blockChecksum && getIntLE(src, pos + blockSize) != XXHASH.hash(src, pos, blockSize, 0)) {
                return null;
            }
            int room = Math.min(maxBlock, out.length - size);
            if (word < 0) {
                if (blockSize > room) {
                    return null;
                }
                System.arraycopy(src, pos, out, size, blockSize);
                size += blockSize;
            } else {
                size += DECOMPRESSOR.decompress(src, pos, blockSize, out, size, room);
            }
            pos += blockSize + (blockChecksum ? 4 : 0);
        }
        return null;
    }

    private static int getIntLE(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static long getLongLE(byte[] b, int i) {
        return (getIntLE(b, i) & 0xffffffffL) | (long) getIntLE(b, i + 4) << 32;
    }
}
