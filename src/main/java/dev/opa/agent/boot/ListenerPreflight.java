package dev.opa.agent.boot;

import dev.opa.agent.wire.SocketFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Binds each listen address once before the listeners start, so a taken port or an unusable socket path
 * ends the start with the setting to change instead of a stack trace (or, for the HTTP server, instead of
 * running on without it). The listeners bind for real right after; {@link HttpServerCheck} covers the
 * HTTP server losing that race.
 */
public final class ListenerPreflight {

    private ListenerPreflight() {
    }

    /** A TCP port the agent is about to listen on is free (port 0 always is). */
    public static void tcpPortFree(String what, String setting, String host, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Netty and Vert.x bind: a port in TIME_WAIT is usable
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException | RuntimeException e) {
            throw new StartupFailure(what + " cannot listen on " + host + ":" + port, setting, e);
        }
    }

    /** The Unix socket path is usable: stale file removed ({@link SocketFile#prepare}), directory writable. */
    public static void unixSocketUsable(String setting, Path socket) {
        try {
            SocketFile.prepare(socket);
            try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.bind(UnixDomainSocketAddress.of(socket));
            } finally {
                Files.deleteIfExists(socket);
            }
        } catch (IOException | RuntimeException e) {
            throw new StartupFailure("Unix socket listener cannot bind " + socket, setting, e);
        }
    }
}
