package dev.opa.agent.wire;

import dev.opa.agent.model.StackCodec;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.wire.Frames.Line;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Splits one connection's byte stream into JSON lines per protocol §2: JSON lines, standard LZ4 frames,
 * spans with an attached stack ({@code OPAS}: the call stack already in its stored form, checked here and handed on
 * as received) and the legacy {@code LZ4} + size + block form. Frames may be split across reads at any byte. Anything bad is
 * counted and skipped; the connection goes on with the next frame. One instance per connection (stateful).
 * Emits one {@link Frames} per read holding every complete line found in it.
 * <p>
 * Every frame is reserved in the listeners' shared {@link DecodeBudget} before its bytes are copied or
 * decompressed, and given back once the ingest route has handled the lines (the route runs on this I/O thread,
 * inside {@code fireChannelRead}). When there is no room, the lines decoded so far are passed on first (giving
 * back their bytes) and the frame stays in the socket buffer; with nothing of its own held the decoder waits.
 */
public class FrameDecoder extends ByteToMessageDecoder {

    private static final byte[] LEGACY_MAGIC = {'L', 'Z', '4'};
    private static final byte[] FRAME_MAGIC = {0x04, 0x22, 0x4D, 0x18};
    private static final int LEGACY_HEADER = 11;
    private static final byte[] ATTACHED_MAGIC = {'O', 'P', 'A', 'S'};
    /** Magic, envelope length, stack length. */
    private static final int ATTACHED_HEADER = 12;
    private static final LZ4SafeDecompressor BLOCK_DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();

    private enum Mode { SCAN, SKIP_TO_NEWLINE, SKIP_BYTES, LEGACY_BLOCK, SKIP_ALL }

    private final String transport;
    private final int maxFrameBytes;
    private final IngestMetrics metrics;
    private final DecodeBudget budget;
    /** Bytes reserved in {@link #budget} for lines decoded here and not yet through the ingest route. */
    private int held;
    private Mode mode = Mode.SCAN;
    private int legacySize;
    /** Bytes still to skip in {@link Mode#SKIP_BYTES} (the rest of a rejected frame of known length). */
    private long skipRemaining;
    /**
     * Decompression buffer of the I/O thread (shared by its connections, so memory follows the thread count, not
     * the connection count), kept between frames up to {@link #KEPT_BUFFER} bytes.
     */
    private static final ThreadLocal<byte[]> READ_BUFFER = ThreadLocal.withInitial(() -> new byte[256 * 1024]);
    private static final int KEPT_BUFFER = 1 << 20; // outside the decode budget between frames: small

    public FrameDecoder(String transport, int maxFrameBytes, IngestMetrics metrics) {
        this(transport, maxFrameBytes, metrics, DecodeBudget.unlimited());
    }

    /** {@code maxFrameBytes} is lowered to the budget's limit: a larger frame could never be reserved. */
    public FrameDecoder(String transport, int maxFrameBytes, IngestMetrics metrics, DecodeBudget budget) {
        this.transport = transport;
        this.maxFrameBytes = Math.min(maxFrameBytes, budget.limit());
        this.metrics = metrics;
        this.budget = budget;
    }

    /** Netty fires every decoded {@link Frames} through the pipeline (the ingest route) before this returns. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        try {
            super.channelRead(ctx, msg);
        } finally {
            giveBackHeld();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        try {
            super.channelInactive(ctx);
        } finally {
            giveBackHeld();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        giveBackHeld();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        giveBackHeld(); // ByteToMessageDecoder fired what the previous call emitted before calling again
        List<Line> lines = new ArrayList<>();
        while (in.isReadable() && step(in, lines)) {
            // each step consumes one frame or skips bad bytes
        }
        if (!lines.isEmpty()) {
            out.add(new Frames(transport, lines));
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        List<Line> lines = new ArrayList<>();
        while (in.isReadable() && step(in, lines)) {
            // drain complete frames first
        }
        endOfStream(in, lines);
        if (!lines.isEmpty()) {
            out.add(new Frames(transport, lines));
        }
    }

    /** Handles what is left when the connection closes. */
    private void endOfStream(ByteBuf in, List<Line> lines) {
        if (mode == Mode.LEGACY_BLOCK) {
            decompressLegacy(in, lines);
        } else if (mode == Mode.SCAN && in.isReadable()) {
            byte first = in.getByte(in.readerIndex());
            if (first == '{' && in.readableBytes() > maxFrameBytes) {
                metrics.frameRejected("oversize", "JSON line over " + maxFrameBytes + " bytes at connection close");
            } else if (first == '{' && reserveAtClose(in.readableBytes())) {
                // protocol §2: at end of stream an unterminated JSON object is accepted
                metrics.frameReceived(transport);
                lines.add(Line.of(readBytes(in, in.readableBytes())));
            } else {
                metrics.frameRejected("truncated", in.readableBytes() + " bytes of a partial frame at connection close");
            }
        }
        in.skipBytes(in.readableBytes());
        mode = Mode.SCAN;
    }

