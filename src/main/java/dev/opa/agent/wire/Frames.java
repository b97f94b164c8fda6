package dev.opa.agent.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The JSON lines decoded from one read of one connection (any mix of plain and LZ4 frames). */
public record Frames(String transport, List<Line> lines) {

    /**
     * One JSON line: {@code len} bytes at {@code off} of {@code buf}. The lines of an LZ4 frame are slices of its
     * decompressed content, so they are never copied one by one.
     *
     * @param stack the span's call stack attached to this line (protocol: span with attached stack), already
     *              checked and in the stored form of {@code dev.opa.agent.model.StackCodec}; null for none
     */
    public record Line(byte[] buf, int off, int len, byte[] stack) {

        public Line(byte[] buf, int off, int len) {
            this(buf, off, len, null);
        }

        public Line withStack(byte[] attached) {
            return new Line(buf, off, len, attached);
        }

        /** The JSON this line stands for, in bytes: its own, plus its attached stack's text (declared length). */
        public long jsonBytes() {
            return stack == null ? len : len + dev.opa.agent.model.StackCodec.declaredLength(stack);
        }

        public static Line of(byte[] bytes) {
            return new Line(bytes, 0, bytes.length);
        }

        public String text() {
            return new String(buf, off, len, StandardCharsets.UTF_8);
        }
    }

    /** Frames of whole arrays, one line each. */
    public static Frames of(String transport, List<byte[]> lines) {
        return new Frames(transport, lines.stream().map(Line::of).toList());
    }
}
