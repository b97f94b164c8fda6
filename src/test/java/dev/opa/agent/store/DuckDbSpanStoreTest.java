package dev.opa.agent.store;

import static dev.opa.agent.testkit.TestEvents.batchWithEvents;
import static dev.opa.agent.testkit.TestSpan.T0;
import static dev.opa.agent.testkit.TestSpan.json;
import static dev.opa.agent.testkit.TestSpan.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.store.duckdb.DuckDbSettings;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store on a real DuckDB file: every table, derived rows, atomic batches, reopen. */
class DuckDbSpanStoreTest {

    @TempDir
    Path dir;

    private static long count(DuckDbSpanStore store, String sql) throws Exception {
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(DuckDbSpanStore store, String sql) throws Exception {
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void writesSpansDerivedRowsErrorsAndLogs() throws Exception {
        DuckDbSpanStore store = new DuckDbSpanStore(dir.resolve("a/opa.duckdb"), 2);
        store.init();
        Span s = numbered(1).service("shop").weight(4.0)
                .detail("sql", json("[{\"query\":\"SELECT * FROM t WHERE id = 5\",\"db_system\":\"mysql\",\"duration_ms\":1.5,"
                        + "\"rows\":3,\"timestamp\":" + (T0 / 1000 + 2) + "}]"))
                .detail("http", json("[{\"url\":\"http://h:81/a/42\",\"method\":\"GET\",\"status_code\":503,\"duration_ms\":4,"
                        + "\"error\":\"boom\"}]"))
                .detail("stack", json("[{\"call_id\":\"1\",\"parent_id\":null,\"function\":\"main\","
                        + "\"sql_queries\":[{\"query\":\"SELECT 2\"}]}]"))
                .toSpan();
        store.write(batchWithEvents(s));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_min WHERE sql_count = 1 AND http_count = 1 AND sample_weight = 4"));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE json_extract_string(tags, '$.env') = 't'"));
        assertEquals("SELECT * FROM t WHERE id = ?", text(store,
                "SELECT h.normalized FROM sql_queries q JOIN sql_shapes h USING (fingerprint) WHERE q.normalized = ''"));
        assertEquals(T0 + 2000, count(store, "SELECT epoch_ms(start_ts) FROM sql_queries"), "legacy epoch seconds");
        assertEquals("h:81 /a/{id} 503 boom", text(store,
                "SELECT host || ' ' || path_template || ' ' || status_code || ' ' || error FROM http_calls"));
        assertEquals("k=1", text(store, "SELECT text FROM dumps"));
        assertEquals(1, count(store, "SELECT count(*) FROM errors WHERE fingerprint = 'fp'"));
        assertEquals(1, count(store, "SELECT count(*) FROM logs WHERE message = 'hello'"));
        store.close();

        DuckDbSpanStore reopened = new DuckDbSpanStore(dir.resolve("a/opa.duckdb"), 1);
        reopened.init(); // schema creation is idempotent
        assertEquals(1, count(reopened, "SELECT count(*) FROM spans_min"));
        reopened.close();
    }

    @Test
    void nestedStackSqlIsUsedWhenTheSpanListsNone() throws Exception {
        DuckDbSpanStore store = new DuckDbSpanStore(dir.resolve("b.duckdb"), 1);
        store.init();
        store.write(batchWithEvents(numbered(2).service("shop")
                .detail("stack", json("[{\"call_id\":\"1\",\"sql_queries\":[{\"query\":\"SELECT 1\"},{\"query\":\"SELECT 2\"}]}]"))
                .toSpan()));
        assertEquals(2, count(store, "SELECT count(*) FROM sql_queries"));
        assertEquals(2, count(store, "SELECT sql_count FROM spans_min"));
        store.close();
    }

