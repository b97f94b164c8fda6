package dev.opa.agent.wire;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a standard LZ4 frame (magic {@code 04 22 4D 18}) ends by walking its header and block
 * headers, so a frame split across reads is decompressed only once it is complete. Decompression itself is
 * lz4-java's job.
 */
final class Lz4FrameScanner {

    static final int MAGIC = 0x184D2204;
    static final int INCOMPLETE = -1;

    private Lz4FrameScanner() {
    }

    /** Thrown when the bytes cannot be an LZ4 frame (bad version, reserved bits, block size). */
    static final class MalformedFrameException extends Exception {
        MalformedFrameException(String message) {
            super(message);
        }
    }

    /**
     * At most how many bytes the complete frame of {@code length} bytes at {@code start} decompresses to, capped at
     * {@code max}: its declared content size, or without one what LZ4 can expand that many bytes to.
     */
    static int contentBound(ByteBuf in, int start, int length, int max) {
        if (length >= 14 && (in.getUnsignedByte(start + 4) & 0x08) != 0) {
            long declared = in.getLongLE(start + 6);
            return declared < 0 ? max : (int) Math.min(declared, max);
        }
        return (int) Math.min(max, 255L * length);
    }

    /**
     * Total length of the frame starting at {@code start}, or {@link #INCOMPLETE} when more bytes are needed.
     */
    static int frameLength(ByteBuf in, int start) throws MalformedFrameException {
        int end = in.writerIndex();
        int pos = start + 4;
        if (end < pos + 2) {
            return INCOMPLETE;
        }
        int flg = in.getUnsignedByte(pos);
        int bd = in.getUnsignedByte(pos + 1);
        if ((flg >> 6) != 1 || (flg & 0x02) != 0 || (bd & 0x8F) != 0) {
            throw new MalformedFrameException("bad LZ4 frame descriptor");
        }
        int blockSizeCode = (bd >> 4) & 0x07;
        if (blockSizeCode < 4) {
            throw new MalformedFrameException("bad LZ4 block size code " + blockSizeCode);
        }
        int maxBlock = 1 << (8 + 2 * blockSizeCode);
        boolean blockChecksum = (flg & 0x10) != 0;
        boolean contentSize = (flg & 0x08) != 0;
        boolean contentChecksum = (flg & 0x04) != 0;
        boolean dictId = (flg & 0x01) != 0;
        pos += 2 + (contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1;
        while (true) {
            if (end < pos + 4) {
                return INCOMPLETE;
            }
            int word = in.getIntLE(pos);
            pos += 4;
            if (word == 0) {
                pos += contentChecksum ? 4 : 0;
                return end < pos ? INCOMPLETE : pos - start;
            }
            int size = word & 0x7FFFFFFF;
            if (size > maxBlock) {
                throw new MalformedFrameException("LZ4 block of " + size + " bytes exceeds the frame's maximum " + maxBlock);
            }
            pos += size + (blockChecksum ? 4 : 0);
            if (pos < 0) {
                throw new MalformedFrameException("LZ4 frame too large");
            }
        }
    }
}
