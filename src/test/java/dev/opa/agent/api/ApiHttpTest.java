package dev.opa.agent.api;

import static dev.opa.agent.testkit.TestAgent.enc;
import static dev.opa.agent.testkit.TestIds.newSpanId;
import static dev.opa.agent.testkit.TestIds.newTraceId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.TestEvents;
import dev.opa.agent.testkit.TestSpan;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST API of the real agent (application.yaml, routes/*.camel.yaml, a DuckDB file in a temp dir),
 * seeded through the TCP listener with protocol JSON lines and an LZ4 frame, called over real HTTP.
 */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiHttpTest {

    static final TestAgent AGENT = new TestAgent("api-http").withApi();
    static final String SHOP = "http-shop";
    static final long NOW = System.currentTimeMillis() - 120_000;

    final List<String> productTraces = new ArrayList<>();
    String errorTrace;
    String hostileTrace;
    boolean seeded;

    @AfterAll
    void cleanUp() {
        AGENT.clear();
    }

    @BeforeEach
    synchronized void seed() {
        if (seeded) {
            return;
        }
        List<ObjectNode> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String traceId = newTraceId();
            productTraces.add(traceId);
            TestSpan root = request(traceId, newSpanId(), null, SHOP, "GET /products/{id}", NOW + i * 100L, 10 + i, "ok")
                    .tag("env", i % 2 == 0 ? "prod" : "dev");
            TestSpan child = request(traceId, newSpanId(), root.spanId(), "http-catalog", "GET /api/products/{id}",
                    NOW + i * 100L + 1, 5, "ok");
            if (i == 0) {
                String[] loop = new String[12];
                for (int n = 0; n < loop.length; n++) {
                    loop[n] = "SELECT * FROM products WHERE id = " + (n + 1);
                }
                child.sql("mysql", 1.5, loop);
            } else {
                child.sql("mysql", 1.5, "SELECT * FROM products WHERE id = " + i);
            }
            if (i == 1) {
                root.httpCall("POST", "https://api.payments.test/v1/charges/12345", 502, 80);
            }
            lines.add(child.message());
            lines.add(root.message());
        }
        hostileTrace = newTraceId();
        lines.add(request(hostileTrace, newSpanId(), null, SHOP, "GET /x' OR '1'='1", NOW + 5000, 3, "ok")
                .sql("mysql", 1.5, "SELECT 1 FROM t WHERE n = '; DROP TABLE spans_min; --'").message());
        AGENT.sendLines(lines);

        errorTrace = newTraceId();
        TestSpan failing = request(errorTrace, newSpanId(), null, SHOP, "POST /checkout", NOW + 6000, 250, "error")
                .dump(NOW + 6001, "/app/index.php", 12, "{\"user\":7}", "cart before payment");
        AGENT.sendLz4Frame(List.of(failing.message(),
                TestEvents.errorMessage(errorTrace, failing.spanId(), SHOP, NOW + 6100, "RuntimeException",
                        "Payment gateway timeout", "/app/src/Cart.php", 42),
                log(errorTrace, NOW + 6050, "WARNING", "retrying payment"),
                log(errorTrace, NOW + 6040, "DEBUG", "cart loaded")));
        AGENT.await("/api/traces?service=" + SHOP, r -> r.get("total").asLong() == 22);
        AGENT.await("/api/logs?service=" + SHOP, r -> r.get("total").asLong() == 2);
        seeded = true;
    }

    @Test
    void serviceFiguresEndpointsAndTimeSeriesCountEveryRequestOfTheService() {
        JsonNode shop = find(AGENT.json("/api/services").get("items"), "service", SHOP);
        assertEquals(22.0, shop.get("requests").asDouble());
        assertEquals(1.0, shop.get("errors").asDouble());
        assertEquals(1.0 / 22, shop.get("error_rate").asDouble(), 1e-9);
        assertEquals(250.0, shop.get("p99_ms").asDouble());
        JsonNode endpoints = AGENT.json("/api/services/" + SHOP + "/endpoints?sort=requests").get("items");
        assertEquals("GET /products/{id}", endpoints.get(0).get("name").asText());
        assertEquals(20.0, endpoints.get(0).get("requests").asDouble());
        assertEquals(19.0, endpoints.get(0).get("p50_ms").asDouble(), "10..29 ms: the 10th of 20 is 19");
        JsonNode series = AGENT.json("/api/services/" + SHOP + "/timeseries?interval=10");
        assertEquals(10, series.get("interval").asInt());
        double requests = 0;
        for (JsonNode point : series.get("items")) {
            requests += point.get("requests").asDouble();
            assertEquals(0, point.get("ts").asLong() % 10_000);
        }
        assertEquals(22.0, requests);
    }

    @Test
    void traceSearchFiltersSortsAndPages() {
        assertEquals(1, AGENT.json("/api/traces?status=error&service=" + SHOP).get("total").asInt());
        assertEquals(10, AGENT.json("/api/traces?service=" + SHOP + "&tag=env:prod").get("total").asInt());
        assertEquals(0, AGENT.json("/api/traces?tag=env:prod&tag=env:dev").get("total").asInt());
        assertEquals(40, AGENT.json("/api/traces?q=" + enc("products where ID")).get("total").asInt(),
                "free text reaches the SQL of child spans; each service's request of the trace is a row");
        assertEquals(20, AGENT.json("/api/traces?service=http-catalog").get("total").asInt(),
                "a downstream service's requests (entry spans of continued traces) are listed");
        assertEquals(20, AGENT.json("/api/traces?service=" + SHOP + "&q=" + enc("products where ID")).get("total")
                .asInt());
        assertEquals(1, AGENT.json("/api/traces?q=" + enc("gateway TIMEOUT")).get("total").asInt(),
                "free text reaches error messages");
        JsonNode slowest = AGENT.json("/api/traces?service=" + SHOP + "&sort=duration&order=desc&limit=2").get("items");
        assertEquals(errorTrace, slowest.get(0).get("trace_id").asText());
        assertEquals(productTraces.get(19), slowest.get(1).get("trace_id").asText());
        assertEquals(2, slowest.get(1).get("span_count").asInt());
        JsonNode band = AGENT.json("/api/traces?service=" + SHOP + "&min_ms=20&max_ms=24.5&sort=duration&order=asc");
        assertEquals(5, band.get("total").asInt());
        assertEquals(20.0, band.get("items").get(0).get("duration_ms").asDouble());
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < 22; offset += 5) {
            AGENT.json("/api/traces?service=" + SHOP + "&limit=5&offset=" + offset).get("items")
                    .forEach(t -> paged.add(t.get("trace_id").asText()));
        }
        assertEquals(22, paged.size());
        assertEquals(22, paged.stream().distinct().count(), "paging neither repeats nor skips");
    }

    @Test
    void hostileFiltersAreSearchedLiterally() {
        JsonNode hit = AGENT.json("/api/traces?q=" + enc("' OR '1'='1")).get("items");
        assertEquals(1, hit.size());
        assertEquals(hostileTrace, hit.get(0).get("trace_id").asText());
        JsonNode drop = AGENT.json("/api/traces?q=" + enc("'; DROP TABLE spans_min; --")).get("items");
        assertEquals(List.of(hostileTrace), ids(drop));
        assertEquals(0, AGENT.json("/api/traces?q=" + enc("%") + "&service=" + enc("x' OR 1=1 --")).get("total").asInt());
        assertEquals(0, AGENT.json("/api/logs?q=" + enc("_%")).get("total").asInt(), "LIKE wildcards are literal");
        assertEquals(0, AGENT.json("/api/traces?q=%00%FF" + enc("\u2028")).get("total").asInt(), "odd bytes are text too");
        assertEquals(22, AGENT.json("/api/traces?service=" + SHOP).get("total").asInt(), "store intact");
    }

    @Test
    void aTraceComesBackWithItsSpansParsedRecordsErrorsAndLogsAndAnUnknownOneIs404() {
        JsonNode trace = AGENT.json("/api/traces/" + productTraces.get(0));
        assertEquals(2, trace.get("spans").size());
        JsonNode child = find(trace.get("spans"), "service", "http-catalog");
        assertEquals(12, child.get("sql").size());
        assertTrue(child.get("sql").isArray(), "detail columns are JSON, not strings");
        JsonNode failing = AGENT.json("/api/traces/" + errorTrace);
        assertEquals("Payment gateway timeout", failing.get("errors").get(0).get("error_message").asText());
        assertEquals(1, failing.get("errors").get(0).get("stack_trace").size());
        assertEquals(List.of("cart loaded", "retrying payment"),
                Stream.of(failing.get("logs").get(0), failing.get("logs").get(1)).map(l -> l.get("message").asText()).toList());
        assertEquals(1, failing.get("spans").get(0).get("dumps").size());
        assertEquals(404, AGENT.get("/api/traces/" + newTraceId()).statusCode());
    }

    @Test
    void traceSqlRecordsCarryTheFingerprintAndThresholdTheSqlPageUses() {
        JsonNode trace = AGENT.json("/api/traces/" + productTraces.get(0));
        JsonNode records = find(trace.get("spans"), "service", "http-catalog").get("sql");
        JsonNode group = AGENT.json("/api/sql?sort=count&service=http-catalog").get("items").get(0);
        for (JsonNode r : records) {
            assertEquals(group.get("fingerprint").asText(), r.get("fingerprint").asText(), r.toString());
            assertEquals(group.get("normalized").asText(), r.get("normalized").asText());
        }
        JsonNode runs = AGENT.json("/api/sql/n-plus-one");
        assertEquals(10, runs.get("threshold").asInt());
        assertEquals(runs.get("threshold").asInt(), trace.get("n_plus_one_threshold").asInt());
        assertEquals(3, AGENT.json("/api/sql/n-plus-one?threshold=3").get("threshold").asInt());
    }

    @Test
    void attachedStackIsReadBackAndAnUnreadableStoredStackIsExplainedNotA500() throws Exception {
        String traceId = newTraceId();
        ObjectNode root = request(traceId, newSpanId(), null, "attached-shop", "GET /big", NOW + 7000, 40, "ok").message();
        StringBuilder stack = new StringBuilder("[");
        java.util.Random random = new java.util.Random(3);
        for (int n = 0; n < 400; n++) { // random names: well over the inline size even compressed, so in a segment file
            stack.append(n == 0 ? "" : ",").append("{\"call_id\":\"").append(String.format("%016x", n + 1))
                    .append("\",\"parent_id\":").append(n == 0 ? "null" : "\"0000000000000001\"")
                    .append(",\"function\":\"f").append(Long.toHexString(random.nextLong())).append("\",\"depth\":")
                    .append(n == 0 ? 0 : 1).append(",\"duration_ms\":0.5}");
        }
        stack.append("]");
        AGENT.sendAttached(List.of(root), stack.toString());
        AGENT.await("/api/traces?service=attached-shop", r -> r.get("total").asLong() == 1);
        JsonNode span = AGENT.json("/api/traces/" + traceId).get("spans").get(0);
        assertEquals(400, span.get("stack").size());
        assertEquals(JsonColumns.mapper().readTree(stack.toString()), span.get("stack"));
        assertFalse(span.has("stack_error"));

        // the newest segment file ends with this stack: corrupt its block, keep its declared length
        java.nio.file.Path segment;
        try (Stream<java.nio.file.Path> files = Files.walk(AGENT.dataDir)) {
            segment = files.filter(f -> f.toString().endsWith(".seg"))
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified())).orElseThrow();
        }
        byte[] packed = dev.opa.agent.model.StackCodec.encode(stack.toString());
        byte[] content = Files.readAllBytes(segment);
        assertArrayEquals(packed, java.util.Arrays.copyOfRange(content, content.length - packed.length, content.length),
                "stored exactly as sent");
        java.util.Arrays.fill(content, content.length - packed.length + 4, content.length, (byte) 0xF0);
        Files.write(segment, content);
        HttpResponse<String> answer = AGENT.get("/api/traces/" + traceId);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode broken = JsonColumns.mapper().readTree(answer.body()).get("spans").get(0);
        assertTrue(broken.get("stack").isNull());
        assertTrue(broken.get("stack_error").asText().contains("unreadable"), broken.get("stack_error").asText());
        assertEquals("GET /big", broken.get("name").asText(), "the rest of the trace is still there");
    }

    @Test
    void statementsGroupByFingerprintAndOneRunAtLeastThresholdTimesInATraceIsNPlusOne() {
        JsonNode runs = AGENT.json("/api/sql/n-plus-one?threshold=10").get("items");
        assertEquals(1, runs.size());
        assertEquals(productTraces.get(0), runs.get(0).get("trace_id").asText());
        assertEquals(12, runs.get(0).get("count").asInt());
        JsonNode top = AGENT.json("/api/sql?sort=count&service=http-catalog").get("items").get(0);
        assertEquals("SELECT * FROM products WHERE id = ?", top.get("normalized").asText());
        assertEquals(31.0, top.get("count").asDouble());
        assertEquals(1, top.get("n_plus_one_traces").asInt());
        assertEquals("http-catalog", top.get("services").get(0).asText());
        assertEquals(0, AGENT.json("/api/sql/n-plus-one?threshold=13").get("total").asInt());
    }

    @Test
    void outgoingCallsErrorsLogsAndDumpsAreGroupedAndFilteredAndStatsCountTheStore() {
        JsonNode call = AGENT.json("/api/http").get("items").get(0);
        assertEquals("api.payments.test", call.get("host").asText());
        assertEquals("/v1/charges/{id}", call.get("path_template").asText());
        assertEquals(1.0, call.get("errors").asDouble());
        JsonNode group = AGENT.json("/api/errors?service=" + SHOP).get("items").get(0);
        assertEquals("RuntimeException", group.get("error_type").asText());
        assertEquals(errorTrace, group.get("sample_trace_ids").get(0).asText());
        JsonNode instances = AGENT.json("/api/errors/" + enc(group.get("fingerprint").asText()));
        assertEquals(1, instances.get("total").asInt());
        assertEquals(List.of("retrying payment"), messages(AGENT.json("/api/logs?level=warning&service=" + SHOP)));
        assertEquals(List.of("retrying payment", "cart loaded"), messages(AGENT.json("/api/logs?trace_id=" + errorTrace)));
        JsonNode dump = AGENT.json("/api/dumps?trace_id=" + errorTrace).get("items").get(0);
        assertEquals("cart before payment", dump.get("text").asText());
        JsonNode stats = AGENT.json("/api/stats");
        assertTrue(stats.get("spans_stored").asLong() >= 42, stats.toString());
        assertTrue(stats.get("store_bytes").asLong() > 0, stats.toString());
        assertTrue(stats.get("ingest").has("spans_per_sec"));
        assertTrue(stats.get("ingest").get("spans_received").asLong() >= 42, stats.toString());
        assertTrue(stats.get("ingest").get("frames_received").asLong() > 0, stats.toString());
    }

    @Test
    void badParametersAnswer400WithAReason() {
        for (String url : List.of("/api/services?from=yesterday", "/api/services?from=10&to=5",
                "/api/services?from=0&to=" + Long.MAX_VALUE, "/api/logs?to=99999999999999999999",
                "/api/services/" + SHOP + "/timeseries?interval=0", "/api/services/" + SHOP + "/endpoints?sort=evil",
                "/api/traces?limit=100000", "/api/traces?offset=-3", "/api/traces?sort=" + enc("duration; DROP TABLE x"),
                "/api/traces?order=up", "/api/traces?min_ms=abc", "/api/traces?status=weird", "/api/traces?tag=" + enc("a b:c"),
                "/api/traces/" + enc("' OR 1=1"), "/api/sql?sort=rows", "/api/sql/n-plus-one?threshold=x",
                "/api/logs?level=shout", "/api/dumps?trace_id=zz", "/api/live?types=metrics")) {
            HttpResponse<String> r = AGENT.get(url);
            assertEquals(400, r.statusCode(), url + " -> " + r.body());
            assertFalse(TestAgent.parse(r.body()).get("error").asText().isBlank(), url);
        }
        HttpResponse<String> badBody = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/api/sampling"))
                .header("Authorization", "Bearer " + TestAgent.TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"rate\": 7}")));
        assertEquals(400, badBody.statusCode(), badBody.body());
        String metrics = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/metrics")).GET()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("opa_api_failures_total{") && l.contains("status=\"400\"")),
                "rejected calls are counted on /metrics");
    }

    @Test
    void tokenIsRequired() {
        assertEquals(401, AGENT.call(HttpRequest.newBuilder(AGENT.uri("/api/services")).GET()).statusCode());
        HttpResponse<String> wrong = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/api/traces"))
                .header("Authorization", "Bearer not-" + TestAgent.TOKEN).GET());
        assertEquals(401, wrong.statusCode());
        assertEquals("unauthorized", TestAgent.parse(wrong.body()).get("error").asText());
        assertEquals(401, AGENT.call(HttpRequest.newBuilder(AGENT.uri("/api/live?token=nope")).GET()).statusCode());
        assertEquals(200, AGENT.get("/api/services").statusCode());
        assertNotEquals(401, AGENT.call(HttpRequest.newBuilder(AGENT.uri("/metrics")).GET()).statusCode());
    }

    @Test
    void liveStreamDeliversANewTrace() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(AGENT.uri("/api/live?types=trace,error&token=" + TestAgent.TOKEN))
                .GET().build();
        CompletableFuture<HttpResponse<Stream<String>>> stream =
                AGENT.client().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> response = stream.get(10, TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Thread reader = new Thread(() -> response.body().forEach(lines::add), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        assertEquals(": connected", lines.poll(10, TimeUnit.SECONDS));
        String traceId = newTraceId();
        AGENT.sendLines(List.of(request(traceId, newSpanId(), null, "live-svc", "GET /live", System.currentTimeMillis(), 4, "ok").message()));
        String event = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.startsWith("data: ") && line.contains(traceId)) {
                event = line;
                break;
            }
        }
        assertTrue(event != null, "no live event for " + traceId + "; received " + lines);
        JsonNode data = TestAgent.parse(event.substring("data: ".length()));
        assertEquals("GET /live", data.get("name").asText());
        assertEquals(1, data.get("span_count").asInt());
        String metrics = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/metrics")).GET()).body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("opa_api_live_clients") && l.endsWith(" 1.0")), metrics);
        response.body().close();
    }

    @Test
    void aLowerSamplingRateWeightsWhatItKeepsAndAKeepMarkSavesATraceFromRateZero() {
        assertEquals(1.0, AGENT.json("/api/sampling").get("rate").asDouble());
        try {
            assertEquals(0.5, putRate(0.5));
            String service = "sampled-svc";
            List<ObjectNode> lines = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                lines.add(request(newTraceId(), newSpanId(), null, service, "GET /s", NOW + i, 5, "ok").message());
            }
            String marker = newTraceId();
            lines.add(request(marker, newSpanId(), null, service, "GET /s", NOW + 100, 5, "error").message());
            AGENT.sendLines(lines);
            AGENT.await("/api/traces?status=error&service=" + service, r -> r.get("total").asInt() == 1);
            TestAgent.sleep(500);
            int keptOk = AGENT.json("/api/traces?status=ok&service=" + service).get("total").asInt();
            assertTrue(keptOk > 0 && keptOk < 60, "rate 0.5 kept " + keptOk + " of 60");
            JsonNode red = find(AGENT.json("/api/services").get("items"), "service", service);
            assertEquals(2.0 * keptOk + 1, red.get("requests").asDouble(), "a trace kept at rate 0.5 counts twice");

            assertEquals(0.0, putRate(0.0));
            String kept = newTraceId();
            String dropped = newTraceId();
            HttpResponse<String> keep = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/api/traces/" + kept + "/keep"))
                    .header("Authorization", "Bearer " + TestAgent.TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, keep.statusCode(), keep.body());
            assertTrue(TestAgent.parse(keep.body()).get("kept").asBoolean());
            String marker2 = newTraceId();
            AGENT.sendLines(List.of(request(kept, newSpanId(), null, "keep-svc", "GET /k", NOW, 5, "ok").message(),
                    request(dropped, newSpanId(), null, "keep-svc", "GET /k", NOW, 5, "ok").message(),
                    request(marker2, newSpanId(), null, "keep-svc", "GET /k", NOW, 5, "error").message()));
            AGENT.await("/api/traces?status=error&service=keep-svc", r -> r.get("total").asInt() == 1);
            TestAgent.sleep(500);
            assertEquals(List.of(kept), ids(AGENT.json("/api/traces?status=ok&service=keep-svc").get("items")));
        } finally {
            putRate(1.0);
        }
    }

    @Test
    void theDashboardIsServedForDeepLinksAndItsFilesUnchanged() throws Exception {
        Files.writeString(AGENT.uiDir().resolve("index.html"), "<!doctype html><title>OPA test index</title>");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, (byte) 0xff, (byte) 0xfe, 7};
        Files.write(AGENT.uiDir().resolve("logo.png"), png);
        HttpResponse<String> deepLink = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/traces/" + errorTrace)).GET());
        assertEquals(200, deepLink.statusCode());
        assertTrue(deepLink.body().contains("OPA test index"));
        assertTrue(deepLink.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(AGENT.call(HttpRequest.newBuilder(AGENT.uri("/")).GET()).body().contains("OPA test index"));
        HttpResponse<byte[]> file = AGENT.client().send(HttpRequest.newBuilder(AGENT.uri("/logo.png")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, file.statusCode());
        assertArrayEquals(png, file.body(), "binary files are served unchanged");
        HttpResponse<String> unknownApi = AGENT.get("/api/no-such-endpoint");
        assertEquals(404, unknownApi.statusCode());
        assertFalse(unknownApi.body().contains("OPA test index"));
    }

    private static double putRate(double rate) {
        HttpResponse<String> r = AGENT.call(HttpRequest.newBuilder(AGENT.uri("/api/sampling"))
                .header("Authorization", "Bearer " + TestAgent.TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"rate\": " + rate + "}", StandardCharsets.UTF_8)));
        assertEquals(200, r.statusCode(), r.body());
        return TestAgent.parse(r.body()).get("rate").asDouble();
    }

    private static JsonNode find(JsonNode items, String field, String value) {
        for (JsonNode item : items) {
            if (value.equals(item.get(field).asText())) {
                return item;
            }
        }
        throw new AssertionError("no item with " + field + "=" + value + " in " + items);
    }

    private static List<String> ids(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("trace_id").asText()));
        return out;
    }

    private static List<String> messages(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("items").forEach(i -> out.add(i.get("message").asText()));
        return out;
    }

    /** A request span as the extension reports it, with its request tags (uri with a query, host shop.test). */
    private static TestSpan request(String traceId, String spanId, String parentId, String service, String name,
            long startMs, double durationMs, String status) {
        return TestSpan.request(traceId, spanId, service, name, startMs, durationMs, status).parent(parentId)
                .requestTags(name.substring(name.indexOf(' ') + 1) + "?page=2", "shop.test");
    }

    private static ObjectNode log(String traceId, long atMs, String level, String message) {
        return TestEvents.logMessage(traceId, SHOP, atMs, level, message, TestSpan.JSON.createObjectNode().put("user", 7));
    }
}
