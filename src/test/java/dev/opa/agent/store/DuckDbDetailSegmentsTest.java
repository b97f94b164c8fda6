package dev.opa.agent.store;

import static dev.opa.agent.testkit.TestSpan.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.api.Pages;
import dev.opa.agent.api.QueryRunner;
import dev.opa.agent.api.SqlCatalog;
import dev.opa.agent.api.TracesApi;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.Span;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import dev.opa.agent.testkit.TestSpan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A span's large record lists (sql .. file_io) kept in the segment files beside the DuckDB file
 * ({@code DetailBlock}), read back by the trace API exactly as stored in the columns before; rows of older versions
 * (lists in the columns) stay readable; a damaged or missing segment costs only its own spans their lists.
 */
class DuckDbDetailSegmentsTest {

    static final long T0 = TestSpan.T0;
    static final List<String> LISTS = SpanStore.RECORD_LISTS;

    @TempDir
    Path dir;

    /** A request with large lists: ~60 statements, ~40 cache records, file I/O, an outgoing call, unicode text. */
    static TestSpan full(int n) {
        Random random = new Random(n);
        String[] queries = new String[60];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = "SELECT option_value FROM wp_options WHERE option_name = 'opt_" + Long.toHexString(random.nextLong())
                    + "' /* žluťoučký kůň 🐎 */";
        }
        StringBuilder cache = new StringBuilder("[");
        for (int i = 0; i < 40; i++) {
            cache.append(i == 0 ? "" : ",").append("{\"operation\":\"get\",\"key\":\"k").append(random.nextInt())
                    .append("\",\"hit\":").append(i % 3 == 0).append(",\"duration_ms\":0.0").append(i + 1).append('}');
        }
        StringBuilder stack = new StringBuilder("[");
        for (int i = 0; i < 400; i++) { // random names: over the inline size even compressed, so in a segment too
            stack.append(i == 0 ? "" : ",").append("{\"call_id\":\"").append(i + 1).append("\",\"function\":\"f")
                    .append(Long.toHexString(random.nextLong())).append("\",\"duration_ms\":0.5}");
        }
        return TestSpan.request(hex(n, 32), hex(n, 16), "shop", "GET /full", T0 + n, 50, "ok").tag("env", "prod")
                .detail("stack", json(stack.append(']').toString()))
                .sql("mysql", 0.25, queries).httpCall("GET", "http://api.local/v1/items/" + n, 200, 3.5)
                .detail("cache", json(cache.append(']').toString()))
                .detail("file_io", json("[{\"operation\":\"read\",\"path\":\"/etc/x\",\"bytes\":10,\"duration_ms\":0.5}]"));
    }

    static String hex(int n, int width) {
        return String.format("%0" + width + "x", n);
    }

    @Test
    void largeListsGoToTheSegmentAndComeBackAsTheyWouldFromTheColumns() throws Exception {
        DuckDbSpanStore store = new DuckDbSpanStore(dir.resolve("opa.duckdb"), 1);
        store.init();
        Span big = full(1).toSpan();
        Span small = TestSpan.request(hex(2, 32), hex(2, 16), "shop", "GET /small", T0 + 2, 5, "ok")
                .sql("mysql", 1, "SELECT 1").toSpan();
        store.write(new Batch(List.of(big, small), List.of(), List.of()));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE trace_id = '" + big.traceId()
                + "' AND sql IS NULL AND cache IS NULL AND file_io IS NULL AND detail_segment IS NOT NULL"
                + " AND tags IS NOT NULL AND net IS NOT NULL"), "large lists in a segment; tags and net in the row");
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE trace_id = '" + small.traceId()
                + "' AND sql IS NOT NULL AND detail_segment IS NULL"), "small lists stay in the row");

        QueryRunner queries = new QueryRunner(store::readDataSource, new SqlCatalog("duckdb"));
        TracesApi traces = new TracesApi(queries, store);
        for (Span s : List.of(big, small)) {
            JsonNode span = spanOf(traces, s.traceId());
            assertFalse(span.has("detail_error"));
            assertFalse(span.has("detail_segment"), "the store's own columns are not shown");
            Map<String, String> sent = Map.of("sql", s.detail().sql(), "http", s.detail().http(), "cache", s.detail().cache(),
                    "redis", s.detail().redis(), "dumps", s.detail().dumps(), "file_io", s.detail().fileIo());
            for (String column : LISTS) {
                assertEquals(json(sent.get(column)), withoutFingerprints(span.get(column)), column + " of " + s.name());
            }
        }
        // the tag filter reads spans_full.tags, which stays in the row
        var found = Pages.items(traces.search(params("tag", List.of("env:prod"))));
        assertEquals(List.of(big.traceId()), found.stream().map(r -> r.get("trace_id")).toList());
        store.close();
    }

    @Test
    void rowsOfAnOlderVersionWithTheirListsInTheColumnsStayReadable() throws Exception {
        Path file = dir.resolve("old.duckdb");
        String oldSchema = DuckDbSpanStore.schema()
                .replace("file_io         JSON,      -- array of file operations", "file_io         JSON       -- array")
                .replaceAll("(?m)^\\s*detail_(segment|offset|length)\\s+.*$", "")
                .replaceAll("(?m)^ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS detail_.*$", "");
        assertFalse(oldSchema.contains("detail_segment"), oldSchema);
        Span old = full(3).toSpan();
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:" + file, new java.util.Properties());
                Statement st = c.createStatement()) {
            st.execute(oldSchema);
            st.execute("INSERT INTO spans_min (organization_id, project_id, trace_id, span_id, service, name, start_ts, end_ts,"
                    + " duration_ms, cpu_ms, status, sql_count, http_count, cache_count, sample_weight, is_entry) VALUES ('"
                    + old.organizationId() + "', '" + old.projectId() + "', '" + old.traceId() + "', '" + old.spanId()
                    + "', 'shop', 'GET /old', make_timestamp(" + old.startMs() * 1000 + "), make_timestamp("
                    + old.endMs() * 1000 + "), 50, 1, 'ok', 60, 1, 40, 1, true)");
            try (var insert = c.prepareStatement("INSERT INTO spans_full (organization_id, project_id, trace_id, span_id, "
                    + "service, start_ts, tags, net, sql, http, cache, redis, dumps, file_io, stack) VALUES (?, ?, ?, ?, 'shop', "
                    + "make_timestamp(?), ?, ?, ?, ?, ?, ?, ?, ?, '[{\"function\":\"legacy\"}]')")) {
                insert.setString(1, old.organizationId());
                insert.setString(2, old.projectId());
                insert.setString(3, old.traceId());
                insert.setString(4, old.spanId());
                insert.setLong(5, old.startMs() * 1000);
                String[] values = {old.detail().tags(), old.detail().net(), old.detail().sql(), old.detail().http(),
                        old.detail().cache(), old.detail().redis(), old.detail().dumps(), old.detail().fileIo()};
                for (int i = 0; i < values.length; i++) {
                    insert.setString(6 + i, values[i]);
                }
                insert.execute();
            }
        }
        DuckDbSpanStore store = new DuckDbSpanStore(file, 1);
        store.init(); // upgrades the file: the detail_* columns are added
        Span fresh = full(4).toSpan();
        store.write(new Batch(List.of(fresh), List.of(), List.of()));
        TracesApi traces = new TracesApi(new QueryRunner(store::readDataSource, new SqlCatalog("duckdb")), store);
        JsonNode oldSpan = spanOf(traces, old.traceId());
        JsonNode freshSpan = spanOf(traces, fresh.traceId());
        assertEquals(json("[{\"function\":\"legacy\"}]"), oldSpan.get("stack"));
        Map<Span, JsonNode> read = Map.of(old, oldSpan, fresh, freshSpan);
        read.forEach((s, span) -> {
            Map<String, String> sent = Map.of("sql", s.detail().sql(), "http", s.detail().http(), "cache",
                    s.detail().cache(), "redis", s.detail().redis(), "dumps", s.detail().dumps(), "file_io", s.detail().fileIo());
            for (String column : LISTS) {
                assertEquals(json(sent.get(column)), withoutFingerprints(span.get(column)), column + " of " + s.traceId());
            }
        });
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE detail_segment IS NULL AND sql IS NOT NULL"));
        store.close();
    }

    @Test
    void aDamagedOrMissingSegmentCostsOnlyItsOwnSpansTheirListsAndIsCounted() throws Exception {
        DuckDbSpanStore store = new DuckDbSpanStore(dir.resolve("opa.duckdb"), 1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        store.registerMetrics(meters);
        store.init();
        Span first = full(5).toSpan();
        Span second = full(6).toSpan();
        store.write(new Batch(List.of(first), List.of(), List.of()));
        store.write(new Batch(List.of(second), List.of(), List.of()));
        TracesApi traces = new TracesApi(new QueryRunner(store::readDataSource, new SqlCatalog("duckdb")), store);

        // damage the first span's block (its declared length kept)
        long offset;
        int length;
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT detail_offset, detail_length FROM spans_full WHERE trace_id = '"
                        + first.traceId() + "'")) {
            assertTrue(rs.next());
            offset = rs.getLong(1);
            length = rs.getInt(2);
        }
        Path segment = segments().get(0);
        byte[] content = Files.readAllBytes(segment);
        java.util.Arrays.fill(content, (int) offset + 4, (int) offset + length, (byte) 0xF0);
        Files.write(segment, content);

        JsonNode broken = spanOf(traces, first.traceId());
        assertTrue(broken.get("detail_error").asText().contains("unreadable"), broken.toString());
        for (String column : LISTS) {
            assertTrue(broken.get(column).isNull(), column);
        }
        assertEquals("GET /full", broken.get("name").asText(), "the rest of the span is still there");
        assertEquals(json(first.detail().tags()), broken.get("tags"));
        JsonNode other = spanOf(traces, second.traceId());
        assertFalse(other.has("detail_error"), "another trace is not affected");
        assertEquals(json(second.detail().cache()), other.get("cache"));
        assertEquals(1.0, meters.get("opa.duckdb.unreadable").tag("part", "detail").functionCounter().count());

        // the segment file gone: both traces answer, with the reason, instead of failing the request
        Files.delete(segment);
        JsonNode gone = spanOf(traces, second.traceId());
        assertTrue(gone.get("detail_error").asText().contains("missing"), gone.toString());
        assertTrue(gone.get("stack_error").asText().contains("missing"), gone.toString());
        assertTrue(gone.get("stack").isNull());
        assertEquals(2.0, meters.get("opa.duckdb.unreadable").tag("part", "detail").functionCounter().count());
        assertEquals(1.0, meters.get("opa.duckdb.unreadable").tag("part", "stack").functionCounter().count());
        store.close();
    }

    private List<Path> segments() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
        }
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> p = new HashMap<>();
        p.put("from", String.valueOf(T0 - 1000));
        p.put("to", String.valueOf(T0 + 3_600_000));
        for (int i = 0; i < kv.length; i += 2) {
            p.put((String) kv[i], kv[i + 1]);
        }
        return p;
    }

    /** The one span of a trace as GET /api/traces/{id} answers it (as JSON). */
    static JsonNode spanOf(TracesApi traces, String traceId) {
        Map<String, Object> detail = traces.detail(params("traceId", traceId));
        JsonNode spans = TestSpan.JSON.valueToTree(detail).get("spans");
        assertEquals(1, spans.size());
        return spans.get(0);
    }

    /** The SQL records without the fingerprint and normalised text the trace API adds to each. */
    static JsonNode withoutFingerprints(JsonNode records) {
        JsonNode copy = records.deepCopy();
        if (copy instanceof ArrayNode array) {
            for (JsonNode r : array) {
                if (r instanceof ObjectNode o) {
                    o.remove(List.of("fingerprint", "normalized"));
                }
            }
        }
        return copy;
    }

    private static long count(DuckDbSpanStore store, String sql) throws Exception {
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
