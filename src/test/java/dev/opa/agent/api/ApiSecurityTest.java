package dev.opa.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.TestIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * API keys with roles, the audit log and the rate limits of the real agent, over real HTTP. Keys are
 * configured as SHA-256 hashes (opa.api.keys-file) next to the older opa.api.token (an admin key).
 */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityTest {

    static final String READ_KEY = "read-key-Zm9vYmFyYmF6";
    static final String ADMIN_KEY = "admin-key-cXV4cXV1eA";
    static final String BURST_KEY = "burst-key-Y29yZ2U";
    static final int PER_KEY = 5;
    static final int PER_ADDRESS = 40;
    static final List<String> PROPERTIES = List.of("opa.api.keys-file", "opa.api.rate-limit.per-key",
            "opa.api.rate-limit.per-address", "opa.api.audit.max-file-bytes", "opa.api.audit.files");
    static final TestAgent AGENT = configured();

    static TestAgent configured() {
        TestAgent agent = new TestAgent("api-security").withApi(); // sets opa.api.token (TestAgent.TOKEN)
        Path keys = agent.dataDir.resolve("api-keys");
        try {
            Files.writeString(keys, "# id role sha256\nviewer read " + ApiAuth.sha256Hex(READ_KEY) + "\n\n  ops\tadmin  "
                    + ApiAuth.sha256Hex(ADMIN_KEY).toUpperCase() + "\nburst read " + ApiAuth.sha256Hex(BURST_KEY) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("opa.api.keys-file", keys.toString());
        System.setProperty("opa.api.rate-limit.per-key", String.valueOf(PER_KEY));
        System.setProperty("opa.api.rate-limit.per-address", String.valueOf(PER_ADDRESS));
        System.setProperty("opa.api.audit.max-file-bytes", "8192");
        System.setProperty("opa.api.audit.files", "3");
        return agent;
    }

    @AfterAll
    void cleanUp() {
        AGENT.clear();
        PROPERTIES.forEach(System::clearProperty);
    }

    @BeforeEach
    void freshBudgets() {
        TestAgent.sleep(1100); // every budget refills within a second
    }

    private static HttpResponse<String> call(String method, String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(AGENT.uri(path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (method.equals("PUT")) {
            b.header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"rate\": 1.0}"));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return AGENT.call(b);
    }

    private static String error(HttpResponse<String> r) {
        return TestAgent.parse(r.body()).get("error").asText();
    }

    @Test
    void readKeysReadAdminKeysAlsoWrite() {
        assertEquals(200, call("GET", "/api/services", READ_KEY).statusCode());
        assertEquals(200, call("GET", "/api/sampling", READ_KEY).statusCode());
        HttpResponse<String> readPut = call("PUT", "/api/sampling", READ_KEY);
        assertEquals(403, readPut.statusCode(), readPut.body());
        assertTrue(error(readPut).contains("admin key"), readPut.body());
        HttpResponse<String> readKeep = call("POST", "/api/traces/" + TestIds.newTraceId() + "/keep", READ_KEY);
        assertEquals(403, readKeep.statusCode(), readKeep.body());

        assertEquals(200, call("PUT", "/api/sampling", ADMIN_KEY).statusCode());
        assertEquals(200, call("POST", "/api/traces/" + TestIds.newTraceId() + "/keep", ADMIN_KEY).statusCode());
        // the older single token is an admin key
        assertEquals(200, call("PUT", "/api/sampling", TestAgent.TOKEN).statusCode());

        assertEquals(401, call("GET", "/api/services", null).statusCode());
        HttpResponse<String> wrong = call("GET", "/api/services", READ_KEY + "x");
        assertEquals(401, wrong.statusCode());
        assertEquals("unauthorized", error(wrong));
        // the hash itself is not a key
        assertEquals(401, call("GET", "/api/services", ApiAuth.sha256Hex(ADMIN_KEY)).statusCode());
    }

    @Test
    void liveStreamNeedsAReadKey() throws Exception {
        assertEquals(401, call("GET", "/api/live", null).statusCode());
        assertEquals(401, call("GET", "/api/live?token=nope", null).statusCode());
        // ?token= is only for the live stream (EventSource cannot set headers)
        assertEquals(401, call("GET", "/api/services?token=" + READ_KEY, null).statusCode());
        CompletableFuture<HttpResponse<java.io.InputStream>> live = AGENT.client().sendAsync(
                HttpRequest.newBuilder(AGENT.uri("/api/live?token=" + READ_KEY)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<java.io.InputStream> stream = live.get(10, TimeUnit.SECONDS);
        assertEquals(200, stream.statusCode());
        stream.body().close();
    }

    @Test
    void perKeyBudgetAnswers429WithRetryAfter() {
        List<HttpResponse<String>> answers = new ArrayList<>();
        HttpResponse<String> refused = null;
        while (refused == null && answers.size() < 200) { // 5 a second: refused as soon as calls come faster
            HttpResponse<String> r = call("GET", "/api/sampling", BURST_KEY);
            answers.add(r);
            assertTrue(r.statusCode() == 200 || r.statusCode() == 429, r.statusCode() + " " + r.body());
            refused = r.statusCode() == 429 ? r : null;
        }
        assertTrue(refused != null, "no 429 in " + answers.size() + " calls");
        assertTrue(answers.size() > PER_KEY, "the first " + PER_KEY + " calls of a second pass");
        assertTrue(error(refused).startsWith("too many requests"), refused.body());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(1, retryAfter, "budgets refill every second");
        // other keys have their own budget
        assertEquals(200, call("GET", "/api/sampling", READ_KEY).statusCode());
        TestAgent.sleep(retryAfter * 1000 + 100);
        assertEquals(200, call("GET", "/api/sampling", BURST_KEY).statusCode(), "budget refilled after Retry-After");
    }

    /** A raw HTTP/1.1 GET from another loopback address (127.0.0.2); the status code. */
    private static int getFrom(String localAddress, String path, String key) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(localAddress, 0));
            s.connect(new InetSocketAddress("127.0.0.1", AGENT.http), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void perAddressBudgetComesBeforeTheKeyCheck() throws Exception {
        String guesser = "127.0.0.2";
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger unauthorized = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int worker = i;
                calls.add(pool.submit(() -> {
                    for (int n = 0; n < 150 && refused.get() < 20; n++) {
                        int status = getFrom(guesser, "/api/services", "guess-" + worker + "-" + n);
                        assertTrue(status == 401 || status == 429, "status " + status);
                        (status == 429 ? refused : unauthorized).incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : calls) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(refused.get() >= 20, "a client guessing keys is slowed down: " + refused + " refused, "
                + unauthorized + " checked");
        assertEquals(200, call("GET", "/api/services", READ_KEY).statusCode(), "other addresses keep their budget");
        String metrics = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/metrics")).GET()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("opa_api_denied_total{status=\"429\"}")
                && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 20), "429s counted");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("opa_api_denied_total{status=\"401\"}")), "401s counted");
        TestAgent.sleep(200);
        assertTrue(auditLines().stream().anyMatch(l -> l.get("remote").asText().equals(guesser)
                && l.get("status").asInt() == 429), "refused calls are audited with their address");
    }

    @Test
    void auditLogHasOneLinePerRequestWithKeyIdsNeverKeys() throws Exception {
        String marker = "/api/traces/" + TestIds.newTraceId();
        assertEquals(404, call("GET", marker, READ_KEY).statusCode());
        assertEquals(403, call("PUT", "/api/sampling", READ_KEY).statusCode());
        assertEquals(401, call("GET", marker + "?token=" + ADMIN_KEY, "wrong").statusCode());
        assertEquals(200, call("PUT", "/api/sampling", ADMIN_KEY).statusCode());
        TestAgent.sleep(200); // the line is written when the response has ended

        List<JsonNode> lines = auditLines();
        List<JsonNode> mine = lines.stream().filter(l -> l.get("path").asText().equals(marker)).toList();
        assertEquals(2, mine.size(), mine.toString());
        assertLine(mine.get(0), "viewer", "GET", 404);
        assertLine(mine.get(1), "-", "GET", 401);
        List<JsonNode> puts = lines.stream().filter(l -> l.get("method").asText().equals("PUT")).toList();
        assertLine(puts.get(puts.size() - 2), "viewer", "PUT", 403);
        assertLine(puts.get(puts.size() - 1), "ops", "PUT", 200);

        String all = auditText();
        for (String secret : List.of(READ_KEY, ADMIN_KEY, TestAgent.TOKEN, ApiAuth.sha256Hex(ADMIN_KEY))) {
            assertFalse(all.contains(secret), "the audit log never holds a key or its hash");
        }
    }

    @Test
    void auditLogRotatesBySize() throws Exception {
        for (int i = 0; i < 80; i++) { // ~170 bytes a line: over the 8 KB file size
            call("GET", "/api/sampling/" + "x".repeat(20), TestAgent.TOKEN);
            if (i % 20 == 19) {
                TestAgent.sleep(1000); // stay in the per-address budget
            }
        }
        Path dir = AGENT.dataDir.resolve("audit");
        assertTrue(Files.exists(dir.resolve("api-audit.1.log")), "rotated");
        assertTrue(Files.size(dir.resolve("api-audit.0.log")) <= 8192 + 512, "current file stays near its limit");
        assertFalse(Files.exists(dir.resolve("api-audit.3.log")), "at most opa.api.audit.files files");
    }

    private static void assertLine(JsonNode line, String key, String method, int status) {
        assertEquals(key, line.get("key").asText(), line.toString());
        assertEquals(method, line.get("method").asText(), line.toString());
        assertEquals(status, line.get("status").asInt(), line.toString());
        assertEquals("127.0.0.1", line.get("remote").asText(), line.toString());
        assertTrue(line.get("ms").asLong() >= 0, line.toString());
        assertTrue(line.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), line.toString());
        assertFalse(line.get("path").asText().contains("?"), "no query string: " + line);
    }

    /** Oldest first, over the rotated files. */
    private static String auditText() {
        Path dir = AGENT.dataDir.resolve("audit");
        StringBuilder text = new StringBuilder();
        for (int g = 2; g >= 0; g--) {
            Path f = dir.resolve("api-audit." + g + ".log");
            try {
                if (Files.exists(f)) {
                    text.append(Files.readString(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text.toString();
    }

    private static List<JsonNode> auditLines() {
        try (Stream<String> lines = auditText().lines()) {
            return lines.map(TestAgent::parse).toList();
        }
    }
}