    /** Consumes one unit from {@code in}; returns false when more bytes are needed. */
    private boolean step(ByteBuf in, List<Line> lines) {
        switch (mode) {
            case SKIP_ALL, LEGACY_BLOCK -> {
                if (mode == Mode.LEGACY_BLOCK && in.readableBytes() <= legacyCompressedBound()) {
                    return false;
                }
                if (mode == Mode.LEGACY_BLOCK) {
                    metrics.frameRejected("lz4_corrupt", "legacy LZ4 block longer than its declared size allows");
                    mode = Mode.SKIP_ALL;
                }
                in.skipBytes(in.readableBytes());
                return false;
            }
            case SKIP_BYTES -> {
                int n = (int) Math.min(skipRemaining, in.readableBytes());
                in.skipBytes(n);
                skipRemaining -= n;
                if (skipRemaining > 0) {
                    return false;
                }
                mode = Mode.SCAN;
                return true;
            }
            case SKIP_TO_NEWLINE -> {
                int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                if (nl < 0) {
                    in.skipBytes(in.readableBytes());
                    return false;
                }
                in.readerIndex(nl + 1);
                mode = Mode.SCAN;
                return true;
            }
            default -> {
                return scan(in, lines);
            }
        }
    }

    private boolean scan(ByteBuf in, List<Line> lines) {
        skipWhitespace(in);
        if (!in.isReadable()) {
            return false;
        }
        byte first = in.getByte(in.readerIndex());
        if (first == '{') {
            return jsonLine(in, lines);
        }
        int frameMatch = prefixMatch(in, FRAME_MAGIC);
        if (frameMatch == FRAME_MAGIC.length) {
            return lz4Frame(in, lines);
        }
        int legacyMatch = prefixMatch(in, LEGACY_MAGIC);
        if (legacyMatch == LEGACY_MAGIC.length) {
            return legacyHeader(in);
        }
        int attachedMatch = prefixMatch(in, ATTACHED_MAGIC);
        if (attachedMatch == ATTACHED_MAGIC.length) {
            return attachedStackFrame(in, lines);
        }
        if (frameMatch == in.readableBytes() || legacyMatch == in.readableBytes()
                || attachedMatch == in.readableBytes()) {
            return false; // could still become a magic: wait for more bytes
        }
        metrics.frameRejected("garbage", "unknown frame start byte 0x" + Integer.toHexString(first & 0xff));
        mode = Mode.SKIP_TO_NEWLINE;
        return true;
    }

