package dev.opa.agent.it;

import static dev.opa.agent.testkit.TestIds.spanId;
import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.webRequest;
import static dev.opa.agent.testkit.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.testkit.AgentProcess;
import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Cleanup;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.Wire;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent as a real process: configured only by the documented environment variables, starting over a
 * stale socket file left by a "crashed" run, and flushing its tail buffer to DuckDB on SIGTERM.
 */
class AgentProcessTest {

    static final int TCP = TestAgent.freePort();
    static final int HTTP = TestAgent.freePort();

    @Test
    void theChildJvmTakesItsConfigFromTheEnvironmentReplacesAStaleSocketAndFlushesOnSigterm() throws Exception {
        Cleanup.dataDir("target/it/process");
        Path data = Path.of("target/it/process").toAbsolutePath();
        Path socket = data.resolve("run/opa.sock");
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket)); // closing does not remove the file: a stale socket
        }
        assertTrue(Files.exists(socket));

        Process agent = AgentProcess.start(Map.of("OPA_SOCKET_PATH", socket.toString(), "OPA_TCP_LISTEN", "127.0.0.1:" + TCP,
                "OPA_HTTP_PORT", String.valueOf(HTTP), "OPA_DATA_DIR", data.toString(), "OPA_STORE", "duckdb",
                "OPA_TAIL_GRACE_MS", "600000"), data.resolve("agent.log")); // traces stay buffered until shutdown
        try {
            AgentProcess.awaitReady(HTTP);
            long now = System.currentTimeMillis();
            Wire.sendOnce(Wire.unix(socket), utf8(webRequest(traceId(200), spanId(1), "proc", now, 5, "ok").message() + "\n"));
            Wire.sendOnce(Wire.tcp(TCP), Wire.lz4Frame(webRequest(traceId(201), spanId(1), "proc", now, 5, "ok").message() + "\n"
                    + webRequest(traceId(202), spanId(1), "proc", now, 5, "ok").message() + "\n"));
            Await.until("buffered traces", () -> Http.metric(HTTP, "opa_tailbuffer_traces"), n -> n == 3, 20_000);
            assertEquals(0.0, Http.metric(HTTP, "opa_spans_stored_total"), "nothing stored before shutdown");
        } finally {
            agent.destroy(); // SIGTERM
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent stops after SIGTERM");
        }
        String log = Files.readString(data.resolve("agent.log"));
        assertTrue(log.contains("shutdown flush: 3 items stored"), log);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + data.resolve("opa.duckdb"));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM spans_min WHERE service = 'proc'")) {
            rs.next();
            assertEquals(3, rs.getLong(1));
        }
    }
}
