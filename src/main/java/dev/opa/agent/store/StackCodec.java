package dev.opa.agent.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.SQLException;
import net.jpountz.lz4.LZ4CompressorWithLength;
import net.jpountz.lz4.LZ4DecompressorWithLength;
import net.jpountz.lz4.LZ4Factory;

/**
 * The call stack's JSON text as an LZ4 block with its length (lz4-java's {@code ...WithLength} format) for the
 * {@code spans_full.stack_lz4} column. Large JSON strings are DuckDB's slow path: a realistic 8 KB stack per
 * root span made the file grow ~5 KB per span and more with every checkpoint (13x the compressed size after
 * 300k spans) and halved the write rate (docs/benchmarks.md). The JSON column {@code stack} keeps rows written
 * before this column existed.
 */
public final class StackCodec {

    private static final LZ4CompressorWithLength COMPRESSOR =
            new LZ4CompressorWithLength(LZ4Factory.fastestInstance().fastCompressor());
    private static final LZ4DecompressorWithLength DECOMPRESSOR =
            new LZ4DecompressorWithLength(LZ4Factory.fastestInstance().fastDecompressor());

    private StackCodec() {
    }

    public static byte[] encode(String json) {
        return COMPRESSOR.compress(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON text of a {@code stack_lz4} value as the DuckDB driver returns it (Blob, byte[] or ByteBuffer). */
    public static String decode(Object value) {
        byte[] bytes;
        try {
            if (value instanceof byte[] b) {
                bytes = b;
            } else if (value instanceof Blob blob) {
                bytes = blob.getBytes(1, (int) blob.length());
            } else if (value instanceof ByteBuffer buffer) {
                bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
            } else {
                throw new IllegalArgumentException("not a BLOB: " + value.getClass().getName());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading stack_lz4: " + e.getMessage(), e);
        }
        return new String(DECOMPRESSOR.decompress(bytes), StandardCharsets.UTF_8);
    }
}
