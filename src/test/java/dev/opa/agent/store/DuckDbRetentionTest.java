package dev.opa.agent.store;

import static dev.opa.agent.store.DuckDbDetailSegmentsTest.LISTS;
import static dev.opa.agent.store.DuckDbDetailSegmentsTest.full;
import static dev.opa.agent.store.DuckDbDetailSegmentsTest.spanOf;
import static dev.opa.agent.store.DuckDbDetailSegmentsTest.withoutFingerprints;
import static dev.opa.agent.testkit.TestSpan.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opa.agent.api.QueryRunner;
import dev.opa.agent.api.SqlCatalog;
import dev.opa.agent.api.TracesApi;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.Span;
import dev.opa.agent.store.duckdb.DuckDbSettings;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import dev.opa.agent.testkit.TestEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of the embedded store ({@code opa.store.duckdb.retention-days}) on a real DuckDB file: rows older than
 * the retention leave every table of request data, segment files only their rows referred to go, the open segment
 * and everything newer stay whole; a failed run is counted and changes nothing.
 */
class DuckDbRetentionTest {

    static final long DAY = TimeUnit.DAYS.toMillis(1);
    static final long NOW = System.currentTimeMillis();
    static final List<String> TABLES = List.of("spans_min", "spans_full", "http_calls", "dumps", "errors", "logs");
    /** Statements per capture ({@code DuckDbDetailSegmentsTest.full}). */
    static final int STATEMENTS = 60;

    @TempDir
    Path dir;

    DuckDbSpanStore store;
    SimpleMeterRegistry meters;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    /** Opens the store on the same file again (as after a restart), with 7 days of retention. */
    DuckDbSpanStore open(int retentionDays) throws Exception {
        if (store != null) {
            store.close();
        }
        store = new DuckDbSpanStore(new DuckDbSettings(dir.resolve("opa.duckdb"), 1, Map.of(), retentionDays));
        store.init();
        meters = new SimpleMeterRegistry();
        store.registerMetrics(meters);
        return store;
    }

    /**
     * A full capture (stack and record lists in a segment file: 60 statements, an outgoing call, a dump) started
     * {@code ageMs} ago, with an error and a log: one row in each of {@link #TABLES}.
     */
    static Batch capture(int n, long ageMs) {
        Span s = full(n).start(NOW - ageMs).dump(NOW - ageMs, "a.php", 3, "{\"k\":" + n + "}", "k=" + n).toSpan();
        return new Batch(List.of(s),
                List.of(TestEvents.error(s.traceId(), s.spanId(), "shop", NOW - ageMs, "E", "boom " + n, "fp" + n)),
                List.of(TestEvents.log(s.traceId(), s.spanId(), "shop", NOW - ageMs, "info", "line " + n)));
    }

    /** The store moves on to a new segment file: the next one exists when it opens (as after a rotation). */
    void rotate(int next) throws Exception {
        store.close();
        store = null;
        Files.createFile(segments().resolve(String.format("%06d.seg", next)));
        open(7);
    }

    @Test
    void oldRowsAndTheirSegmentFilesGoNewTracesStayWhole() throws Exception {
        open(7);
        Batch old1 = capture(1, 10 * DAY);
        Batch old2 = capture(2, 30 * DAY);
        store.write(old1);
        store.write(old2); // segment 1: only old data
        rotate(2);
        Batch old3 = capture(3, 8 * DAY);
        Batch new4 = capture(4, 6 * DAY); // inside the retention: keeps segment 2
        store.write(old3);
        store.write(new4);
        rotate(3);
        Batch new5 = capture(5, 60_000);
        store.write(new5); // segment 3: the open one
        assertEquals(List.of("000001.seg", "000002.seg", "000003.seg"), segmentNames());
        for (String table : TABLES) {
            assertEquals(5, count("SELECT count(*) FROM " + table), table);
        }
        assertEquals(5 * STATEMENTS, count("SELECT count(*) FROM sql_queries"));
        long shapes = count("SELECT count(*) FROM sql_shapes");
        byte[] openSegment = Files.readAllBytes(segments().resolve("000003.seg"));

        store.expireOldData();

        for (String table : TABLES) {
            assertEquals(0, count("SELECT count(*) FROM " + table + " WHERE trace_id IN " + ids(old1, old2, old3)), table);
            assertEquals(2, count("SELECT count(*) FROM " + table + " WHERE trace_id IN " + ids(new4, new5)), table);
        }
        assertEquals(2 * STATEMENTS, count("SELECT count(*) FROM sql_queries WHERE trace_id IN " + ids(new4, new5)));
        assertEquals(2 * STATEMENTS, count("SELECT count(*) FROM sql_queries"));
        assertEquals(shapes, count("SELECT count(*) FROM sql_shapes"), "the shape dictionary is kept");
        assertEquals(List.of("000002.seg", "000003.seg"), segmentNames(), "segment 2 still holds a kept trace");
        assertArrayEquals(openSegment, Files.readAllBytes(segments().resolve("000003.seg")), "the open segment untouched");
        long rows = (long) meters.get("opa.store.retention.deleted").tag("kind", "rows").functionCounter().count();
        assertEquals(3 * (TABLES.size() + STATEMENTS), rows, "per old capture: a row in each table and its statements");
        assertEquals(1.0, meters.get("opa.store.retention.deleted").tag("kind", "segment_files").functionCounter().count());
        assertEquals(0.0, meters.get("opa.store.retention.failures").functionCounter().count());

        TracesApi traces = new TracesApi(new QueryRunner(store::readDataSource, new SqlCatalog("duckdb")), store);
        for (Batch kept : List.of(new4, new5)) {
            assertWhole(traces, kept.spans().get(0));
        }

        // a second run finds nothing to delete
        store.expireOldData();
        assertEquals(rows, (long) meters.get("opa.store.retention.deleted").tag("kind", "rows").functionCounter().count());
        assertEquals(List.of("000002.seg", "000003.seg"), segmentNames());

        // the writer goes on where it was
        Batch new6 = capture(6, 1000);
        store.write(new6);
        assertWhole(traces, new6.spans().get(0));
        assertEquals(List.of("000002.seg", "000003.seg"), segmentNames());
    }

