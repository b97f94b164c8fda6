package dev.opa.agent.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameOutputStream;

/** Client side of the wire protocol for tests: encodes frames and sends them over real sockets. */
public final class Wire {

    private Wire() {
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A standard LZ4 frame holding the given JSON lines. */
    public static byte[] lz4Frame(String jsonLines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream lz4 = new LZ4FrameOutputStream(out)) {
            lz4.write(utf8(jsonLines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The legacy form: "LZ4", 8-byte little-endian original size, one raw LZ4 block. */
    public static byte[] legacyBlock(String jsonLines) {
        byte[] raw = utf8(jsonLines);
        LZ4Compressor c = LZ4Factory.fastestInstance().fastCompressor();
        byte[] block = c.compress(raw);
        ByteBuffer b = ByteBuffer.allocate(11 + block.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(utf8("LZ4")).putLong(raw.length).put(block);
        return b.array();
    }

    /**
     * A span with an attached stack: "OPAS", u32 LE envelope length, u32 LE stack length, the envelope (JSON lines
     * or an LZ4 frame of them), the stack in the stored form (u32 LE text length + one LZ4 block).
     */
    public static byte[] attached(byte[] envelope, byte[] stack) {
        ByteBuffer b = ByteBuffer.allocate(12 + envelope.length + stack.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(utf8("OPAS")).putInt(envelope.length).putInt(stack.length).put(envelope).put(stack);
        return b.array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Opens a TCP connection to 127.0.0.1:port. */
    public static SocketChannel tcp(int port) throws IOException {
        return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    }

    /** Opens a Unix domain socket connection. */
    public static SocketChannel unix(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    public static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** One connection, all bytes, close. */
    public static void sendOnce(SocketChannel ch, byte[] bytes) throws IOException {
        try (ch) {
            write(ch, bytes);
        }
    }
}
