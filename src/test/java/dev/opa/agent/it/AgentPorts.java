package dev.opa.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/**
 * Free ports, a fresh data directory and socket path for one agent under test, handed to the agent as -D
 * system properties (which override application.yaml). Create it in a static initialiser, before the
 * Camel context of the test class starts; {@link #clear()} afterwards.
 */
public final class AgentPorts {

    private static final List<String> KEYS = List.of("opa.data.dir", "opa.socket.path", "opa.tcp.listen", "opa.http.port");

    public final int tcp;
    public final int http;
    public final Path dataDir;
    public final Path socket;

    public AgentPorts(String name) {
        tcp = freePort();
        http = freePort();
        dataDir = Path.of("target/it", name).toAbsolutePath();
        Cleanup.dataDir(dataDir.toString());
        socket = dataDir.resolve("opa.sock");
        System.setProperty("opa.data.dir", dataDir.toString());
        System.setProperty("opa.socket.path", socket.toString());
        System.setProperty("opa.tcp.listen", "127.0.0.1:" + tcp);
        System.setProperty("opa.http.port", String.valueOf(http));
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void clear() {
        KEYS.forEach(System::clearProperty);
    }
}
