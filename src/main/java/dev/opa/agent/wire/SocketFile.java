package dev.opa.agent.wire;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Prepares the Unix socket path before bind (stale file of a crashed run) and sets its mode after. */
public final class SocketFile {

    private SocketFile() {
    }

    /**
     * Creates the parent directory and removes a leftover socket file nobody listens on. Fails when another
     * process is listening there, or when the path is a regular file or directory (never deleted).
     */
    public static void prepare(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(path) || Files.isDirectory(path)) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it");
        }
        if (isListening(path)) {
            throw new IOException("another process is listening on " + path);
        }
        Files.delete(path);
    }

    static boolean isListening(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Applies an octal mode such as {@code 0660}. */
    public static void applyMode(Path path, String octalMode) throws IOException {
        int mode = Integer.parseInt(octalMode.trim(), 8);
        StringBuilder perms = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            perms.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms.toString()));
    }
}
