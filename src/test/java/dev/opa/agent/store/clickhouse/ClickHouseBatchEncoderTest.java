package dev.opa.agent.store.clickhouse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.SpanDetail;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.testkit.TestSpan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClickHouseBatchEncoderTest {

    private static final JsonNodeFactory J = JsonNodeFactory.instance;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Reads numbers as written (1793606400.007 stays that text, not a double). */
    private final ObjectMapper exact = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final ClickHouseBatchEncoder encoder = new ClickHouseBatchEncoder(mapper);

    private static Span span(String spanId, String parentId, long startMs, double durationMs, ArrayNode sql) {
        ArrayNode http = J.arrayNode();
        http.addObject().put("url", "https://api.example.com/v1/users/42").put("method", "GET")
                .put("status_code", 200).put("duration_ms", 12.5);
        ArrayNode dumps = J.arrayNode();
        dumps.addObject().put("timestamp", startMs + 1).put("file", "a.php").put("line", 3)
                .put("data", "{\"x\":1}").put("text", "x = 1");
        return TestSpan.of("0af7651916cd43dd8448eb211c80319c", spanId).parent(parentId).service("shop").name("GET /cart")
                .start(startMs).duration(durationMs).end(startMs + Math.round(durationMs)).cpu(1.25).status("error")
                .http("GET", "/cart", parentId == null ? 500 : null).language("php", "8.2.1").tag("env", "prod")
                .detail("net", J.objectNode().put("bytes_sent", 10)).detail("sql", sql).detail("http", http)
                .detail("dumps", dumps).weight(10.0).toSpan();
    }

    private Map<String, List<JsonNode>> encode(Batch batch) {
        return encoder.encode(batch).stream().collect(Collectors.toMap(InsertPayload::table, p -> {
            String body = new String(p.body(), StandardCharsets.UTF_8);
            assertTrue(body.endsWith("\n"), "JSONEachRow rows end with a newline");
            List<JsonNode> rows = body.lines().map(l -> {
                try {
                    return exact.readTree(l);
                } catch (Exception e) {
                    throw new AssertionError("not one JSON object per line: " + l, e);
                }
            }).toList();
            assertEquals(p.rows(), rows.size(), p.table());
            return rows;
        }));
    }

    private static ArrayNode twoStatements() {
        ArrayNode sql = J.arrayNode();
        sql.addObject().put("query", "SELECT * FROM t WHERE id = 1").put("db_system", "mysql").put("duration_ms", 0.5);
        sql.addObject().put("query", "SELECT * FROM t WHERE id = 2").put("db_system", "mysql").put("duration_ms", 0.7)
                .put("rows", 1);
        return sql;
    }

    @Test
    void spanRowCarriesTimesAsEpochSecondsAndDurationsAsMicroseconds() {
        Map<String, List<JsonNode>> out = encode(new Batch(List.of(span("b7ad6b7169203331", null, 1793606400007L,
                11.4517, twoStatements())), List.of(), List.of()));
        JsonNode min = out.get("spans_min").get(0);
        assertEquals("1793606400.007", min.get("start_ts").asText());
        assertEquals("1793606400.018", min.get("end_ts").asText());
        assertEquals(11452, min.get("duration_us").asLong(), "rounded to the microsecond");
        assertEquals(1250, min.get("cpu_us").asLong());
        assertTrue(min.get("parent_id").isNull());
        assertEquals(500, min.get("http_status").asInt());
        assertEquals(2, min.get("sql_count").asInt());
        assertEquals(1, min.get("http_count").asInt());
        assertEquals(10.0, min.get("sample_weight").asDouble());
        assertFalse(min.has("duration_ms"), "ALIAS columns are never sent");
        JsonNode full = out.get("spans_full").get(0);
        assertEquals("prod", full.get("tags").get("env").asText(), "JSON detail travels as JSON");
        assertTrue(full.get("stack").isArray() && full.get("stack").isEmpty());
        assertTrue(full.get("framework").isNull());
    }

    @Test
    void aStackReceivedAttachedIsWrittenAsItsJson() {
        String stack = "[{\"call_id\":\"0000000000000001\",\"parent_id\":null,\"function\":\"{main}\",\"depth\":0}]";
        String line = "{\"type\":\"span\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\",\"span_id\":\"b7ad6b7169203331\","
                + "\"service\":\"shop\",\"name\":\"GET /\",\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":3}";
        var parser = new dev.opa.agent.parse.MessageParser(new dev.opa.agent.parse.Limits(8192, 65536, 1024),
                new dev.opa.agent.ops.IngestMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                        new dev.opa.agent.ops.RateLimitedLog(60_000)));
        var lineWithStack = dev.opa.agent.wire.Frames.Line.of(line.getBytes(StandardCharsets.UTF_8))
                .withStack(StackCodec.encode(stack));
        Span s = parser.parse(new dev.opa.agent.wire.Frames("test", List.of(lineWithStack))).spans().get(0);
        JsonNode full = encode(new Batch(List.of(s), List.of(), List.of())).get("spans_full").get(0);
        assertEquals("{main}", full.get("stack").get(0).get("function").asText());
        assertEquals(1, full.get("stack").size());
    }

    @Test
    void derivedRowsGoToTheirTablesWithTheSpanKeysAndWeight() {
        Map<String, List<JsonNode>> out = encode(new Batch(List.of(span("b7ad6b7169203331", null, 1793606400000L,
                5, twoStatements())), List.of(), List.of()));
        List<JsonNode> sql = out.get("sql_queries");
        assertEquals(2, sql.size());
        assertEquals(sql.get(0).get("fingerprint").asText(), sql.get(1).get("fingerprint").asText(),
                "statements differing only in literals share a fingerprint");
        assertTrue(sql.get(0).get("rows").isNull());
        assertEquals(1, sql.get(1).get("rows").asInt());
        assertEquals("b7ad6b7169203331", sql.get(0).get("span_id").asText());
        assertEquals(10.0, sql.get(0).get("sample_weight").asDouble());
        JsonNode http = out.get("http_calls").get(0);
        assertEquals("api.example.com", http.get("host").asText());
        assertTrue(http.get("path_template").asText().contains("{id}"));
        JsonNode dump = out.get("dumps").get(0);
        assertEquals("1793606400.001", dump.get("ts").asText());
        assertEquals("{\"x\":1}", dump.get("data").asText());
    }

    @Test
    void errorsAndLogsKeepNullsAndJson() {
        ErrorEvent error = new ErrorEvent("o", "p", null, null, "svc", 999L, "TypeError", "bad \"arg\"\n", null, null,
                "abcd", null, null, J.arrayNode().add(J.objectNode().put("line", 3)), null);
        LogEvent log = new LogEvent("o", "p", "t", "s", "svc", 1793606400123L, "INFO", "héllo", J.objectNode().put("k", 1));
        Map<String, List<JsonNode>> out = encode(new Batch(List.of(), List.of(error), List.of(log)));
        assertEquals(List.of("errors", "logs"), encoder.encode(new Batch(List.of(), List.of(error), List.of(log)))
                .stream().map(InsertPayload::table).toList(), "tables without rows are left out");
        JsonNode e = out.get("errors").get(0);
        assertEquals("0.999", e.get("occurred_at").asText());
        assertEquals("bad \"arg\"\n", e.get("error_message").asText());
        assertTrue(e.get("trace_id").isNull() && e.get("line").isNull() && e.get("tags").isNull());
        assertEquals(3, e.get("stack_trace").get(0).get("line").asInt());
        JsonNode l = out.get("logs").get(0);
        assertEquals("héllo", l.get("message").asText());
        assertEquals(1, l.get("fields").get("k").asInt());
    }

    @Test
    void detailTextIsSentVerbatim() {
        Span tree = span("b7ad6b7169203331", null, 1793606400000L, 5, twoStatements());
        String receivedTags = "{\"env\": \"prod\",  \"n\": 1.50}";
        SpanDetail d = tree.detail();
        Span received = new Span(tree.organizationId(), tree.projectId(), tree.traceId(), tree.spanId(), null,
                tree.service(), tree.name(), tree.startMs(), tree.endMs(), tree.durationMs(), tree.cpuMs(), tree.status(),
                tree.httpMethod(), tree.httpRoute(), tree.httpStatus(), null, null, null, null,
                new SpanDetail(receivedTags, d.net(), d.sql(), d.http(), d.cache(), d.redis(), d.dumps(),
                        StackCodec.encode("\"not a tree\""),
                        d.sqlRecords(), d.httpRecords(), d.dumpRecords(), d.sqlCount(), d.httpCount(), d.cacheCount()),
                1.0);
        String body = new String(encoder.encode(new Batch(List.of(received), List.of(), List.of())).stream()
                .filter(p -> p.table().equals("spans_full")).findFirst().orElseThrow().body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"tags\":" + receivedTags + ","), "text is written verbatim: " + body);
        assertTrue(body.contains("\"net\":{\"bytes_sent\":10}"), body);
        assertTrue(body.contains("\"stack\":\"\\\"not a tree\\\"\""), "a non-container as a string: " + body);
    }

    @Test
    void sameBatchGivesSameBytes() {
        Batch batch = new Batch(List.of(span("b7ad6b7169203331", null, 1793606400000L, 5, twoStatements()),
                span("c7ad6b7169203331", "b7ad6b7169203331", 1793606400001L, 2, J.arrayNode())), List.of(), List.of());
        List<InsertPayload> a = encoder.encode(batch);
        List<InsertPayload> b = new ClickHouseBatchEncoder(new ObjectMapper()).encode(batch);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).body(), b.get(i).body(), a.get(i).table());
        }
    }

    /**
     * A table's rows in parts of bounded size, each handed over before the next is encoded: the heap a write needs
     * does not grow with the batch (353 real requests made one spans_full body of ~175 MB).
     */
    @Test
    void aTablesRowsArePayloadsOfBoundedSizeHandedOverOneAtATime() throws Exception {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            spans.add(span(String.format("%016x", i), null, 1793606400000L + i, 5, twoStatements()));
        }
        Batch batch = new Batch(spans, List.of(), List.of());
        List<InsertPayload> whole = new ClickHouseBatchEncoder(mapper, Integer.MAX_VALUE).encode(batch);
        int limit = 4096;
        List<InsertPayload> parts = new ArrayList<>();
        new ClickHouseBatchEncoder(mapper, limit).encode(batch, parts::add);
        for (InsertPayload w : whole) {
            List<InsertPayload> ofTable = parts.stream().filter(p -> p.table().equals(w.table())).toList();
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            ofTable.forEach(p -> joined.writeBytes(p.body()));
            assertArrayEquals(w.body(), joined.toByteArray(), "the parts of " + w.table() + " are its rows in order");
            assertEquals(w.rows(), ofTable.stream().mapToInt(InsertPayload::rows).sum(), w.table());
            for (InsertPayload p : ofTable) {
                String body = new String(p.body(), StandardCharsets.UTF_8);
                assertEquals(p.rows(), body.lines().count(), "whole rows only");
                long largestRow = body.lines().mapToLong(l -> l.length() + 1).max().orElseThrow();
                assertTrue(p.body().length < limit + largestRow, w.table() + ": " + p.body().length + " bytes");
            }
        }
        assertTrue(parts.stream().filter(p -> p.table().equals("spans_full")).count() > 1, "spans_full is cut");

        List<String> sent = new ArrayList<>();
        IllegalStateException refused = new IllegalStateException("server refused");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> new ClickHouseBatchEncoder(mapper, limit).encode(batch, p -> {
                    sent.add(p.table());
                    if (sent.size() == 2) {
                        throw refused;
                    }
                }));
        assertSame(refused, thrown);
        assertEquals(2, sent.size(), "nothing more is encoded after the writer's failure");
    }

    @Test
    void httpStatusOutsideUInt16IsStoredAsUnknownNotAPoisonBatch() {
        assertEquals(404, ClickHouseBatchEncoder.httpStatus(404));
        assertEquals(null, ClickHouseBatchEncoder.httpStatus(-1));
        assertEquals(null, ClickHouseBatchEncoder.httpStatus(70000));
        assertEquals(null, ClickHouseBatchEncoder.httpStatus(null));
    }

    @Test
    void microsNeverNegativeNorNaN() {
        assertEquals(0, ClickHouseBatchEncoder.micros(-3));
        assertEquals(0, ClickHouseBatchEncoder.micros(Double.NaN));
        assertEquals(1, ClickHouseBatchEncoder.micros(0.0006));
    }
}
