package dev.opa.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.Main;
import dev.opa.agent.testkit.AgentProcess;
import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Cleanup;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Fail fast: the real Main in a child JVM, with one thing it needs taken away each time. The process must
 * end by itself with a non-zero status and exactly one "cannot start" line naming the setting to change.
 */
class AgentStartFailureTest {

    private final Path dir = Path.of("target/it/start-failure").toAbsolutePath();

    private Map<String, String> env(String name) {
        Cleanup.dataDir(dir.resolve(name).toString());
        Map<String, String> env = new HashMap<>();
        env.put("OPA_DATA_DIR", dir.resolve(name).toString());
        env.put("OPA_SOCKET_PATH", dir.resolve(name).resolve("opa.sock").toString());
        env.put("OPA_TCP_LISTEN", "127.0.0.1:" + TestAgent.freePort());
        env.put("OPA_HTTP_PORT", String.valueOf(TestAgent.freePort()));
        env.put("OPA_STORE", "duckdb");
        return env;
    }

    private AgentProcess.Exit startAndFail(String name, Map<String, String> env) throws Exception {
        AgentProcess.Exit exit = AgentProcess.runToExit(env, dir.resolve(name + ".log"), 90);
        assertEquals(Main.START_FAILED, exit.status(), exit.output());
        return exit;
    }

    /** The single failure line. */
    private static String failureLine(AgentProcess.Exit exit) {
        List<String> lines = exit.output().lines().filter(l -> l.startsWith(Main.FAILURE_PREFIX))
                .collect(Collectors.toList());
        assertEquals(1, lines.size(), exit.output());
        return lines.get(0);
    }

    @Test
    void aTakenHttpPortStopsStartupWithTheKeyToChange() throws Exception {
        Map<String, String> env = env("http");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            env.put("OPA_HTTP_PORT", String.valueOf(taken.getLocalPort()));
            String line = failureLine(startAndFail("http", env));
            assertTrue(line.contains("HTTP server cannot listen on 127.0.0.1:" + taken.getLocalPort()), line);
            assertTrue(line.contains("Address already in use"), line);
            assertTrue(line.endsWith("(change opa.http.port / opa.http.host)"), line);
        }
    }

    @Test
    void aTakenTcpPortStopsStartupWithTheKeyToChange() throws Exception {
        Map<String, String> env = env("tcp");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            env.put("OPA_TCP_LISTEN", "127.0.0.1:" + taken.getLocalPort());
            String line = failureLine(startAndFail("tcp", env));
            assertTrue(line.contains("TCP ingest listener cannot listen on 127.0.0.1:" + taken.getLocalPort()), line);
            assertTrue(line.endsWith("(change opa.tcp.listen)"), line);
        }
    }

    @Test
    void aSocketPathThatCannotBeBoundStopsStartupWithTheKeyToChange() throws Exception {
        Map<String, String> env = env("socket");
        Path notADirectory = dir.resolve("socket/plain-file");
        Files.writeString(notADirectory, "a file where the socket's directory should be");
        env.put("OPA_SOCKET_PATH", notADirectory.resolve("opa.sock").toString());
        String line = failureLine(startAndFail("socket", env));
        assertTrue(line.contains("Unix socket listener cannot bind " + notADirectory.resolve("opa.sock")), line);
        assertTrue(line.endsWith("(change opa.socket.path)"), line);
    }

    @Test
    void aDuckDbFileLockedByAnotherProcessStopsStartupWithTheKeyToChange() throws Exception {
        Map<String, String> env = env("locked");
        Path file = dir.resolve("locked/opa.duckdb");
        // DuckDB locks its file per process: this JVM holding it open is "another agent"
        try (Connection other = DriverManager.getConnection("jdbc:duckdb:" + file)) {
            String line = failureLine(startAndFail("locked", env));
            assertTrue(line.contains("duckdb store cannot open " + file), line);
            assertTrue(line.contains("Could not set lock on file"), line);
            assertTrue(line.endsWith("(change opa.data.dir or opa.store.duckdb.file; one agent per DuckDB file)"), line);
        }
    }

    @Test
    void anUnreachableClickHouseStopsStartupUnderTheFailPolicy() throws Exception {
        Map<String, String> env = env("clickhouse");
        int closed = TestAgent.freePort();
        env.put("OPA_STORE", "clickhouse");
        env.put("OPA_STORE_CLICKHOUSE_URL", "http://127.0.0.1:" + closed);
        env.put("OPA_STORE_CLICKHOUSE_START_WAIT_MS", "1500");
        env.put("OPA_STORE_CLICKHOUSE_TIMEOUT_MS", "1000");
        String line = failureLine(startAndFail("clickhouse", env));
        assertTrue(line.contains("clickhouse store not reachable at http://127.0.0.1:" + closed + " within 1500 ms"), line);
        assertTrue(line.contains("change opa.store.clickhouse.url, or opa.store.clickhouse.start-policy=spool"), line);
    }

    @Test
    void anUnreachableClickHouseDoesNotStopStartupUnderTheSpoolPolicy() throws Exception {
        Map<String, String> env = env("clickhouse-spool");
        env.put("OPA_STORE", "clickhouse");
        env.put("OPA_STORE_CLICKHOUSE_URL", "http://127.0.0.1:" + TestAgent.freePort());
        env.put("OPA_STORE_CLICKHOUSE_START_POLICY", "spool");
        env.put("OPA_STORE_CLICKHOUSE_TIMEOUT_MS", "1000");
        int http = Integer.parseInt(env.get("OPA_HTTP_PORT"));
        Process agent = AgentProcess.start(env, dir.resolve("clickhouse-spool.log"));
        try {
            Await.until("agent live", () -> {
                try {
                    return Http.get(http, "/health/live").statusCode();
                } catch (AssertionError notYet) {
                    return agent.isAlive() ? -1 : -2;
                }
            }, c -> c == 200 || c == -2, 60_000);
            assertTrue(agent.isAlive(), "start-policy=spool keeps the agent running without ClickHouse");
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void missingTlsFilesStopStartupWithTheKeysToChange() throws Exception {
        Map<String, String> env = env("tls");
        env.put("OPA_TCP_TLS_ENABLED", "true");
        env.put("OPA_TCP_TLS_CERT_FILE", dir.resolve("tls/none.crt.pem").toString());
        env.put("OPA_TCP_TLS_KEY_FILE", dir.resolve("tls/none.key.pem").toString());
        String line = failureLine(startAndFail("tls", env));
        assertTrue(line.contains("TLS for the TCP listener cannot load its PEM files"), line);
        assertTrue(line.endsWith("(change opa.tcp.tls.cert-file / key-file / client-ca-file)"), line);
    }

    @Test
    void anApiKeysFileWithABadLineStopsStartupNamingTheLine() throws Exception {
        Map<String, String> env = env("keys");
        Path keys = dir.resolve("keys/api-keys");
        Files.writeString(keys, "grafana reader 0000\n");
        env.put("OPA_API_KEYS_FILE", keys.toString());
        String line = failureLine(startAndFail("keys", env)); // never an API without its guard
        assertTrue(line.contains(keys + " line 1 (opa.api.keys-file)"), line);
    }

    @Test
    void aMissingConfigurationFileStopsStartupNamingThePath() throws Exception {
        Map<String, String> env = env("config");
        env.put("OPA_CONFIG", dir.resolve("config/nowhere.yaml").toString());
        String line = failureLine(startAndFail("config", env));
        assertTrue(line.contains("configuration file " + dir.resolve("config/nowhere.yaml") + " not found"), line);
    }
}