    @Test
    void whenEveryRowIsOldTheOpenSegmentStays() throws Exception {
        open(7);
        store.write(capture(1, 9 * DAY));
        rotate(2);
        store.write(capture(2, 9 * DAY));
        store.expireOldData();
        for (String table : TABLES) {
            assertEquals(0, count("SELECT count(*) FROM " + table), table);
        }
        assertEquals(0, count("SELECT count(*) FROM sql_queries"));
        assertEquals(List.of("000002.seg"), segmentNames(), "no row refers to it, but it is the open one");
        Batch fresh = capture(3, 0);
        store.write(fresh);
        assertWhole(new TracesApi(new QueryRunner(store::readDataSource, new SqlCatalog("duckdb")), store),
                fresh.spans().get(0));
    }

    @Test
    void zeroDaysKeepsEverything() throws Exception {
        open(0);
        store.write(capture(1, 400 * DAY));
        rotate(2);
        store.close();
        store = null;
        open(0);
        store.write(capture(2, 400 * DAY));
        store.expireOldData();
        for (String table : TABLES) {
            assertEquals(2, count("SELECT count(*) FROM " + table), table);
        }
        assertEquals(2 * STATEMENTS, count("SELECT count(*) FROM sql_queries"));
        assertEquals(List.of("000001.seg", "000002.seg"), segmentNames());
        assertEquals(0.0, meters.get("opa.store.retention.deleted").tag("kind", "rows").functionCounter().count());
    }

    @Test
    void aFailedRunIsCountedAndDeletesNothing() throws Exception {
        open(7);
        store.write(capture(1, 10 * DAY));
        rotate(2);
        store.write(capture(2, 10 * DAY));
        try (Connection c = store.openConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE logs"); // the last table retention deletes from: the others' deletes are undone
        }
        store.expireOldData(); // does not throw

        assertEquals(1.0, meters.get("opa.store.retention.failures").functionCounter().count());
        assertEquals(0.0, meters.get("opa.store.retention.deleted").tag("kind", "rows").functionCounter().count());
        for (String table : List.of("spans_min", "spans_full", "http_calls", "dumps", "errors")) {
            assertEquals(2, count("SELECT count(*) FROM " + table), table + ": one transaction, rolled back");
        }
        assertEquals(2 * STATEMENTS, count("SELECT count(*) FROM sql_queries"));
        assertEquals(List.of("000001.seg", "000002.seg"), segmentNames());
        assertTrue(store.isHealthy());
        store.write(new Batch(List.of(full(3).start(NOW).toSpan()), List.of(), List.of())); // writes go on
        assertEquals(3, count("SELECT count(*) FROM spans_full"));
    }

    private void assertWhole(TracesApi traces, Span s) {
        JsonNode span = spanOf(traces, s.traceId());
        assertFalse(span.has("detail_error"), span.toString());
        assertFalse(span.has("stack_error"), span.toString());
        assertEquals(json(s.detail().stack()), span.get("stack"), "stack of " + s.traceId());
        Map<String, String> sent = Map.of("sql", s.detail().sql(), "http", s.detail().http(), "cache", s.detail().cache(),
                "redis", s.detail().redis(), "dumps", s.detail().dumps(), "file_io", s.detail().fileIo());
        for (String column : LISTS) {
            assertEquals(json(sent.get(column)), withoutFingerprints(span.get(column)), column + " of " + s.traceId());
        }
    }

    private static String ids(Batch... batches) {
        return Stream.of(batches).map(b -> "'" + b.spans().get(0).traceId() + "'").collect(Collectors.joining(",", "(", ")"));
    }

    private Path segments() {
        return dir.resolve("opa.duckdb.stacks");
    }

    private List<String> segmentNames() throws Exception {
        try (Stream<Path> files = Files.list(segments())) {
            return List.copyOf(files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
