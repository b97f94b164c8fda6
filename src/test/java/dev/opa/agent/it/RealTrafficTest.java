package dev.opa.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.JvmLauncher;
import dev.opa.agent.testkit.AgentProcess;
import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Cleanup;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.Wire;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.junit.jupiter.api.Test;

/**
 * Real traffic through the whole agent with its default memory settings: the agent runs as its own process with
 * the JVM flags {@code java -jar} gives it ({@code JvmLauncher.DEFAULT_OPTIONS}) and application.yaml's defaults,
 * and receives the recorded WordPress and MediaWiki requests (full captures of 1,000-2,000 call nodes and root
 * summaries, exactly as the extension sent them) plus one 5 MB span with a 10,000-node call tree, 5,000 statements
 * and 2,000 cache records. Every request must come back through the REST API with its whole call tree and record
 * lists, with no store failure, an empty spool and health UP.
 */
class RealTrafficTest {

    static final int TCP = TestAgent.freePort();
    static final int HTTP = TestAgent.freePort();
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRecordedRequestAndAHugeSpanAreStoredWhole() throws Exception {
        Cleanup.dataDir("target/it/real");
        Path data = Path.of("target/it/real").toAbsolutePath();
        Path socket = data.resolve("opa.sock");
        Files.createDirectories(data);
        Map<String, Integer> expectedNodes = new LinkedHashMap<>(); // trace id -> call nodes of its root span
        Map<String, JsonNode> expectedLists = new LinkedHashMap<>(); // trace id -> its sql .. file_io lists as sent
        List<byte[]> records = new ArrayList<>();
        for (String fixture : List.of("wordpress.opa", "mediawiki.opa", "wordpress-summary.opa", "mediawiki-summary.opa")) {
            for (byte[] record : Corpus.records(fixture)) {
                JsonNode span = JSON.readTree(firstLine(record));
                expectedNodes.put(span.get("trace_id").asText(), span.path("stack").size());
                expectedLists.put(span.get("trace_id").asText(), lists(span));
                records.add(record);
            }
        }
        String hugeTrace = "5ca1ab1e" + "0".repeat(23) + "1";
        String huge = hugeSpan(hugeTrace, 10_000);
        assertTrue(huge.length() > 5_000_000, "a 5 MB span: " + huge.length());
        expectedNodes.put(hugeTrace, 10_000);
        expectedLists.put(hugeTrace, lists(JSON.readTree(huge)));

        Map<String, String> env = Map.of("OPA_SOCKET_PATH", socket.toString(), "OPA_TCP_LISTEN", "127.0.0.1:" + TCP,
                "OPA_HTTP_PORT", String.valueOf(HTTP), "OPA_DATA_DIR", data.toString());
        Process agent = AgentProcess.start(Arrays.asList(JvmLauncher.DEFAULT_OPTIONS.split("\\s+")), env,
                data.resolve("agent.log"));
        try {
            AgentProcess.awaitReady(HTTP);
            try (SocketChannel unix = Wire.unix(socket)) {
                for (byte[] record : records) {
                    Wire.write(unix, record);
                }
            }
            Wire.sendOnce(Wire.tcp(TCP), Wire.lz4Frame(huge + "\n"));
            int expected = expectedNodes.size();
            Await.until("every request stored", () -> Http.metric(HTTP, "opa_spans_stored_total"), n -> n >= expected, 60_000);
            assertEquals(expected, Http.metric(HTTP, "opa_spans_stored_total"));
            assertEquals(0.0, Http.metric(HTTP, "opa_spool_batches"), "nothing waits in the spool");
            assertEquals(200, Http.get(HTTP, "/health/ready").statusCode());
            for (Map.Entry<String, Integer> e : expectedNodes.entrySet()) {
                JsonNode trace = JSON.readTree(Http.get(HTTP, "/api/traces/" + e.getKey()).body());
                JsonNode spans = trace.get("spans");
                assertEquals(1, spans.size(), e.getKey());
                JsonNode stack = spans.get(0).get("stack");
                assertEquals((int) e.getValue(), stack == null || stack.isNull() ? 0 : stack.size(),
                        "call nodes of " + e.getKey());
                assertEquals(expectedLists.get(e.getKey()), lists(spans.get(0)), "record lists of " + e.getKey());
            }
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent stops after SIGTERM");
        }
        String log = Files.readString(data.resolve("agent.log"));
        assertTrue(!log.contains("store write failed") && !log.contains("heap of"), "no store failure, no scaled buffers:\n"
                + log.lines().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList());
    }

    /**
     * A span's record lists (absent ones as the empty list the agent stores) without the fingerprint and normalised
     * text the trace API adds to each SQL record.
     */
    static JsonNode lists(JsonNode span) {
        com.fasterxml.jackson.databind.node.ObjectNode out = JSON.createObjectNode();
        for (String list : dev.opa.agent.store.SpanStore.RECORD_LISTS) {
            JsonNode records = span.path(list).isArray() ? span.get(list).deepCopy() : JSON.createArrayNode();
            for (JsonNode r : records) {
                if (r instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    o.remove(List.of("fingerprint", "normalized"));
                }
            }
            out.set(list, records);
        }
        return out;
    }

    /** The first JSON line of a record: an LZ4 frame decompressed, or the line itself. */
    static String firstLine(byte[] record) {
        try {
            byte[] text = record.length > 4 && record[0] == 0x04 && record[1] == 0x22
                    ? new LZ4FrameInputStream(new ByteArrayInputStream(record)).readAllBytes() : record;
            String s = new String(text, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A root span with {@code nodes} call nodes, each ~500 bytes (deep file paths, as frameworks have). */
    static String hugeSpan(String traceId, int nodes) {
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder(nodes * 560);
        b.append("{\"type\":\"span\",\"trace_id\":\"").append(traceId).append("\",\"span_id\":\"00000000000000aa\",")
                .append("\"service\":\"huge\",\"name\":\"GET /huge\",\"start_ts\":").append(now)
                .append(",\"duration_ms\":900,\"cpu_ms\":800,\"tags\":{\"http_request\":{\"method\":\"GET\"}},\"stack\":[");
        String dir = "/var/www/app/vendor/acme/framework/src/Component/" + "Deeply/Nested/Namespace/".repeat(12);
        for (int i = 0; i < nodes; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"call_id\":\"").append(String.format("%016x", i + 1)).append("\",\"parent_id\":")
                    .append(i == 0 ? "null" : "\"" + String.format("%016x", (i - 1) / 4 + 1) + "\"")
                    .append(",\"function\":\"Acme\\\\Framework\\\\Handler").append(i % 97).append("::handle\",\"file\":\"")
                    .append(dir).append("Handler").append(i % 97).append(".php\",\"line\":").append(i % 500)
                    .append(",\"start_ts\":").append(now).append(",\"duration_ms\":0.25,\"cpu_ms\":0.2,\"memory_delta\":128}");
        }
        b.append("],\"sql\":[");
        for (int i = 0; i < 5_000; i++) {
            b.append(i == 0 ? "" : ",").append("{\"query\":\"SELECT * FROM wp_posts WHERE ID = ").append(i)
                    .append(" AND post_status = 'publish'\",\"db_system\":\"mysql\",\"duration_ms\":0.125,\"rows\":1}");
        }
        b.append("],\"cache\":[");
        for (int i = 0; i < 2_000; i++) {
            b.append(i == 0 ? "" : ",").append("{\"operation\":\"get\",\"key\":\"post:").append(i)
                    .append("\",\"hit\":").append(i % 2 == 0).append(",\"duration_ms\":0.01}");
        }
        return b.append("]}").toString();
    }
}