    @Test
    void aFailingBatchLeavesNothingBehind() throws Exception {
        Path file = dir.resolve("c.duckdb");
        DuckDbSpanStore store = new DuckDbSpanStore(file, 1);
        store.init();
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE logs"); // the spans of the batch go in first, then the logs fail
        }
        Batch batch = batchWithEvents(numbered(3).service("shop").toSpan());
        assertThrows(Exception.class, () -> store.write(batch));
        assertEquals(0, count(store, "SELECT count(*) FROM spans_min"));
        assertEquals(0, count(store, "SELECT count(*) FROM spans_full"));
        assertEquals(0, count(store, "SELECT count(*) FROM errors"));
        store.close();

        DuckDbSpanStore healed = new DuckDbSpanStore(file, 1);
        healed.init(); // recreates the missing table
        healed.write(batch);
        assertEquals(1, count(healed, "SELECT count(*) FROM spans_min"));
        assertTrue(healed.isHealthy());
        healed.close();
    }

    @Test
    void aRowTheTableRefusesFailsItsBatchAndLeavesNothingForTheNext() throws Exception {
        DuckDbSpanStore store = new DuckDbSpanStore(dir.resolve("n.duckdb"), 1);
        store.init();
        store.write(batchWithEvents(numbered(1).service("shop").toSpan())); // the appenders are open now
        Span good = numbered(2).service("shop").toSpan();
        Span noName = new Span(good.organizationId(), good.projectId(), String.format("%032x", 3), good.spanId(),
                null, good.service(), null, good.startMs(), good.endMs(), good.durationMs(), good.cpuMs(), good.status(),
                good.httpMethod(), good.httpRoute(), good.httpStatus(), good.language(), good.languageVersion(), null,
                null, good.detail(), 1.0); // spans_min.name is NOT NULL
        Exception e = assertThrows(Exception.class, () -> store.write(batchWithEvents(good, noName)));
        assertTrue(e.getMessage().contains("NOT NULL"), e.getMessage());
        assertEquals(1, count(store, "SELECT count(*) FROM spans_min"), "the failed batch stored nothing");
        assertEquals(1, count(store, "SELECT count(*) FROM logs"));

        store.write(batchWithEvents(numbered(4).service("shop").toSpan()));
        assertEquals(2, count(store, "SELECT count(*) FROM spans_min"), "no row of the failed batch came along");
        assertEquals(2, count(store, "SELECT count(*) FROM spans_full"));
        assertEquals(2, count(store, "SELECT count(*) FROM logs"));
        assertEquals(0, count(store, "SELECT count(*) FROM spans_min WHERE trace_id = '" + good.traceId() + "'"));
        store.close();
    }

    @Test
    void settingsAreAppliedAndValidated() throws Exception {
        DuckDbSpanStore store = new DuckDbSpanStore(new DuckDbSettings(dir.resolve("m.duckdb"), 1,
                DuckDbSettings.pragmas("64MB", "128MB", "1")));
        store.init();
        assertTrue(text(store, "SELECT current_setting('memory_limit')").startsWith("61"), "64MB is about 61 MiB");
        assertTrue(text(store, "SELECT current_setting('checkpoint_threshold')").startsWith("122"), "128MB ~ 122 MiB");
        assertEquals("1", text(store, "SELECT current_setting('threads')"));
        store.close();
        assertThrows(IllegalArgumentException.class, () -> DuckDbSettings.pragmas("1GB'; DROP TABLE x; --", "", ""));
        assertThrows(IllegalArgumentException.class, () -> DuckDbSettings.pragmas("", "1GB' --", ""));
        assertThrows(IllegalArgumentException.class, () -> DuckDbSettings.pragmas("", "", "0; DROP TABLE x"));
        assertEquals(java.util.Map.of(), DuckDbSettings.pragmas("", " ", null), "empty keeps DuckDB's defaults");
    }

    @Test
    void settingsComeFromTheOpaStoreKeys() {
        DuckDbSettings s = DuckDbSettings.fromStoreSettings(java.util.Map.of("duckdb.file", "/d/opa.duckdb",
                "duckdb.read-pool-size", " 3 ", "duckdb.memory-limit", "256MB", "duckdb.threads", ""));
        assertEquals(Path.of("/d/opa.duckdb"), s.file());
        assertEquals(3, s.readPoolSize());
        assertEquals(java.util.Map.of("memory_limit", "256MB"), s.pragmas());
        assertEquals(4, DuckDbSettings.fromStoreSettings(java.util.Map.of("duckdb.file", "x")).readPoolSize());
        assertThrows(IllegalArgumentException.class, () -> DuckDbSettings.fromStoreSettings(java.util.Map.of()));
        assertThrows(IllegalArgumentException.class, () -> DuckDbSettings.fromStoreSettings(
                java.util.Map.of("duckdb.file", "x", "duckdb.memory-limit", "lots")));
    }

    @Test
    void sizeOnDiskCountsTheWalThatDuckDbDoesNotReport() throws Exception {
        Path file = dir.resolve("w.duckdb");
        DuckDbSpanStore store = new DuckDbSpanStore(file, 1);
        store.init();
        store.write(batchWithEvents(numbered(4).service("shop").toSpan()));
        long wal = java.nio.file.Files.size(Path.of(file + ".wal"));
        assertTrue(wal > 0, "the batch is in the WAL until a checkpoint");
        assertTrue(store.bytesOnDisk(0) >= java.nio.file.Files.size(file) + wal);
        assertEquals(1L << 40, store.bytesOnDisk(1L << 40), "a larger figure reported by DuckDB stands");
        store.close();
    }

    @Test
    void aFileOfAnOlderVersionGetsTheCompressedStackColumnAndKeepsItsRows() throws Exception {
        DuckDbSpanStore store = storeOverAnOlderFile("old.duckdb", DuckDbSpanStore.schema()
                .replace("stack           JSON,      -- array of call nodes", "stack           JSON       -- array of call nodes")
                .replaceAll("(?m)^\\s*(stack_(lz4|segment|offset|length)|file_io|detail_(segment|offset|length))\\s+.*$", "")
                .replaceAll("(?m)^ALTER TABLE spans_full ADD COLUMN IF NOT EXISTS (stack_|file_io|detail_).*$", ""),
                "INSERT INTO spans_full (organization_id, project_id, trace_id, span_id, service, start_ts, stack) "
                        + "VALUES ('o', 'p', 'old', '1', 's', now(), '[{\"function\":\"legacy\"}]')");
        Span s = numbered(7).service("shop").detail("stack", json("[{\"call_id\":\"1\",\"function\":\"fresh\"}]")).toSpan();
        store.write(new Batch(java.util.List.of(s), java.util.List.of(), java.util.List.of()));
        assertEquals("[{\"function\":\"legacy\"}]", text(store, "SELECT CAST(stack AS VARCHAR) FROM spans_full WHERE trace_id = 'old'"));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE trace_id = 'old' AND stack_lz4 IS NULL"));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE trace_id = '" + s.traceId()
                + "' AND stack IS NULL AND stack_lz4 IS NOT NULL AND stack_segment IS NULL"), "a tiny stack stays in the row");
        StringBuilder nodes = new StringBuilder("[");
        for (int i = 0; i < 3000; i++) {
            nodes.append(i == 0 ? "" : ",").append("{\"call_id\":\"").append(i).append("\",\"function\":\"f").append(i * 7919)
                    .append("\",\"duration_ms\":").append(i % 13).append('}');
        }
        Span big = numbered(8).service("shop").detail("stack", json(nodes.append(']').toString())).toSpan();
        store.write(new Batch(java.util.List.of(big), java.util.List.of(), java.util.List.of()));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE trace_id = '" + big.traceId()
                + "' AND stack IS NULL AND stack_lz4 IS NULL AND stack_segment IS NOT NULL"), "a large stack in a segment");
        assertEquals(big.detail().stack(), storedStack(store, big.traceId()));
        assertEquals(s.detail().stack(), storedStack(store, s.traceId()));
        assertEquals("[{\"function\":\"legacy\"}]", storedStack(store, "old"));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_full WHERE trace_id = 'old' AND file_io IS NULL"));
        assertEquals("[]", text(store, "SELECT CAST(file_io AS VARCHAR) FROM spans_full WHERE trace_id = '" + s.traceId() + "'"));
        store.close();
    }

    @Test
    void eachStatementShapeIsWrittenOnceAndRowsOfOlderVersionsKeepTheirText() throws Exception {
        Path file = dir.resolve("shapes.duckdb");
        DuckDbSpanStore store = new DuckDbSpanStore(file, 1);
        store.init();
        Span first = numbered(31).service("shop").sql("mysql", 1, "SELECT * FROM t WHERE id = 1", "SELECT * FROM t WHERE id = 2",
                "SELECT name FROM u WHERE x = 'a'").toSpan();
        // a batch that fails (spans_min.name is NOT NULL) with a shape of its own: that shape is not taken as stored
        Span failing = numbered(32).service("shop").sql("mysql", 1, "DELETE FROM v WHERE id = 9").toSpan();
        Span noName = new Span(failing.organizationId(), failing.projectId(), failing.traceId(), failing.spanId(), null,
                failing.service(), null, failing.startMs(), failing.endMs(), failing.durationMs(), failing.cpuMs(),
                failing.status(), null, null, null, null, null, null, null, failing.detail(), 1.0);
        store.write(new Batch(java.util.List.of(first), java.util.List.of(), java.util.List.of()));
        assertThrows(Exception.class, () -> store.write(new Batch(java.util.List.of(noName), java.util.List.of(),
                java.util.List.of())));
        Span again = numbered(33).service("shop").sql("mysql", 1, "SELECT * FROM t WHERE id = 3", "DELETE FROM v WHERE id = 8")
                .toSpan();
        store.write(new Batch(java.util.List.of(again), java.util.List.of(), java.util.List.of()));
        assertEquals(5, count(store, "SELECT count(*) FROM sql_queries WHERE normalized = ''"));
        assertEquals("DELETE FROM v WHERE id = ?|SELECT * FROM t WHERE id = ?|SELECT name FROM u WHERE x = ?",
                text(store, "SELECT string_agg(normalized, '|' ORDER BY normalized) FROM sql_shapes"), "each shape once");
        store.close();

        // rows of an older version (text in the row, no shape row), then the same shape from this version
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:" + file, new java.util.Properties());
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO sql_queries SELECT organization_id, project_id, 'old-trace', span_id, service, start_ts, "
                    + "'fp-old', 'SELECT legacy WHERE a = ?', 'SELECT legacy WHERE a = 1', db_system, 2, rows, 1 "
                    + "FROM sql_queries LIMIT 1");
        }
        DuckDbSpanStore reopened = new DuckDbSpanStore(file, 1);
        reopened.init();
        reopened.write(new Batch(java.util.List.of(numbered(34).service("shop").sql("mysql", 1, "SELECT * FROM t WHERE id = 4")
                .toSpan()), java.util.List.of(), java.util.List.of()));
        assertEquals(3, count(reopened, "SELECT count(*) FROM sql_shapes"), "shapes stored before the restart are known");
        var queries = new dev.opa.agent.api.QueryRunner(reopened::readDataSource, new dev.opa.agent.api.SqlCatalog("duckdb"));
        java.util.Map<String, Object> params = new java.util.HashMap<>(java.util.Map.of("from", "0", "to",
                String.valueOf(T0 + 86_400_000L), "threshold", "2", "limit", "50"));
        var groups = dev.opa.agent.api.Pages.items(new dev.opa.agent.api.SqlApi(queries).groups(params));
        java.util.Map<Object, Object> normalizedByCount = new java.util.TreeMap<>();
        for (var g : groups) {
            normalizedByCount.put(g.get("normalized"), g.get("count"));
        }
        assertEquals(java.util.Map.of("DELETE FROM v WHERE id = ?", 1.0, "SELECT * FROM t WHERE id = ?", 4.0,
                "SELECT legacy WHERE a = ?", 1.0, "SELECT name FROM u WHERE x = ?", 1.0), normalizedByCount);
        var runs = dev.opa.agent.api.Pages.items(new dev.opa.agent.api.SqlApi(queries).nPlusOne(params));
        assertEquals(1, runs.size(), runs.toString());
        assertEquals("SELECT * FROM t WHERE id = ?", runs.get(0).get("normalized"));
        reopened.close();
    }

    @Test
    void aFileOfAnOlderVersionGetsIsEntryFilledForItsRows() throws Exception {
        DuckDbSpanStore store = storeOverAnOlderFile("old-entry.duckdb", DuckDbSpanStore.schema()
                .replace("sample_weight   DOUBLE    NOT NULL,   -- 1 / sampling probability",
                        "sample_weight   DOUBLE    NOT NULL    -- 1 / sampling probability")
                .replaceAll("(?m)^\\s*(is_entry\\s+BOOLEAN|sql_ms\\s+DOUBLE|http_ms\\s+DOUBLE).*$", "")
                .replaceAll("(?m)^\\s+-- request of a continued trace.*$", "")
                .replaceAll("(?m)^(ALTER TABLE spans_min ADD COLUMN IF NOT EXISTS (is_entry|sql_ms|http_ms)|UPDATE spans_min SET is_entry).*$", ""),
                "INSERT INTO spans_min (organization_id, project_id, trace_id, span_id, parent_id, service, name, "
                        + "start_ts, end_ts, duration_ms, cpu_ms, status, http_method, sql_count, http_count, cache_count, "
                        + "sample_weight) VALUES "
                        + "('o', 'p', 't', 'root', NULL, 's', 'GET /', now(), now(), 1, 1, 'ok', 'GET', 0, 0, 0, 1), "
                        + "('o', 'p', 't', 'call', 'root', 's2', 'GET /x', now(), now(), 1, 1, 'ok', 'GET', 0, 0, 0, 1), "
                        + "('o', 'p', 't', 'inner', 'root', 's', 'work', now(), now(), 1, 1, 'ok', NULL, 0, 0, 0, 1)");
        assertEquals("call,root", text(store,
                "SELECT string_agg(span_id, ',' ORDER BY span_id) FROM spans_min WHERE is_entry"));
        assertEquals(1, count(store, "SELECT count(*) FROM spans_min WHERE NOT is_entry"));
        assertEquals(3, count(store, "SELECT count(*) FROM spans_min WHERE sql_ms = 0 AND http_ms = 0"), "0 for old rows");
        Span fresh = numbered(9).service("shop")
                .detail("sql", json("[{\"query\":\"SELECT 1\",\"duration_ms\":1.5},{\"query\":\"SELECT 2\",\"duration_ms\":2}]"))
                .detail("http", json("[{\"url\":\"http://h/\",\"duration_ms\":4}]")).toSpan();
        store.write(new Batch(java.util.List.of(fresh), java.util.List.of(), java.util.List.of()));
        assertEquals("2 3.5 1 4.0", text(store, "SELECT sql_count || ' ' || sql_ms || ' ' || http_count || ' ' || http_ms "
                + "FROM spans_min WHERE trace_id = '" + fresh.traceId() + "'"), "new rows after the added columns");
        store.close();
    }

    /** A file written with an older schema (and rows), then opened by the store, which upgrades it. */
    private DuckDbSpanStore storeOverAnOlderFile(String name, String oldSchema, String rows) throws Exception {
        Path file = dir.resolve(name);
        try (Connection c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:" + file, new java.util.Properties());
                Statement st = c.createStatement()) {
            st.execute(oldSchema);
            st.execute(rows);
        }
        DuckDbSpanStore store = new DuckDbSpanStore(file, 1);
        store.init();
        return store;
    }

    /** The stack of a trace's row as the trace API reads it ({@code SpanStore.stack}). */
    static String storedStack(DuckDbSpanStore store, String traceId) throws Exception {
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT CAST(stack AS VARCHAR) AS stack, stack_lz4, stack_segment, stack_offset, "
                        + "stack_length FROM spans_full WHERE trace_id = '" + traceId + "'")) {
            rs.next();
            java.util.Map<String, Object> row = new java.util.HashMap<>();
            for (int i = 1; i <= 5; i++) {
                row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
            }
            return store.stack(row);
        }
    }
}