    private boolean jsonLine(ByteBuf in, List<Line> lines) {
        int start = in.readerIndex();
        int nl = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            if (in.readableBytes() > maxFrameBytes) {
                metrics.frameRejected("oversize", "JSON line over " + maxFrameBytes + " bytes");
                mode = Mode.SKIP_TO_NEWLINE;
                return true;
            }
            return false;
        }
        int length = nl - start;
        if (length > maxFrameBytes) {
            metrics.frameRejected("oversize", "JSON line of " + length + " bytes over " + maxFrameBytes);
            in.readerIndex(nl + 1);
            return true;
        }
        int end = length > 0 && in.getByte(nl - 1) == '\r' ? length - 1 : length;
        if (!reserve(end)) {
            return false;
        }
        metrics.frameReceived(transport);
        lines.add(Line.of(readBytes(in, end)));
        in.readerIndex(nl + 1);
        return true;
    }

    private boolean lz4Frame(ByteBuf in, List<Line> lines) {
        int start = in.readerIndex();
        int length;
        try {
            length = Lz4FrameScanner.frameLength(in, start);
        } catch (Lz4FrameScanner.MalformedFrameException e) {
            metrics.frameRejected("lz4_corrupt", e.getMessage());
            in.skipBytes(FRAME_MAGIC.length);
            mode = Mode.SKIP_TO_NEWLINE;
            return true;
        }
        if (length == Lz4FrameScanner.INCOMPLETE) {
            if (in.readableBytes() > compressedBound(maxFrameBytes)) {
                metrics.frameRejected("oversize", "LZ4 frame over " + maxFrameBytes + " bytes");
                in.skipBytes(in.readableBytes());
                mode = Mode.SKIP_TO_NEWLINE;
            }
            return false;
        }
        int reserved = Lz4FrameScanner.contentBound(in, start, length, maxFrameBytes);
        if (!reserve(reserved)) {
            return false;
        }
        metrics.frameReceived(transport);
        byte[] content = lz4Content(in, start, length);
        giveBack(reserved - (content == null ? 0 : Math.min(reserved, content.length)));
        if (content != null) {
            splitLines(content, lines);
        }
        in.readerIndex(start + length);
        return true;
    }

    /**
     * The decompressed content of the whole LZ4 frame of {@code length} bytes at {@code start}, or null (counted)
     * when it does not decompress or is over the frame limit.
     */
    private byte[] lz4Content(ByteBuf in, int start, int length) {
        byte[] direct = Lz4FrameReader.read(in, start, length, maxFrameBytes);
        if (direct != null) {
            return direct;
        }
        try (InputStream frame = lz4FrameStream(in.retainedSlice(start, length))) {
            byte[] content = readCapped(frame);
            if (content == null) {
                metrics.frameRejected("oversize", "LZ4 frame decompresses to over " + maxFrameBytes + " bytes");
            }
            return content;
        } catch (IOException | RuntimeException e) {
            metrics.frameRejected("lz4_corrupt", "LZ4 frame does not decompress: " + e.getMessage());
            return null;
        }
    }

    /**
     * A span with an attached stack: {@code OPAS}, u32 LE envelope length E, u32 LE stack length S, the envelope
     * (a JSON text or one LZ4 frame, holding one or more JSON lines), then the stack in {@link StackCodec}'s form,
     * which belongs to the envelope's last line. The stack is decompressed once into a scratch buffer to check it
     * (docs/protocol.md) and kept as received. Any fault discards the whole frame, counted; as its length is known
     * the connection goes on with the next frame.
     */
    private boolean attachedStackFrame(ByteBuf in, List<Line> lines) {
        if (in.readableBytes() < ATTACHED_HEADER) {
            return false;
        }
        int start = in.readerIndex();
        long envelopeLength = in.getUnsignedIntLE(start + 4);
        long stackLength = in.getUnsignedIntLE(start + 8);
        long total = ATTACHED_HEADER + envelopeLength + stackLength;
        String reason = envelopeLength == 0 ? "garbage"
                : envelopeLength > compressedBound(maxFrameBytes) || stackLength > 4 + compressedBound(maxFrameBytes)
                ? "oversize" : stackLength < 5 ? "stack_corrupt" : null;
        if (reason != null) {
            metrics.frameRejected(reason, "span with attached stack declares an envelope of " + envelopeLength
                    + " bytes and a stack of " + stackLength + " bytes (frame limit " + maxFrameBytes + " bytes)");
            skipRemaining = total;
            mode = Mode.SKIP_BYTES;
            return true;
        }
        if (in.readableBytes() < total) {
            return false;
        }
        int envelopeStart = start + ATTACHED_HEADER;
        int stackStart = envelopeStart + (int) envelopeLength;
        // the envelope's content, the stack as received and the scratch its check decompresses into
        int envelopeBound = in.getByte(envelopeStart) == '{' ? (int) envelopeLength
                : Lz4FrameScanner.contentBound(in, envelopeStart, (int) envelopeLength, maxFrameBytes);
        long stackText = stackLength < 4 ? 0 : in.getUnsignedIntLE(stackStart);
        int reserved = (int) Math.min(maxFrameBytes, envelopeBound + stackLength + Math.min(stackText, maxFrameBytes));
        if (!reserve(reserved)) {
            return false;
        }
        metrics.frameReceived(transport);
        byte[] envelope = envelope(in, envelopeStart, (int) envelopeLength);
        in.readerIndex((int) (start + total));
        if (envelope == null) {
            giveBack(reserved);
            return true;
        }
        byte[] stack = new byte[(int) stackLength];
        in.getBytes(stackStart, stack);
        long declared = StackCodec.declaredLength(stack);
        if (envelope.length + declared > maxFrameBytes) {
            metrics.frameRejected("oversize", "span with attached stack of " + declared + " bytes (envelope "
                    + envelope.length + ") over " + maxFrameBytes);
            giveBack(reserved);
            return true;
        }
        String problem = StackCodec.problem(stack, maxFrameBytes);
        if (problem != null) {
            metrics.frameRejected("stack_corrupt", "attached stack: " + problem);
            giveBack(reserved);
            return true;
        }
        int before = lines.size();
        splitLines(envelope, lines);
        if (lines.size() == before) {
            metrics.frameRejected("stack_corrupt", "attached stack with no JSON line to belong to");
            giveBack(reserved);
            return true;
        }
        giveBack(reserved - (int) Math.min(reserved, envelope.length + stackLength)); // the check's scratch is free again
        int last = lines.size() - 1;
        lines.set(last, lines.get(last).withStack(stack));
        metrics.stackAttached();
        return true;
    }

    /** The envelope's content (JSON text, or an LZ4 frame's content); null (counted) when it is neither. */
    private byte[] envelope(ByteBuf in, int start, int length) {
        byte first = in.getByte(start);
        if (first == '{') {
            if (length > maxFrameBytes) {
                metrics.frameRejected("oversize", "envelope of " + length + " bytes over " + maxFrameBytes);
                return null;
            }
            byte[] text = new byte[length];
            in.getBytes(start, text);
            return text;
        }
        if (length >= FRAME_MAGIC.length && in.getIntLE(start) == Lz4FrameScanner.MAGIC) {
            try {
                int frameLength = Lz4FrameScanner.frameLength(in.slice(start, length), 0);
                if (frameLength != length) {
                    metrics.frameRejected("lz4_corrupt", "envelope LZ4 frame of " + frameLength + " bytes in an envelope of "
                            + length);
                    return null;
                }
            } catch (Lz4FrameScanner.MalformedFrameException e) {
                metrics.frameRejected("lz4_corrupt", "envelope: " + e.getMessage());
                return null;
            }
            return lz4Content(in, start, length);
        }
        metrics.frameRejected("garbage", "envelope starts with byte 0x" + Integer.toHexString(first & 0xff));
        return null;
    }

    /**
     * lz4-java (native, fast) for frames of independent blocks; Commons Compress for linked blocks (LZ4F's
     * default, e.g. the lz4 CLI and Python's lz4.frame), which lz4-java does not read.
     */
    private static InputStream lz4FrameStream(ByteBuf frame) throws IOException {
        boolean independentBlocks = (frame.getUnsignedByte(frame.readerIndex() + FRAME_MAGIC.length) & 0x20) != 0;
        InputStream raw = new ByteBufInputStream(frame, true);
        return independentBlocks ? new LZ4FrameInputStream(raw) : new FramedLZ4CompressorInputStream(raw);
    }

    private boolean legacyHeader(ByteBuf in) {
        if (in.readableBytes() < LEGACY_HEADER) {
            return false;
        }
        long declared = in.getLongLE(in.readerIndex() + LEGACY_MAGIC.length);
        in.skipBytes(LEGACY_HEADER);
        if (declared < 0 || declared > maxFrameBytes) {
            metrics.frameRejected("oversize", "legacy LZ4 block declares " + declared + " bytes");
            mode = Mode.SKIP_ALL;
        } else {
            legacySize = (int) declared;
            mode = Mode.LEGACY_BLOCK;
        }
        return true;
    }

    private void decompressLegacy(ByteBuf in, List<Line> lines) {
        if (!reserveAtClose(legacySize + in.readableBytes())) {
            return;
        }
        metrics.frameReceived(transport);
        byte[] compressed = readBytes(in, in.readableBytes());
        byte[] content = new byte[legacySize];
        try {
            int n = BLOCK_DECOMPRESSOR.decompress(compressed, 0, compressed.length, content, 0, legacySize);
            if (n != legacySize) {
                metrics.frameRejected("lz4_corrupt", "legacy LZ4 block gave " + n + " of " + legacySize + " declared bytes");
                return;
            }
            splitLines(content, lines);
        } catch (LZ4Exception e) {
            metrics.frameRejected("lz4_corrupt", "legacy LZ4 block does not decompress: " + e.getMessage());
        }
    }

    /**
     * Reserves {@code n} bytes for a frame about to be decoded. False when there is no room now and this decoder
     * holds lines not yet passed on: the caller leaves the frame where it is, those lines go through the route
     * (giving back their bytes) and decoding resumes. Holding nothing, it waits for other connections' frames.
     */
    private boolean reserve(int n) {
        int size = Math.min(n, budget.limit());
        if (!budget.tryTake(size)) {
            if (held > 0) {
                return false;
            }
            budget.take(size);
        }
        held += size;
        return true;
    }

    /** At connection close a frame cannot wait for the lines before it to be passed on: refused when no room. */
    private boolean reserveAtClose(int n) {
        if (reserve(n)) {
            return true;
        }
        metrics.frameRejected("decode_budget", "no room in opa.ingest.max-decoding-bytes (" + budget.limit()
                + " bytes) for the last frame of a closing connection");
        return false;
    }

    private void giveBack(int n) {
        int size = Math.min(n, held);
        budget.give(size);
        held -= size;
    }

    private void giveBackHeld() {
        giveBack(held);
    }

    private int legacyCompressedBound() {
        return compressedBound(legacySize);
    }

    private static int compressedBound(int size) {
        return (int) Math.min(Integer.MAX_VALUE - 1L, size + size / 255L + 16 + 65536L);
    }

    /**
     * The whole decompressed content, read through the thread's buffer (kept between frames, so the only
     * allocation is the exact-size result); null when it is over the frame limit.
     */
    private byte[] readCapped(InputStream in) throws IOException {
        byte[] buffer = READ_BUFFER.get();
        try {
            int size = 0;
            int n;
            while ((n = in.read(buffer, size, buffer.length - size)) > 0) {
                size += n;
                if (size > maxFrameBytes) {
                    return null;
                }
                if (size == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(maxFrameBytes + 1L, buffer.length * 2L));
                }
            }
            return Arrays.copyOf(buffer, size);
        } finally {
            if (buffer.length <= KEPT_BUFFER) {
                READ_BUFFER.set(buffer);
            }
        }
    }

    /** Decompressed content is one or more JSON lines. */
    private void splitLines(byte[] content, List<Line> lines) {
        for (int start = 0; start <= content.length; ) {
            int nl = Newlines.next(content, start, content.length);
            int s = start;
            int e = nl;
            while (s < e && isSpace(content[s])) {
                s++;
            }
            while (e > s && isSpace(content[e - 1])) {
                e--;
            }
            if (e > s) {
                if (content[s] == '{') {
                    lines.add(new Line(content, s, e - s));
                } else {
                    metrics.frameRejected("garbage", "LZ4 content line does not start with '{'");
                }
            }
            start = nl + 1;
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static void skipWhitespace(ByteBuf in) {
        while (in.isReadable() && isSpace(in.getByte(in.readerIndex()))) {
            in.skipBytes(1);
        }
    }

    /** How many leading bytes of {@code in} match {@code magic}, or -1 on a mismatch. */
    private static int prefixMatch(ByteBuf in, byte[] magic) {
        int n = Math.min(magic.length, in.readableBytes());
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != magic[i]) {
                return -1;
            }
        }
        return n;
    }

    private static byte[] readBytes(ByteBuf in, int length) {
        byte[] bytes = new byte[length];
        in.getBytes(in.readerIndex(), bytes);
        return bytes;
    }
}
