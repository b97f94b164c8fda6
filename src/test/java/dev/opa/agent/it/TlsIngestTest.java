package dev.opa.agent.it;

import static dev.opa.agent.testkit.TestIds.spanId;
import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.webRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS with client certificates (mutual TLS) on the real TCP listener, PEM files made with keytool: a trusted
 * client's trace is stored; a client with a certificate from another CA, a client without one and a plain-text
 * client are refused and counted; a client that stalls mid-handshake is disconnected after the handshake
 * timeout and holds nobody up meanwhile.
 */
@CamelMainTest(properties = {
        "opa.tail.grace-ms=200",
        "opa.batch.interval-ms=100",
        "opa.batch.max-interval-ms=100", // every batch at its interval, however small
        "opa.tcp.tls.enabled=true",
        "opa.tcp.tls.handshake-timeout-ms=1500"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIngestTest {

    static final TestAgent AGENT = new TestAgent("tls");
    static final Path CERTS = AGENT.dataDir.resolve("certs");
    static final TestCerts SERVER = TestCerts.create(CERTS, "agent", "ip:127.0.0.1,dns:localhost");
    static final TestCerts CLIENT = TestCerts.create(CERTS, "php-worker", "dns:worker");
    static final TestCerts INTRUDER = TestCerts.create(CERTS, "intruder", "dns:intruder");

    static {
        System.setProperty("opa.tcp.tls.cert-file", SERVER.certPem.toString());
        System.setProperty("opa.tcp.tls.key-file", SERVER.keyPem.toString());
        System.setProperty("opa.tcp.tls.client-ca-file", CLIENT.certPem.toString()); // the trusted client's own cert
    }

    @BeanInject("dataSource")
    DataSource dataSource;

    @AfterAll
    void clearProperties() {
        AGENT.clear();
        System.clearProperty("opa.tcp.tls.cert-file");
        System.clearProperty("opa.tcp.tls.key-file");
        System.clearProperty("opa.tcp.tls.client-ca-file");
    }

    private long stored(String traceId) {
        return new Db(dataSource).count("SELECT count(*) FROM spans_min WHERE trace_id = ?", traceId);
    }

    private static double handshakes(String result) {
        return Http.metric(AGENT.http, "opa_ingest_tls_handshakes_total{result=\"" + result + "\"}");
    }

    /** Connects with TLS, sends the lines, closes; throws when the handshake is refused. */
    private static void sendTls(SSLContext context, String lines) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", AGENT.tcp)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(lines.getBytes(StandardCharsets.UTF_8));
            out.flush();
            // TLS 1.3: a refused client certificate shows only on the next read; a good one reads EOF at close
            socket.shutdownOutput();
            assertEquals(-1, socket.getInputStream().read(), "the agent never answers");
        }
    }

    private static String trace(int n) {
        return webRequest(traceId(n), spanId(1), "tls-svc", System.currentTimeMillis(), 5, "ok").message() + "\n";
    }

    @Test
    void trustedClientHandshakesAndItsTraceIsStored() throws Exception {
        double before = handshakes("ok");
        sendTls(TestCerts.clientContext(CLIENT, SERVER), trace(7001));
        Await.until("trace over TLS stored", () -> stored(traceId(7001)), n -> n == 1, 20_000);
        assertTrue(handshakes("ok") >= before + 1);
    }

    @Test
    void clientsWithoutATrustedCertificateAreRefusedAndCounted() throws Exception {
        double before = handshakes("failed");
        assertThrows(IOException.class, () -> sendTls(TestCerts.clientContext(INTRUDER, SERVER), trace(7002)),
                "certificate from another CA");
        assertThrows(IOException.class, () -> sendTls(TestCerts.clientContext(null, SERVER), trace(7003)),
                "no certificate");
        try (Socket plain = new Socket("127.0.0.1", AGENT.tcp)) { // plain text on the TLS port
            plain.getOutputStream().write(trace(7004).getBytes(StandardCharsets.UTF_8));
            plain.setSoTimeout(10_000);
            assertEquals(-1, plain.getInputStream().read(), "closed by the agent");
        } catch (IOException closedByTheAgent) {
            // a reset is as good as EOF here
        }
        Await.until("refused handshakes counted", () -> handshakes("failed"), n -> n >= before + 3, 10_000);
        sendTls(TestCerts.clientContext(CLIENT, SERVER), trace(7005)); // a later good client as a marker
        Await.until("marker stored", () -> stored(traceId(7005)), n -> n == 1, 20_000);
        for (int n : new int[] {7002, 7003, 7004}) {
            assertEquals(0, stored(traceId(n)), "nothing from refused client " + n);
        }
    }

    @Test
    void aClientStallingMidHandshakeIsDisconnectedAndHoldsNobodyUp() throws Exception {
        try (Socket stalled = new Socket("127.0.0.1", AGENT.tcp)) {
            // the first bytes of a TLS record (handshake, TLS 1.0 record version, length 512), then nothing
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            stalled.getOutputStream().flush();
            long start = System.nanoTime();
            sendTls(TestCerts.clientContext(CLIENT, SERVER), trace(7006));
            Await.until("trace stored while another client stalls", () -> stored(traceId(7006)), n -> n == 1, 20_000);
            stalled.setSoTimeout(10_000);
            InputStream in = stalled.getInputStream();
            int read;
            try {
                while ((read = in.read()) >= 0) {
                    // an alert may come before the close
                }
            } catch (IOException reset) {
                read = -1;
            }
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(-1, read);
            assertTrue(waitedMs >= 1000 && waitedMs < 9000, "closed after the handshake timeout: " + waitedMs + " ms");
        }
    }
}
