package dev.opa.agent.api;

import static dev.opa.agent.testkit.TestIds.newTraceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.TestEvents;
import dev.opa.agent.testkit.TestIds;
import dev.opa.agent.testkit.TestSpan;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the PHP extension sends beyond spans' SQL and HTTP records reaches the API (docs/protocol.md §3.1, §6):
 * file I/O records, the RED tags of unsampled requests' summaries, and the tenant of log messages. The real agent
 * (routes, DuckDB file) fed over TCP, read over HTTP.
 */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtensionDataApiTest {

    static final TestAgent AGENT = new TestAgent("extension-data").withApi();
    static final long NOW = System.currentTimeMillis() - 60_000;

    @AfterAll
    void cleanUp() {
        AGENT.clear();
    }

    @Test
    void fileIoRecordsReachTheTraceApi() {
        String traceId = newTraceId();
        ObjectNode root = request(traceId, "io-svc", "GET /report", NOW, 30, "ok").message();
        ObjectNode record = root.putArray("file_io").addObject().put("operation", "file_get_contents")
                .put("path", "/var/www/cache/report.json").put("bytes", 5000).put("duration_ms", 2.5)
                .put("start_ts", NOW + 3);
        ObjectNode node = root.putArray("stack").addObject().put("call_id", "0000000000000001").putNull("parent_id")
                .put("function", "{main}").put("start_ts", NOW).put("duration_ms", 30);
        node.putObject("file_io").put("operations", 1).put("bytes", 5000).put("duration_ms", 2.5);
        node.putArray("file_operations").add(record.deepCopy());
        String plain = newTraceId();
        AGENT.sendLz4Frame(List.of(root, request(plain, "io-svc", "GET /plain", NOW, 3, "ok").message()));
        AGENT.await("/api/traces?service=io-svc", r -> r.get("total").asInt() == 2);

        JsonNode span = AGENT.json("/api/traces/" + traceId).get("spans").get(0);
        JsonNode stored = span.get("file_io");
        assertTrue(stored.isArray(), "file_io is JSON, not text: " + span);
        assertEquals(1, stored.size());
        assertEquals("file_get_contents", stored.get(0).get("operation").asText());
        assertEquals("/var/www/cache/report.json", stored.get(0).get("path").asText());
        assertEquals(5000, stored.get(0).get("bytes").asLong());
        assertEquals(2.5, stored.get(0).get("duration_ms").asDouble());
        JsonNode call = span.get("stack").get(0);
        assertEquals(5000, call.get("file_io").get("bytes").asLong(), "per call node, in the stored stack");
        assertEquals(1, call.get("file_operations").size());
        assertEquals(0, AGENT.json("/api/traces/" + plain).get("spans").get(0).get("file_io").size(),
                "a span without file I/O has an empty list");
    }

    /**
     * Three sampled requests with their records (2 statements of 1.5 ms, 1 call of 80 ms) and five unsampled ones
     * whose summaries carry only the RED tags (4 statements, 6 ms; 1 call, 20.5 ms): the service figures count both.
     */
    @Test
    void serviceFiguresCountSqlAndHttpOfSampledAndUnsampledRequests() {
        String service = "red-mix";
        List<ObjectNode> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode sampled = request(newTraceId(), service, "GET /cart", NOW + i, 100, "ok")
                    .sql("mysql", 1.5, "SELECT * FROM cart WHERE id = " + i, "SELECT * FROM items WHERE cart = " + i)
                    .httpCall("GET", "https://stock.test/items/" + i, 200, 80).message();
            red(sampled, "true", 2, "3.000", 1, "80.000");
            lines.add(sampled);
        }
        List<String> summaries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String traceId = newTraceId();
            summaries.add(traceId);
            ObjectNode summary = request(traceId, service, "GET /cart", NOW + 10 + i, 50, "ok").message();
            red(summary, "false", 4, "6.000", 1, "20.500");
            lines.add(summary);
        }
        AGENT.sendLines(lines);
        AGENT.await("/api/traces?service=" + service, r -> r.get("total").asInt() == 8);

        JsonNode red = find(AGENT.json("/api/services").get("items"), "service", service);
        assertEquals(8.0, red.get("requests").asDouble());
        assertEquals((3 * 2 + 5 * 4) / 8.0, red.get("sql_per_request").asDouble(), 1e-9);
        assertEquals((3 * 3.0 + 5 * 6.0) / 8.0, red.get("sql_ms_per_request").asDouble(), 1e-6);
        assertEquals(1.0, red.get("http_per_request").asDouble(), 1e-9);
        assertEquals((3 * 80.0 + 5 * 20.5) / 8.0, red.get("http_ms_per_request").asDouble(), 1e-6);
        JsonNode endpoint = find(AGENT.json("/api/services/" + service + "/endpoints").get("items"), "name", "GET /cart");
        assertEquals(red.get("sql_per_request").asDouble(), endpoint.get("sql_per_request").asDouble(), 1e-9);
        assertEquals(red.get("http_ms_per_request").asDouble(), endpoint.get("http_ms_per_request").asDouble(), 1e-6);

        for (JsonNode t : AGENT.json("/api/traces?service=" + service + "&limit=20").get("items")) {
            boolean summary = summaries.contains(t.get("trace_id").asText());
            assertEquals(summary ? 4 : 2, t.get("sql_count").asInt(), t.toString());
            assertEquals(1, t.get("http_count").asInt(), t.toString());
        }
        JsonNode detail = AGENT.json("/api/traces/" + summaries.get(0)).get("spans").get(0);
        assertEquals(4, detail.get("sql_count").asInt());
        assertEquals(6.0, detail.get("sql_ms").asDouble(), 1e-6);
        assertEquals(20.5, detail.get("http_ms").asDouble(), 1e-6);
    }

    @Test
    void logsAreStoredUnderTheirTenant() {
        String traceId = newTraceId();
        ObjectNode root = request(traceId, "tenant-svc", "GET /t", NOW, 5, "ok").message();
        ((ObjectNode) root.get("tags")).put("organization_id", "acme").put("project_id", "shop");
        ObjectNode log = log(traceId, NOW + 1, "ERROR", "payment failed");
        log.put("organization_id", "acme").put("project_id", "shop");
        ObjectNode fromFields = log(traceId, NOW + 2, "INFO", "tenant in fields");
        ((ObjectNode) fromFields.get("fields")).put("organization_id", "acme").put("project_id", "shop");
        AGENT.sendLines(List.of(root, log, fromFields));

        String tenant = "org=acme&project=shop";
        JsonNode logs = AGENT.await("/api/logs?service=tenant-svc&" + tenant, r -> r.get("total").asInt() == 2);
        assertEquals("tenant in fields", logs.get("items").get(0).get("message").asText());
        assertEquals(0, AGENT.json("/api/logs?service=tenant-svc").get("total").asInt(), "nothing in the default tenant");
        AGENT.await("/api/traces?service=tenant-svc&" + tenant, r -> r.get("total").asInt() == 1);
        JsonNode trace = AGENT.json("/api/traces/" + traceId + "?" + tenant);
        assertEquals(2, trace.get("logs").size(), "the trace view of the tenant shows its logs");
    }

    /** A request span as the extension reports it, with its request tags. */
    private static TestSpan request(String traceId, String service, String name, long startMs, double durationMs,
            String status) {
        return TestSpan.request(traceId, TestIds.newSpanId(), service, name, startMs, durationMs, status)
                .requestTags(name.substring(name.indexOf(' ') + 1) + "?page=2", "shop.test");
    }

    private static ObjectNode log(String traceId, long atMs, String level, String message) {
        return TestEvents.logMessage(traceId, "tenant-svc", atMs, level, message,
                TestSpan.JSON.createObjectNode().put("user", 7));
    }

    private static void red(ObjectNode span, String sampled, int sqlCount, String sqlMs, int httpCount, String httpMs) {
        ((ObjectNode) span.get("tags")).put("sampled", sampled).put("opa.sql_count", String.valueOf(sqlCount))
                .put("opa.sql_ms", sqlMs).put("opa.http_count", String.valueOf(httpCount)).put("opa.http_ms", httpMs);
    }

    private static JsonNode find(JsonNode items, String field, String value) {
        for (JsonNode item : items) {
            if (value.equals(item.get(field).asText())) {
                return item;
            }
        }
        throw new AssertionError("no item with " + field + "=" + value + " in " + items);
    }
}
