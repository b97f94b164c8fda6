package dev.opa.agent.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4DecompressorWithLength;
import net.jpountz.lz4.LZ4Factory;

/**
 * The call stack's JSON text as an LZ4 block with its length (lz4-java's {@code ...WithLength} format: the
 * decompressed length as 4 bytes little-endian, then the block). Spans hold their stack this way from the
 * moment it is parsed — a realistic 8 KB stack is ~1.5 KB compressed, so the tail buffer and the batcher hold
 * five times less — and the DuckDB store writes it unchanged to {@code spans_full.stack_lz4}: large JSON
 * strings are DuckDB's slow path (docs/benchmarks.md).
 */
public final class StackCodec {

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4DecompressorWithLength DECOMPRESSOR =
            new LZ4DecompressorWithLength(LZ4Factory.fastestInstance().fastDecompressor());
    /** Compression works in a per-thread buffer, so the only allocation is the result (~1/5 of the input). */
    private static final int MAX_SCRATCH = 1 << 20;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    private StackCodec() {
    }

    public static byte[] encode(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return encode(bytes, 0, bytes.length);
    }

    /** Compresses {@code len} bytes of UTF-8 JSON text at {@code off} of {@code src}. */
    public static byte[] encode(byte[] src, int off, int len) {
        int bound = 4 + COMPRESSOR.maxCompressedLength(len);
        byte[] out = SCRATCH.get();
        if (out.length < bound) {
            out = new byte[bound];
            if (bound <= MAX_SCRATCH) {
                SCRATCH.set(out);
            }
        }
        out[0] = (byte) len;
        out[1] = (byte) (len >>> 8);
        out[2] = (byte) (len >>> 16);
        out[3] = (byte) (len >>> 24);
        int n = COMPRESSOR.compress(src, off, len, out, 4, bound - 4);
        return Arrays.copyOf(out, 4 + n);
    }

    public static String decode(byte[] packed) {
        return new String(DECOMPRESSOR.decompress(packed), StandardCharsets.UTF_8);
    }
}
