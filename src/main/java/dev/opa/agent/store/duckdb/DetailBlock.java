package dev.opa.agent.store.duckdb;

import dev.opa.agent.model.SpanDetail;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.UnreadableDetailException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The record lists of a span ({@code spans_full.sql, http, cache, redis, dumps, file_io}) as one LZ4 block, which
 * the DuckDB store keeps in its segment files beside the call stack when the lists are large
 * ({@link DuckDbSpanStore#INLINE_DETAIL_CHARS}): on real traffic the SQL list alone is 3-18 KB of a fully captured
 * request's ~8 KB of row text, and large strings are what DuckDB's commits and checkpoints spend their CPU and
 * memory on (docs/benchmarks.md). {@code tags} and {@code net} stay in the row: queries filter on {@code tags}.
 *
 * <p>Layout: the 4-byte little-endian length of the text below, then one raw LZ4 block of it (the form of
 * {@code StackCodec}); the text is, per column in {@link #COLUMNS} order, a 4-byte little-endian byte count
 * ({@code -1}: SQL NULL) and that many bytes of the column's UTF-8 JSON text, exactly as it would have been stored
 * in the column.
 */
final class DetailBlock {

    /** The columns a block holds, in its order. */
    static final List<String> COLUMNS = SpanStore.RECORD_LISTS;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();

    /** Text of one block is built here (the store writes from one thread at a time: one encoder per store). */
    private byte[] text = new byte[16 * 1024];
    private byte[] packed = new byte[16 * 1024];
    private static final int KEEP_BYTES = 1 << 20; // larger scratch arrays of a rare huge span are not kept

    /** The characters the block's columns hold, to decide whether the lists go to a segment at all. */
    static long chars(SpanDetail d) {
        return (long) d.sql().length() + d.http().length() + d.cache().length() + d.redis().length()
                + d.dumps().length() + d.fileIo().length();
    }

    /** The compressed block of {@code d}'s lists (a new array of the exact size). */
    byte[] encode(SpanDetail d) {
        int at = 0;
        for (String column : new String[] {d.sql(), d.http(), d.cache(), d.redis(), d.dumps(), d.fileIo()}) {
            at = put(column, at);
        }
        int bound = 4 + COMPRESSOR.maxCompressedLength(at);
        byte[] out = packed.length >= bound ? packed : new byte[bound];
        if (out != packed && bound <= KEEP_BYTES) {
            packed = out;
        }
        int32(out, 0, at);
        int n = COMPRESSOR.compress(text, 0, at, out, 4, bound - 4);
        if (text.length > KEEP_BYTES) {
            text = new byte[16 * 1024];
        }
        return Arrays.copyOf(out, 4 + n);
    }

    private int put(String column, int at) {
        if (column == null) {
            ensure(at + 4);
            int32(text, at, -1);
            return at + 4;
        }
        byte[] bytes = column.getBytes(StandardCharsets.UTF_8);
        ensure(at + 4 + bytes.length);
        int32(text, at, bytes.length);
        System.arraycopy(bytes, 0, text, at + 4, bytes.length);
        return at + 4 + bytes.length;
    }

    private void ensure(int size) {
        if (text.length < size) {
            text = Arrays.copyOf(text, Math.max(size, text.length * 2)); // past KEEP_BYTES: dropped after this span
        }
    }

    /**
     * The columns of a block by name (a column stored as SQL NULL maps to null). Throws
     * {@link UnreadableDetailException} when {@code block} is not one (the safe decompressor: a corrupt block cannot
     * read or write out of bounds).
     */
    static Map<String, String> decode(byte[] block) {
        if (block.length < 4) {
            throw unreadable(block, "shorter than its 4-byte length");
        }
        long declared = int32(block, 0) & 0xffffffffL;
        if (declared > 255L * block.length + 16) {
            throw unreadable(block, "declares " + declared + " bytes, more than LZ4 expands to");
        }
        byte[] out = new byte[(int) declared];
        int got;
        try {
            got = DECOMPRESSOR.decompress(block, 4, block.length - 4, out, 0, out.length);
        } catch (LZ4Exception | ArrayIndexOutOfBoundsException e) {
            throw unreadable(block, "LZ4 block does not decompress: " + e.getMessage());
        }
        if (got != out.length) {
            throw unreadable(block, "LZ4 block gives " + got + " bytes, " + declared + " declared");
        }
        Map<String, String> columns = new LinkedHashMap<>();
        int at = 0;
        for (String column : COLUMNS) {
            if (at + 4 > out.length) {
                throw unreadable(block, "ends before column " + column);
            }
            int len = int32(out, at);
            at += 4;
            if (len < -1 || len > out.length - at) {
                throw unreadable(block, "column " + column + " declares " + len + " bytes, " + (out.length - at) + " left");
            }
            columns.put(column, len < 0 ? null : new String(out, at, len, StandardCharsets.UTF_8));
            at += Math.max(len, 0);
        }
        if (at != out.length) {
            throw unreadable(block, (out.length - at) + " bytes after the last column");
        }
        return columns;
    }

    private static UnreadableDetailException unreadable(byte[] block, String why) {
        return new UnreadableDetailException("stored span detail of " + block.length + " bytes is unreadable: " + why);
    }

    private static void int32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static int int32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
