package dev.opa.agent.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opa.agent.model.StackCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The agent under test in this JVM (a {@code @CamelMainTest} class): free ports, a fresh data directory and socket
 * path handed to it as -D system properties (which override application.yaml), plus what a test does with it —
 * send protocol frames over TCP and call the API. Create it in a static initialiser, before the Camel context of the
 * test class starts; {@link #clear()} afterwards. (A child JVM running the agent's Main: {@link AgentProcess}.)
 */
public final class TestAgent {

    /** The API token {@link #withApi()} sets. */
    public static final String TOKEN = "test-token-4711";

    public final int tcp;
    public final int http;
    public final Path dataDir;
    public final Path socket;
    private final List<String> keys = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestAgent(String name) {
        tcp = freePort();
        http = freePort();
        dataDir = Path.of("target/it", name).toAbsolutePath();
        Cleanup.dataDir(dataDir.toString());
        socket = dataDir.resolve("opa.sock");
        set("opa.data.dir", dataDir.toString());
        set("opa.socket.path", socket.toString());
        set("opa.tcp.listen", "127.0.0.1:" + tcp);
        set("opa.http.port", String.valueOf(http));
    }

    /** One more -D override (cleared by {@link #clear()}). */
    public TestAgent set(String key, String value) {
        System.setProperty(key, value);
        keys.add(key);
        return this;
    }

    /**
     * What the API tests run with: data through the pipeline in a few hundred ms (tail grace 200 ms, batches every
     * 100 ms), the API token {@link #TOKEN}, and the dashboard served from {@link #uiDir()}.
     */
    public TestAgent withApi() {
        try {
            Files.createDirectories(uiDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return set("opa.tail.grace-ms", "200").set("opa.batch.interval-ms", "100")
                .set("opa.batch.max-interval-ms", "100").set("opa.api.token", TOKEN)
                .set("opa.http.static-dir", uiDir().toString());
    }

    public Path uiDir() {
        return dataDir.resolve("ui");
    }

    public void clear() {
        keys.forEach(System::clearProperty);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends JSON lines over one TCP connection, like an extension that keeps its connection open. */
    public void sendLines(List<? extends JsonNode> messages) {
        StringBuilder lines = new StringBuilder();
        messages.forEach(m -> lines.append(m.toString()).append('\n'));
        send(Wire.utf8(lines.toString()));
    }

    /** Sends the messages as one LZ4 frame (docs/protocol.md §2). */
    public void sendLz4Frame(List<? extends JsonNode> messages) {
        StringBuilder lines = new StringBuilder();
        messages.forEach(m -> lines.append(m.toString()).append('\n'));
        send(Wire.lz4Frame(lines.toString()));
    }

    /**
     * Sends the messages as a span with an attached stack (docs/protocol.md §2.1): the messages as the envelope (the
     * last one the span), the stack's JSON as u32 LE length + LZ4 block.
     */
    public void sendAttached(List<? extends JsonNode> messages, String stackJson) {
        StringBuilder lines = new StringBuilder();
        messages.forEach(m -> lines.append(m.toString()).append('\n'));
        send(Wire.attached(Wire.utf8(lines.toString()), StackCodec.encode(stackJson)));
    }

    private void send(byte[] bytes) {
        try {
            Wire.sendOnce(Wire.tcp(tcp), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + http + pathAndQuery);
    }

    /** GET with the token. */
    public HttpResponse<String> get(String pathAndQuery) {
        return call(HttpRequest.newBuilder(uri(pathAndQuery)).header("Authorization", "Bearer " + TOKEN).GET());
    }

    public HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpClient client() {
        return client;
    }

    /** GET with the token, expecting 200, parsed. */
    public JsonNode json(String pathAndQuery) {
        HttpResponse<String> r = get(pathAndQuery);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " -> " + r.statusCode() + " " + r.body());
        }
        return parse(r.body());
    }

    public static JsonNode parse(String body) {
        try {
            return TestSpan.JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** Polls a GET until the answer satisfies the condition (data passes tail grace and batching first). */
    public JsonNode await(String pathAndQuery, Predicate<JsonNode> done) {
        return Await.until(pathAndQuery, () -> json(pathAndQuery), done, 30_000);
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
