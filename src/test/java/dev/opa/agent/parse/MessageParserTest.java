package dev.opa.agent.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.wire.Frames;
import dev.opa.agent.wire.Frames.Line;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing, validation and repair of protocol §3-§4 messages. */
class MessageParserTest {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final MessageParser parser = new MessageParser(new Limits(20, 10, 8), new IngestMetrics(meters, new RateLimitedLog(60_000)));

    private Parsed parse(String... lines) {
        return parser.parse(Frames.of("test", Arrays.stream(lines).map(l -> l.getBytes(StandardCharsets.UTF_8)).toList()));
    }

    private double rejected(String reason) {
        var c = meters.find("opa.messages.rejected").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private double repaired(String field) {
        var c = meters.find("opa.repairs").tag("field", field).counter();
        return c == null ? 0 : c.count();
    }

    private static String span(String fields) {
        return "{\"trace_id\":\"" + TRACE + "\",\"span_id\":\"b7ad6b7169203331\",\"service\":\"shop\","
                + "\"name\":\"POST /orders\"," + fields + "}";
    }

    @Test
    void aSpanWithoutTypeAndWithUnknownFieldsIsAccepted() {
        long now = System.currentTimeMillis();
        Parsed p = parse(span("\"start_ts\":" + now + ".5,\"end_ts\":" + (now + 20) + ",\"cpu_ms\":4,\"whatever\":[1,2],"
                + "\"status\":\"error\",\"tags\":{\"organization_id\":\"acme\",\"http_request\":{\"method\":\"POST\"},"
                + "\"http_response\":{\"status_code\":500}}"));
        assertEquals(1, p.spans().size());
        Span s = p.spans().get(0);
        assertEquals(TRACE, s.traceId());
        assertNull(s.parentId());
        assertEquals(now, s.startMs());
        assertEquals(19.5, s.durationMs(), 1e-9);
        assertEquals("error", s.status());
        assertEquals("acme", s.organizationId());
        assertEquals("default-project", s.projectId());
        assertEquals("POST", s.httpMethod());
        assertEquals("/orders", s.httpRoute());
        assertEquals(500, s.httpStatus());
        assertEquals(1.0, s.sampleWeight());
        assertEquals("[]", s.detail().sql()); // absent lists and objects are empty, not null
        assertEquals("[]", s.detail().stack());
        assertEquals("{}", s.detail().net());
    }

    @Test
    void unknownTypeIsTreatedAsSpan() {
        assertEquals(1, parse(span("\"type\":\"mystery\",\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1"))
                .spans().size());
    }

    @Test
    void legacySixteenHexTraceIdIsPadded() {
        String msg = "{\"trace_id\":\"8448EB211C80319C\",\"span_id\":\"b7ad6b7169203331\",\"service\":\"s\",\"name\":\"n\","
                + "\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1}";
        assertEquals("00000000000000008448eb211c80319c", parse(msg).spans().get(0).traceId());
    }

    @Test
    void doubledAndAncientTimestampsAreRepairedFromArrival() {
        long now = System.currentTimeMillis();
        Parsed p = parse(span("\"start_ts\":" + (now * 2) + ",\"duration_ms\":30"),
                span("\"start_ts\":" + (now / 1000) + ",\"duration_ms\":10"));
        for (Span s : p.spans()) {
            assertTrue(Math.abs(s.endMs() - System.currentTimeMillis()) < 5_000, "end near arrival: " + s.endMs());
            assertEquals((long) Math.ceil(s.durationMs()), s.endMs() - s.startMs());
        }
        assertEquals(2.0, repaired("timestamp"));
    }

    @Test
    void longStringsAreTruncatedNotRejected() {
        Parsed p = parse(span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1,"
                + "\"tags\":{\"k\":\"0123456789abcdef\"},\"sql\":[{\"query\":\"SELECT 1 FROM a_very_long_table_name\"}],"
                + "\"dumps\":[{\"data\":\"0123456789ABCDEF\",\"text\":\"short\"}]"));
        Span s = p.spans().get(0);
        assertEquals("{\"k\":\"01234567\"}", s.detail().tags());
        assertEquals("SELECT 1 FROM a_very", s.detail().sqlRecords().get(0).query());
        assertEquals("[{\"query\":\"SELECT 1 FROM a_very\"}]", s.detail().sql());
        assertEquals("0123456789", s.detail().dumpRecords().get(0).data());
        assertTrue(s.detail().dumps().contains("\"data\":\"0123456789\""), s.detail().dumps());
        assertEquals(1.0, repaired("query"));
    }

