package dev.opa.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * The real agent's addresses for a test (a temp data dir, free ports, -D overrides that application.yaml's
 * loader honours) plus the two things a test does with it: send protocol frames over TCP and call the API.
 */
final class AgentUnderTest {

    static final String TOKEN = "test-token-4711";
    static final ObjectMapper JSON = new ObjectMapper();

    final Path dataDir;
    final Path uiDir;
    final int httpPort;
    final int tcpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> keys = List.of("opa.data.dir", "opa.http.port", "opa.tcp.listen", "opa.socket.path",
            "opa.tail.grace-ms", "opa.batch.interval-ms", "opa.api.token", "opa.http.static-dir");

    AgentUnderTest() {
        try {
            dataDir = Files.createTempDirectory("opa-api-test");
            uiDir = Files.createDirectories(dataDir.resolve("ui"));
            httpPort = freePort();
            tcpPort = freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty("opa.data.dir", dataDir.toString());
        System.setProperty("opa.http.port", String.valueOf(httpPort));
        System.setProperty("opa.tcp.listen", "127.0.0.1:" + tcpPort);
        System.setProperty("opa.socket.path", dataDir.resolve("opa.sock").toString());
        System.setProperty("opa.tail.grace-ms", "200");
        System.setProperty("opa.batch.interval-ms", "100");
        System.setProperty("opa.api.token", TOKEN);
        System.setProperty("opa.http.static-dir", uiDir.toString());
    }

    void clearProperties() {
        keys.forEach(System::clearProperty);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Sends JSON lines over one TCP connection, like an extension that keeps its connection open. */
    void sendLines(List<? extends JsonNode> messages) {
        StringBuilder lines = new StringBuilder();
        messages.forEach(m -> lines.append(m.toString()).append('\n'));
        send(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the messages as one LZ4 frame (protocol §2). */
    void sendLz4Frame(List<? extends JsonNode> messages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream lz4 = new LZ4FrameOutputStream(bytes)) {
            for (JsonNode m : messages) {
                lz4.write((m.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        send(bytes.toByteArray());
    }

    /**
     * Sends the messages as a span with an attached stack (docs/protocol.md): the messages as the envelope (the
     * last one the span), the stack's JSON as u32 LE length + LZ4 block.
     */
    void sendAttached(List<? extends JsonNode> messages, String stackJson) {
        StringBuilder lines = new StringBuilder();
        messages.forEach(m -> lines.append(m.toString()).append('\n'));
        send(dev.opa.agent.it.Wire.attached(lines.toString().getBytes(StandardCharsets.UTF_8),
                dev.opa.agent.model.StackCodec.encode(stackJson)));
    }

    private void send(byte[] bytes) {
        try (Socket socket = new Socket("127.0.0.1", tcpPort); OutputStream out = socket.getOutputStream()) {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    HttpResponse<String> get(String pathAndQuery) {
        return call(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + TOKEN).GET());
    }

    HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient client() {
        return http;
    }

    /** GET with the token, expecting 200, parsed. */
    JsonNode json(String pathAndQuery) {
        HttpResponse<String> r = get(pathAndQuery);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " -> " + r.statusCode() + " " + r.body());
        }
        return parse(r.body());
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** Polls a GET until the answer satisfies the condition (data passes tail grace and batching first). */
    JsonNode await(String pathAndQuery, Predicate<JsonNode> done) {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            last = json(pathAndQuery);
            if (done.test(last)) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError("timed out waiting on " + pathAndQuery + ", last answer: " + last);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
