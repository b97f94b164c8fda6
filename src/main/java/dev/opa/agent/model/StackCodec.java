package dev.opa.agent.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4DecompressorWithLength;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The call stack's JSON text as an LZ4 block with its length (lz4-java's {@code ...WithLength} format: the
 * decompressed length as 4 bytes little-endian, then the block). Spans hold their stack this way from the
 * moment it is parsed — a realistic 8 KB stack is ~1.5 KB compressed, so the tail buffer and the batcher hold
 * five times less — and the DuckDB store writes it unchanged to {@code spans_full.stack_lz4}: large JSON
 * strings are DuckDB's slow path (docs/benchmarks.md). The extension sends its stacks in this very form (an
 * attached stack, docs/protocol.md), which the agent checks with {@link #problem} and stores as received.
 */
public final class StackCodec {

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4DecompressorWithLength DECOMPRESSOR =
            new LZ4DecompressorWithLength(LZ4Factory.fastestInstance().safeDecompressor());
    private static final LZ4SafeDecompressor CHECKER = LZ4Factory.fastestInstance().safeDecompressor();
    /** Where {@link #problem} decompresses to (nothing is kept), per thread, kept up to {@link #MAX_CHECK_SCRATCH}. */
    private static final ThreadLocal<byte[]> CHECK_SCRATCH = ThreadLocal.withInitial(() -> new byte[1 << 20]);
    private static final int MAX_CHECK_SCRATCH = 1 << 20; // per I/O thread, outside the decoders' budget between frames
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

    /**
     * The JSON text of {@code packed}. Throws {@link UnreadableStackException} when it is not in this format
     * (the safe decompressor: a corrupt value cannot read or write out of bounds).
     */
    public static String decode(byte[] packed) {
        long declared = declaredLength(packed);
        String problem = declared < 0 ? "shorter than its 4-byte length"
                : declared > 255L * packed.length + 16 ? "declares " + declared + " bytes, more than LZ4 expands to" : null;
        if (problem == null) {
            try {
                return new String(DECOMPRESSOR.decompress(packed), StandardCharsets.UTF_8);
            } catch (LZ4Exception | IllegalArgumentException | ArrayIndexOutOfBoundsException | NegativeArraySizeException e) {
                problem = "LZ4 block does not decompress: " + e.getMessage();
            }
        }
        throw new UnreadableStackException("stored call stack of " + packed.length + " bytes is unreadable: " + problem);
    }

    /** The text length {@code packed} declares (its first 4 bytes, little-endian); -1 when it has none. */
    public static long declaredLength(byte[] packed) {
        return packed.length < 4 ? -1 : (packed[0] & 0xffL) | (packed[1] & 0xffL) << 8 | (packed[2] & 0xffL) << 16
                | (packed[3] & 0xffL) << 24;
    }

    /**
     * Why {@code packed} is not a call stack in this format, or null when it is: the declared length is at most
     * {@code maxText}, the block decompresses to exactly that many bytes and uses all of its input, and the text
     * starts with '[' and ends with ']' (the cheap part of "a JSON array": nothing else of the text is parsed).
     * Decompresses into a per-thread buffer; nothing is kept.
     */
    public static String problem(byte[] packed, long maxText) {
        long declared = declaredLength(packed);
        if (declared < 2) {
            return declared < 0 ? "shorter than its 4-byte length" : "declares " + declared + " bytes of text";
        }
        if (declared > maxText) {
            return "declares " + declared + " bytes of text, over the limit of " + maxText;
        }
        int n = (int) declared;
        byte[] out = CHECK_SCRATCH.get();
        if (out.length < n) {
            out = new byte[n];
            if (n <= MAX_CHECK_SCRATCH) {
                CHECK_SCRATCH.set(out);
            }
        }
        int got;
        try {
            got = CHECKER.decompress(packed, 4, packed.length - 4, out, 0, n);
        } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
            return "LZ4 block does not decompress to the declared " + n + " bytes: " + e.getMessage();
        }
        if (got != n) {
            return "LZ4 block gives " + got + " bytes, " + n + " declared";
        }
        if (out[0] != '[' || out[n - 1] != ']') {
            return "text is not a JSON array (starts with 0x" + Integer.toHexString(out[0] & 0xff) + ")";
        }
        return null;
    }

    /** A stored stack that cannot be decoded. */
    public static final class UnreadableStackException extends IllegalStateException {
        public UnreadableStackException(String message) {
            super(message);
        }
    }
}