    @Test
    void detailTextIsKeptAsReceivedUnlessRepairedOrOfTheWrongKind() {
        String stack = "[ {\"call_id\":\"0000000000000001\",\"function\":\"caf\u00e9\",\"duration_ms\":1.50,"
                + "\"sql_queries\":[{\"query\":\"SELECT 1\"}]} ]";
        String http = "[{\"url\":\"https://x/\u00fc\",\"duration_ms\":2.0E0}]";
        Parsed p = parse(span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1,\"stack\": " + stack
                + " ,\"http\":" + http + ",\"net\":[1],\"tags\":{\"k\":\"0123456789abcdef\"},"
                + "\"sql\":[{\"query\":\"SELECT 1 FROM a_very_long_table_name\"}],\"cache\":null"));
        Span s = p.spans().get(0);
        assertEquals(stack, s.detail().stack()); // byte for byte, including spacing, escapes and number forms
        assertEquals(http, s.detail().http());
        assertEquals("{}", s.detail().net()); // not an object: the empty default, not the received array
        assertEquals("{\"k\":\"01234567\"}", s.detail().tags()); // truncated: the repaired tree
        assertEquals("[{\"query\":\"SELECT 1 FROM a_very\"}]", s.detail().sql());
        assertEquals("[]", s.detail().cache());
        assertEquals("[]", s.detail().redis());
        assertEquals(1, s.detail().sqlCount(), "listed statements win over nested ones");
        assertEquals("SELECT 1 FROM a_very", s.detail().sqlRecords().get(0).query());
        assertEquals(1, s.detail().httpCount());
        assertEquals("https://x/\u00fc", s.detail().httpRecords().get(0).url());
    }

    @Test
    void fileIoRecordsAreKeptAsReceived() {
        String fileIo = "[{\"operation\":\"fread\",\"path\":\"/var/www/a.json\",\"bytes\":1000,"
                + "\"duration_ms\":1.25,\"start_ts\":1.7e12}]";
        Span s = parse(span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1,\"file_io\": " + fileIo))
                .spans().get(0);
        assertEquals(fileIo, s.detail().fileIo());
        Span wrongKind = parse(span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1,\"file_io\":{}"))
                .spans().get(0);
        assertEquals("[]", wrongKind.detail().fileIo());
        assertEquals("[]", parse(span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1")).spans().get(0)
                .detail().fileIo(), "absent: empty");
    }

    @Test
    void aSummaryWithoutRecordsTakesItsSqlAndHttpFiguresFromTheRedTags() {
        long now = System.currentTimeMillis();
        Span summary = parse(span("\"start_ts\":" + now + ",\"duration_ms\":9,\"tags\":{\"sampled\":\"false\","
                + "\"opa.sql_count\":\"4\",\"opa.sql_ms\":\"6.500\",\"opa.http_count\":1,\"opa.http_ms\":\"2.25\"}"))
                .spans().get(0);
        assertEquals(4, summary.detail().sqlCount());
        assertEquals(6.5, summary.detail().sqlMs(), 1e-9);
        assertEquals(1, summary.detail().httpCount());
        assertEquals(2.25, summary.detail().httpMs(), 1e-9);
        Span sampled = parse(span("\"start_ts\":" + now + ",\"duration_ms\":9,\"tags\":{\"opa.sql_count\":\"9\","
                + "\"opa.sql_ms\":\"99\",\"opa.http_count\":\"7\"},\"sql\":[{\"query\":\"SELECT 1\",\"duration_ms\":1.5},"
                + "{\"query\":\"SELECT 2\",\"duration_ms\":0.5}],\"http\":[{\"url\":\"http://a/\",\"duration_ms\":3}]"))
                .spans().get(0);
        assertEquals(2, sampled.detail().sqlCount(), "records win over the tags");
        assertEquals(2.0, sampled.detail().sqlMs(), 1e-9);
        assertEquals(1, sampled.detail().httpCount());
        assertEquals(3.0, sampled.detail().httpMs(), 1e-9);
        Span garbage = parse(span("\"start_ts\":" + now + ",\"duration_ms\":9,\"tags\":{\"opa.sql_count\":\"many\","
                + "\"opa.sql_ms\":\"-3\",\"opa.http_count\":{\"n\":1},\"opa.http_ms\":\"NaN\"}")).spans().get(0);
        assertEquals(0, garbage.detail().sqlCount() + garbage.detail().httpCount());
        assertEquals(0.0, garbage.detail().sqlMs() + garbage.detail().httpMs());
        assertEquals(1, garbage.sampleWeight(), 0.0, "kept, not rejected");
    }

    @Test
    void duplicateDetailFieldKeepsTheLastValueAndItsText() {
        Parsed p = parse(span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1,"
                + "\"stack\":[{\"call_id\":\"a\"}],\"stack\":[{\"call_id\":\"b\"}]"));
        Span s = p.spans().get(0);
        assertEquals("[{\"call_id\":\"b\"}]", s.detail().stack());
        assertEquals(0, s.detail().sqlCount());
    }

    @Test
    void invalidMessagesAreCountedByReasonAndTheRestAccepted() {
        long now = System.currentTimeMillis();
        Parsed p = parse("{not json", "[1,2]", "{\"a\":1} trailing",
                "{\"trace_id\":\"" + TRACE + "\",\"span_id\":\"b7ad6b7169203331\",\"name\":\"n\",\"start_ts\":1}",
                "{\"trace_id\":42,\"span_id\":\"b7ad6b7169203331\",\"service\":\"s\",\"name\":\"n\",\"start_ts\":1}",
                "{\"trace_id\":\"xyz\",\"span_id\":\"b7ad6b7169203331\",\"service\":\"s\",\"name\":\"n\",\"start_ts\":1}",
                span("\"start_ts\":\"yesterday\",\"duration_ms\":1"),
                span("\"start_ts\":" + now),
                span("\"start_ts\":" + now + ",\"duration_ms\":1"));
        assertEquals(1, p.spans().size());
        assertEquals(3.0, meters.find("opa.frames.rejected").tag("reason", "invalid_json").counter().count());
        assertEquals(2.0, rejected("missing_field"));
        assertEquals(2.0, rejected("wrong_type"));
        assertEquals(1.0, rejected("bad_id"));
    }

    @Test
    void errorFingerprintIsComputedWhenAbsentAndIgnoresVariableParts() {
        String base = "{\"type\":\"error\",\"trace_id\":\"" + TRACE + "\",\"service\":\"shop\",\"error_type\":\"TypeError\","
                + "\"file\":\"/a.php\",\"line\":3,\"occurred_at_ms\":" + System.currentTimeMillis();
        Parsed p = parse(base + ",\"error_message\":\"user 42 not found\"}", base + ",\"error_message\":\"user 7 not found\"}",
                base + ",\"error_message\":\"other\"}", base + ",\"error_message\":\"x\",\"fingerprint\":\"given\"}",
                "{\"type\":\"error\",\"service\":\"shop\",\"error_message\":\"no type\"}");
        assertEquals(4, p.errors().size());
        ErrorEvent a = p.errors().get(0);
        assertEquals(a.fingerprint(), p.errors().get(1).fingerprint());
        assertNotEquals(a.fingerprint(), p.errors().get(2).fingerprint());
        assertEquals("given", p.errors().get(3).fingerprint());
        assertEquals(1.0, rejected("missing_field"));
    }

    @Test
    void logLevelIsUpperCasedAndTimestampDefaultsToArrival() {
        Parsed p = parse("{\"type\":\"log\",\"service\":\"shop\",\"level\":\"warning\",\"message\":\"m\",\"fields\":{\"a\":1}}");
        assertEquals("WARNING", p.logs().get(0).level());
        assertTrue(Math.abs(p.logs().get(0).timestampMs() - System.currentTimeMillis()) < 5_000);
        assertEquals(1, p.logs().get(0).fields().get("a").intValue());
    }

    @Test
    void recordsNestedInTheCallStackAreReadWithoutTheRestOfTheStack() {
        long now = System.currentTimeMillis();
        String stack = "[{\"call_id\":\"1\",\"function\":\"main\",\"children\":[{\"deep\":[1,{\"sql_queries\":[]}]}]},"
                + "{\"call_id\":\"2\",\"sql_queries\":[{\"query\":\"SELECT * FROM t\",\"db_system\":\"mysql\","
                + "\"duration_ms\":1.5,\"rows\":3,\"timestamp\":" + (now / 1000) + "},{\"no_query\":1}],"
                + "\"http_requests\":[{\"url\":\"http://api.local/users/42\",\"method\":\"GET\",\"status_code\":404,"
                + "\"error\":false}],\"cache_operations\":[{},{}],\"redis_operations\":[{}]},"
                + "7,{\"call_id\":\"3\",\"sql_queries\":[{\"query\":\"SELECT 1 FROM a_very_long_table_name\"}]}]";
        Span s = parse(span("\"stack\":" + stack + ",\"start_ts\":" + now + ",\"duration_ms\":1")).spans().get(0);
        assertEquals(3, s.detail().sqlCount(), "nested statements count when none are listed");
        assertEquals(2, s.detail().sqlRecords().size(), "records without a query are counted, not stored");
        var first = s.detail().sqlRecords().get(0);
        assertEquals("SELECT * FROM t", first.query());
        assertEquals("mysql", first.dbSystem());
        assertEquals(3L, first.rows());
        assertEquals(now / 1000 * 1000, first.startMs(), "legacy epoch-seconds timestamp");
        assertEquals(dev.opa.agent.model.SpanDetail.NO_TIME, s.detail().sqlRecords().get(1).startMs());
        assertEquals("SELECT 1 FROM a_very", s.detail().sqlRecords().get(1).query());
        assertEquals(1, s.detail().httpCount());
        assertEquals(404, s.detail().httpRecords().get(0).statusCode());
        assertNull(s.detail().httpRecords().get(0).error());
        assertEquals(3, s.detail().cacheCount());
        // a nested query was cut: the stack is rebuilt with it truncated, everything else unchanged
        assertTrue(s.detail().stack().contains("\"query\":\"SELECT 1 FROM a_very\"}"), s.detail().stack());
        assertTrue(s.detail().stack().contains("\"children\":[{\"deep\":[1,{\"sql_queries\":[]}]}]"), s.detail().stack());
        assertEquals(1.0, repaired("query"));
    }

    @Test
    void detailFieldsOfTheWrongKindAreEmpty() {
        Span s = parse(span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1,\"tags\":\"x\","
                + "\"sql\":{\"query\":\"SELECT 1\"},\"http\":5,\"cache\":{},\"redis\":\"r\",\"dumps\":{},"
                + "\"stack\":{\"sql_queries\":[{\"query\":\"SELECT 2\"}]}")).spans().get(0);
        assertEquals("{}", s.detail().tags());
        assertEquals("[]", s.detail().sql());
        assertEquals("[]", s.detail().http());
        assertEquals("[]", s.detail().cache());
        assertEquals("[]", s.detail().redis());
        assertEquals("[]", s.detail().dumps());
        assertEquals("[]", s.detail().stack());
        assertEquals(0, s.detail().sqlCount() + s.detail().httpCount() + s.detail().cacheCount());
    }

    @Test
    void detailFieldsBeforeTheTypeOfAnErrorStillReachTheError() {
        Parsed p = parse("{\"tags\":{\"organization_id\":\"acme\",\"k\":\"v\"},\"stack\":[1],\"type\":\"error\","
                + "\"service\":\"shop\",\"error_type\":\"E\",\"error_message\":\"boom\"}");
        assertEquals(0, p.spans().size());
        ErrorEvent e = p.errors().get(0);
        assertEquals("acme", e.organizationId());
        assertEquals("v", e.tags().get("k").textValue());
    }

    @Test
    void linesAreReadInPlaceFromASharedBuffer() {
        String stack = "[{\"call_id\":\"0000000000000001\",\"function\":\"caf\u00e9\"}]";
        String first = span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":1,\"sql\":[{\"query\":\"SELECT 1\"}]");
        String second = span("\"start_ts\":" + System.currentTimeMillis() + ",\"duration_ms\":2,\"stack\":" + stack
                + ",\"tags\":{\"k\":\"v\"}");
        byte[] buf = ("xx" + first + "\n" + second + "yy").getBytes(StandardCharsets.UTF_8);
        int secondAt = 2 + first.getBytes(StandardCharsets.UTF_8).length + 1;
        Parsed p = parser.parse(new Frames("test", List.of(new Frames.Line(buf, 2, secondAt - 3),
                new Frames.Line(buf, secondAt, second.getBytes(StandardCharsets.UTF_8).length))));
        assertEquals(2, p.spans().size(), "offsets are relative to each line");
        assertEquals("[{\"query\":\"SELECT 1\"}]", p.spans().get(0).detail().sql());
        assertEquals(stack, p.spans().get(1).detail().stack());
        assertEquals("{\"k\":\"v\"}", p.spans().get(1).detail().tags());
    }

    @Test
    void heapEstimateFollowsTheText() {
        long now = System.currentTimeMillis();
        Span small = parse(span("\"start_ts\":" + now + ",\"duration_ms\":1")).spans().get(0);
        Span big = parse(span("\"start_ts\":" + now + ",\"duration_ms\":1,\"net\":{\"note\":\""
                + "f".repeat(10_000) + "\"}")).spans().get(0);
        assertTrue(big.heapBytes() - small.heapBytes() >= 10_000, big.heapBytes() + " vs " + small.heapBytes());
        String stack = "[{\"function\":\"" + "f".repeat(10_000) + "\"}]";
        Span compressed = parse(span("\"start_ts\":" + now + ",\"duration_ms\":1,\"stack\":" + stack)).spans().get(0);
        assertEquals(stack, compressed.detail().stack());
        assertTrue(compressed.heapBytes() - small.heapBytes() < 1_000, "the stack is held compressed: "
                + compressed.heapBytes() + " vs " + small.heapBytes());
    }

    @Test
    void mangledLinesNeverEscapeTheParserAndEveryLineIsAccountedFor() {
        long now = System.currentTimeMillis();
        String good = span("\"start_ts\":" + now + ",\"duration_ms\":3,\"tags\":{\"http_request\":{\"method\":\"GET\"}},"
                + "\"sql\":[{\"query\":\"SELECT 1\",\"duration_ms\":1}],\"http\":[{\"url\":\"http://x/1\"}],"
                + "\"dumps\":[{\"data\":\"d\",\"text\":\"t\"}],\"cache\":[{}],\"stack\":[{\"call_id\":\"1\","
                + "\"sql_queries\":[{\"query\":\"SELECT 2\"}],\"http_requests\":[{\"url\":\"http://y/2\"}],"
                + "\"cache_operations\":[{}],\"redis_operations\":[{}]},[1,{\"a\":[]}],null]");
        java.util.Random random = new java.util.Random(7);
        String alphabet = "{}[]\":,\\ 0123456789.-eEtrufalsn\u00e9";
        int lines = 3000;
        String[] mangled = new String[lines];
        for (int n = 0; n < lines; n++) {
            StringBuilder b = new StringBuilder(good);
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                int at = random.nextInt(b.length());
                switch (random.nextInt(3)) {
                    case 0 -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> b.setLength(Math.max(1, at));
                }
            }
            mangled[n] = b.toString();
        }
        Parsed p = parse(mangled);
        double rejected = meters.find("opa.frames.rejected").counters().stream().mapToDouble(c -> c.count()).sum()
                + meters.find("opa.messages.rejected").counters().stream().mapToDouble(c -> c.count()).sum();
        assertEquals(lines, p.spans().size() + p.errors().size() + p.logs().size() + rejected,
                "every line is either a message or a counted rejection");
        assertTrue(p.spans().size() > 0 && rejected > 0, p.spans().size() + " spans, " + rejected + " rejected");
        for (Span s : p.spans()) {
            assertTrue(s.detail().stack().startsWith("[") && s.detail().tags().startsWith("{"), s.detail().stack());
        }
    }

    private Parsed parseAttached(String line, byte[] stack) {
        Line l = Line.of(line.getBytes(StandardCharsets.UTF_8)).withStack(stack);
        return parser.parse(new Frames("test", List.of(Line.of(span("\"start_ts\":" + System.currentTimeMillis()
                + ",\"duration_ms\":1").getBytes(StandardCharsets.UTF_8)), l)));
    }

    @Test
    void anAttachedStackIsStoredAsReceivedAndOnlyTheEnvelopeIsRead() {
        long now = System.currentTimeMillis();
        // nested records in an attached stack are not read: the span's own lists are the records
        String stack = "[{\"call_id\":\"0000000000000001\",\"parent_id\":null,\"function\":\"{main}\","
                + "\"sql_queries\":[{\"query\":\"SELECT nested\",\"duration_ms\":1}]}]";
        byte[] packed = StackCodec.encode(stack);
        Parsed p = parseAttached(span("\"start_ts\":" + now + ",\"duration_ms\":3,\"sql\":[{\"query\":\"SELECT 1\","
                + "\"duration_ms\":2}]"), packed);
        assertEquals(2, p.spans().size());
        Span s = p.spans().get(1);
        assertSame(packed, s.detail().stackLz4(), "the received bytes, not a copy or a recompression");
        assertEquals(stack, s.detail().stack());
        assertEquals(List.of("SELECT 1"), s.detail().sqlRecords().stream().map(r -> r.query()).toList());
        assertEquals(1, s.detail().sqlCount());
        assertEquals("[]", p.spans().get(0).detail().stack());
        assertEquals(0.0, meters.find("opa.messages.rejected").counters().stream().mapToDouble(c -> c.count()).sum());
    }

    @Test
    void anAttachedStackBelongsToASpanWithoutAnInlineOne() {
        long now = System.currentTimeMillis();
        byte[] packed = StackCodec.encode("[]");
        Parsed both = parseAttached(span("\"start_ts\":" + now + ",\"duration_ms\":3,\"stack\":[]"), packed);
        assertEquals(1, both.spans().size(), "the other line of the frame is still accepted");
        Parsed error = parseAttached("{\"type\":\"error\",\"trace_id\":\"" + TRACE + "\",\"service\":\"s\","
                + "\"error_type\":\"E\",\"error_message\":\"m\"}", packed);
        assertEquals(0, error.errors().size());
        assertEquals(1, error.spans().size());
        assertEquals(2.0, rejected("attached_stack"));
    }
}
