package dev.opa.agent.it;

import static dev.opa.agent.testkit.TestIds.spanId;
import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.webRequest;
import static dev.opa.agent.testkit.Wire.concat;
import static dev.opa.agent.testkit.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.TestEvents;
import dev.opa.agent.testkit.TestSpan;
import dev.opa.agent.testkit.Wire;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole agent (application.yaml, routes/*.camel.yaml, real Unix socket and TCP listeners, real DuckDB
 * file, real HTTP): frames of every kind in, rows out, counters and health up.
 */
@CamelMainTest(properties = {
        "opa.tail.grace-ms=200",
        "opa.batch.interval-ms=100",
        "opa.batch.max-interval-ms=100", // every batch at its interval, however small
        "opa.frames.max-frame-bytes=65536"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestTest {

    static final TestAgent AGENT = new TestAgent("ingest");
    static final int TCP = AGENT.tcp;
    static final int HTTP = AGENT.http;
    static final Path SOCKET = AGENT.socket;

    @org.junit.jupiter.api.AfterAll
    void clearProperties() {
        AGENT.clear();
    }

    @BeanInject("dataSource")
    DataSource dataSource;

    private Db db() {
        return new Db(dataSource);
    }

    private long stored(String traceId) {
        return db().count("SELECT count(*) FROM spans_min WHERE trace_id = ?", traceId);
    }

    private void awaitStored(String traceId, long spans) {
        Await.until("spans of " + traceId, () -> stored(traceId), n -> n >= spans, 20_000);
        assertEquals(spans, stored(traceId), "spans stored for " + traceId);
    }

    @Test
    void bothListenersFeedOnePipeline() throws IOException {
        long now = System.currentTimeMillis();
        String t1 = traceId(1);
        String t2 = traceId(2);
        // TCP, JSON lines, a child before its root, on one persistent connection
        Wire.sendOnce(Wire.tcp(TCP), utf8(TestSpan.child(t1, spanId(2), spanId(1), "shop", now, 5).message() + "\n"
                + webRequest(t1, spanId(1), "shop", now, 20, "ok").message() + "\n"));
        // Unix socket, one LZ4 frame with a root and a child
        Wire.sendOnce(Wire.unix(SOCKET), Wire.lz4Frame(webRequest(t2, spanId(1), "billing", now, 30, "ok").message() + "\n"
                + TestSpan.child(t2, spanId(2), spanId(1), "billing", now + 1, 4).message() + "\n"));
        awaitStored(t1, 2);
        awaitStored(t2, 2);

        List<List<Object>> row = db().rows("SELECT service, name, http_method, http_route, http_status, sql_count, "
                + "http_count, sample_weight, organization_id FROM spans_min WHERE trace_id = ? AND parent_id IS NULL", t1);
        assertEquals(List.of("shop", "GET /users/{id}", "GET", "/users/{id}", 200, 1, 1, 1.0, "default-org"), row.get(0));
        assertEquals(List.of("?"), List.of(db().rows("SELECT h.normalized FROM sql_queries q JOIN sql_shapes h USING (fingerprint) WHERE q.trace_id = ?", t1).get(0).get(0)
                .toString().replaceAll(".*name = (\\?).*", "$1")));
        assertEquals(List.of("api.example.com", "/v1/orders/{id}"),
                db().rows("SELECT host, path_template FROM http_calls WHERE trace_id = ?", t1).get(0));
        assertEquals(1, db().count("SELECT count(*) FROM dumps WHERE trace_id = ? AND text = 'a=1'", t1));
        String trace = Http.get(HTTP, "/api/traces/" + t1).body();
        com.fasterxml.jackson.databind.JsonNode spans = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trace).get("spans");
        com.fasterxml.jackson.databind.JsonNode stack = null;
        for (com.fasterxml.jackson.databind.JsonNode sp : spans) {
            if (spanId(1).equals(sp.get("span_id").asText())) {
                stack = sp.get("stack");
            }
        }
        assertEquals(2, stack.size(), trace);
        assertTrue(Http.metric(HTTP, "opa_frames_received_total{transport=\"tcp\"}") >= 2);
        assertTrue(Http.metric(HTTP, "opa_frames_received_total{transport=\"unix\"}") >= 1);
    }

    @Test
    void legacyBlockAndLegacyIds() throws IOException {
        long now = System.currentTimeMillis();
        String legacyTrace = "00000000c0ffee11";
        String msg = "{\"trace_id\":\"" + legacyTrace + "\",\"span_id\":\"" + spanId(1)
                + "\",\"service\":\"legacy\",\"name\":\"GET /old\",\"start_ts\":" + now + ",\"duration_ms\":3}\n";
        Wire.sendOnce(Wire.tcp(TCP), Wire.legacyBlock(msg));
        awaitStored("0000000000000000" + legacyTrace, 1);
    }

    @Test
    void errorsAndLogsAreStored() throws IOException {
        long now = System.currentTimeMillis();
        String t = traceId(3);
        Wire.sendOnce(Wire.tcp(TCP), utf8(TestEvents.errorMessage(t, spanId(1), "shop", now, "TypeError", "bad id 42", "/app/x.php", 12) + "\n" + TestEvents.logMessage(t, "shop", now, "warning", "slow", TestSpan.JSON.createObjectNode().put("k", "v")) + "\n"));
        Await.until("error and log", () -> db().count("SELECT count(*) FROM errors WHERE trace_id = ?", t)
                + db().count("SELECT count(*) FROM logs WHERE trace_id = ? AND level = 'WARNING'", t), n -> n == 2, 20_000);
        String fingerprint = (String) db().rows("SELECT fingerprint FROM errors WHERE trace_id = ?", t).get(0).get(0);
        assertEquals(16, fingerprint.length());
    }

    @Test
    void badInputIsCountedAndTheConnectionGoesOn() throws Exception {
        long now = System.currentTimeMillis();
        String good1 = traceId(10);
        String good2 = traceId(11);
        String other = traceId(12);
        double garbage = Http.metric(HTTP, "opa_frames_rejected_total{reason=\"garbage\"}");
        double corrupt = Http.metric(HTTP, "opa_frames_rejected_total{reason=\"lz4_corrupt\"}");
        double oversize = Http.metric(HTTP, "opa_frames_rejected_total{reason=\"oversize\"}");
        double invalidJson = Http.metric(HTTP, "opa_frames_rejected_total{reason=\"invalid_json\"}");
        double missing = Http.metric(HTTP, "opa_messages_rejected_total{reason=\"missing_field\"}");

        byte[] corruptFrame = Wire.lz4Frame(webRequest(traceId(99), spanId(1), "x", now, 1, "ok").message() + "\n");
        corruptFrame[6] ^= 0x55; // damage the header checksum, keep the block structure
        try (SocketChannel bad = Wire.tcp(TCP); SocketChannel neighbour = Wire.tcp(TCP)) {
            Wire.write(bad, concat(utf8(webRequest(good1, spanId(1), "shop", now, 2, "ok").message() + "\n"),
                    utf8("this is not a frame\n"),
                    utf8("{\"trace_id\": broken json\n"),
                    utf8("{\"type\":\"span\",\"trace_id\":\"" + traceId(98) + "\"}\n"),
                    corruptFrame,
                    utf8("{\"pad\":\"" + "x".repeat(70_000) + "\"}\n"),
                    utf8(webRequest(good2, spanId(1), "shop", now, 2, "ok").message() + "\n")));
            Wire.write(neighbour, utf8(webRequest(other, spanId(1), "shop", now, 2, "ok").message() + "\n"));
        }
        awaitStored(good1, 1);
        awaitStored(good2, 1);
        awaitStored(other, 1);
        assertEquals(garbage + 1, Http.metric(HTTP, "opa_frames_rejected_total{reason=\"garbage\"}"));
        assertEquals(corrupt + 1, Http.metric(HTTP, "opa_frames_rejected_total{reason=\"lz4_corrupt\"}"));
        assertEquals(oversize + 1, Http.metric(HTTP, "opa_frames_rejected_total{reason=\"oversize\"}"));
        assertEquals(invalidJson + 1, Http.metric(HTTP, "opa_frames_rejected_total{reason=\"invalid_json\"}"));
        assertEquals(missing + 1, Http.metric(HTTP, "opa_messages_rejected_total{reason=\"missing_field\"}"));
        assertEquals(0, stored(traceId(99)));
    }

    @Test
    void framesSplitAtEveryByteOverARealSocket() throws Exception {
        long now = System.currentTimeMillis();
        String a = traceId(20);
        String b = traceId(21);
        byte[] stream = concat(Wire.lz4Frame(webRequest(a, spanId(1), "split", now, 2, "ok").message() + "\n"),
                utf8(webRequest(b, spanId(1), "split", now, 2, "ok").message() + "\n"));
        try (SocketChannel ch = Wire.unix(SOCKET)) {
            for (byte x : stream) {
                Wire.write(ch, new byte[] {x});
                if (x % 7 == 0) {
                    Thread.sleep(0, 50_000);
                }
            }
        }
        awaitStored(a, 1);
        awaitStored(b, 1);
    }

    @Test
    void aSpanArrivingAfterItsTraceCompletedIsStillStored() throws IOException {
        long now = System.currentTimeMillis();
        String t = traceId(30);
        Wire.sendOnce(Wire.tcp(TCP), utf8(webRequest(t, spanId(1), "late", now, 20, "ok").message() + "\n"));
        awaitStored(t, 1);
        double late = Http.metric(HTTP, "opa_spans_late_total");
        Wire.sendOnce(Wire.unix(SOCKET), utf8(TestSpan.child(t, spanId(7), spanId(1), "late", now + 1, 3).message() + "\n"));
        awaitStored(t, 2);
        assertEquals(late + 1, Http.metric(HTTP, "opa_spans_late_total"));
    }

    @Test
    void socketFileHasTheConfiguredMode() throws IOException {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(SOCKET)));
    }

    @Test
    void metricsAndHealthAreServed() {
        String metrics = Http.get(HTTP, "/metrics").body();
        for (String name : List.of("opa_spans_received_total", "opa_spans_stored_total", "opa_traces_completed_total",
                "opa_traces_sampled_out_total", "opa_tailbuffer_traces", "opa_store_write_seconds", "opa_spool_bytes",
                "resilience4j_circuitbreaker_state")) {
            assertTrue(metrics.contains(name), name + " missing from /metrics");
        }
        assertEquals(200, Http.get(HTTP, "/health/live").statusCode());
        var ready = Http.get(HTTP, "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
    }
}
