package dev.opa.agent.api;

import static dev.opa.agent.testkit.TestIds.spanId;
import static dev.opa.agent.testkit.TestIds.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import dev.opa.agent.testkit.TestEvents;
import dev.opa.agent.testkit.TestSpan;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's query beans against a real DuckDB file written by the real DuckDB store: exact figures that
 * the HTTP test (ApiHttpTest) cannot pin down because sampling and timing vary there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiQueriesTest {

    static final long T0 = 1_700_000_000_000L;

    @TempDir
    static Path dir;
    DuckDbSpanStore store;
    QueryRunner queries;

    @BeforeAll
    void seed() throws Exception {
        store = new DuckDbSpanStore(dir.resolve("api.duckdb"), 2);
        store.init();
        List<Span> spans = new ArrayList<>();
        List<ErrorEvent> errors = new ArrayList<>();
        List<LogEvent> logs = new ArrayList<>();
        // "weighted": one fast request kept at weight 1, one slow error kept at weight 9 (rate 1/9)
        spans.add(root(1, "weighted", "GET /a", T0, 10, "ok", 1));
        spans.add(root(2, "weighted", "GET /a", T0 + 1, 100, "error", 9));
        // "plain": 100 requests of 1..100 ms, weight 1; 25 of them share a start time and duration (paging ties)
        for (int i = 1; i <= 100; i++) {
            long start = i <= 25 ? T0 + 5000 : T0 + 5000 + i;
            double duration = i <= 25 ? 50 : i;
            spans.add(root(100 + i, "plain", i % 2 == 0 ? "GET /even" : "GET /odd", start, duration, "ok", 1));
        }
        // N+1: trace 300 runs one statement shape 12 times, trace 301 three times
        List<String> loop = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            loop.add("SELECT * FROM users WHERE id = " + i);
        }
        spans.add(TestSpan.request(traceId(300), spanId(300), "shop", "GET /users", T0 + 9000, 40, "ok").tag("env", "prod")
                .sql("mysql", 2.0, loop.toArray(String[]::new))
                .dump(T0 + 9001, "/app/index.php", 7, "{\"a\":1}", "dumped user").toSpan());
        spans.add(TestSpan.request(traceId(301), spanId(301), "shop", "GET /users", T0 + 9100, 30, "ok").tag("env", "staging")
                .sql("mysql", 2.0, "SELECT * FROM users WHERE id = 1", "SELECT * FROM users WHERE id = 2",
                        "SELECT * FROM users WHERE id = 3", "SELECT name FROM t WHERE x = '%_; DROP TABLE spans_min; --'")
                .dump(T0 + 9101, "/app/index.php", 7, "{\"a\":1}", "second").toSpan());
        // hostile names are stored and searched literally
        spans.add(root(400, "shop", "GET /x' OR 1=1 --", T0 + 9500, 5, "ok", 1));
        errors.add(TestEvents.error(traceId(300), spanId(300), "shop", T0 + 9002, "TypeError", "bad id", "fp-type"));
        errors.add(TestEvents.error(traceId(301), spanId(301), "shop", T0 + 9102, "TypeError", "bad id again", "fp-type"));
        errors.add(TestEvents.error(traceId(2), spanId(2), "weighted", T0 + 2, "RuntimeException", "timeout", "fp-timeout"));
        logs.add(TestEvents.log(traceId(300), spanId(300), "shop", T0 + 9003, "DEBUG", "noise"));
        logs.add(TestEvents.log(traceId(300), spanId(300), "shop", T0 + 9004, "WARNING", "slow query"));
        logs.add(TestEvents.log(traceId(301), spanId(301), "shop", T0 + 9104, "ERROR", "failed 100%"));
        store.write(new Batch(spans, errors, logs));
        queries = new QueryRunner(store::readDataSource, new SqlCatalog("duckdb"));
    }

    @AfterAll
    void close() {
        store.close();
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

    static Map<String, Object> row(List<Map<String, Object>> items, String key, Object value) {
        return items.stream().filter(r -> value.equals(r.get(key))).findFirst().orElseThrow(
                () -> new AssertionError("no row with " + key + "=" + value + " in " + items));
    }

    static double num(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }

    @Test
    void redFiguresCountSampleWeights() {
        var items = Pages.items(new ServicesApi(queries).services(params()));
        Map<String, Object> weighted = row(items, "service", "weighted");
        assertEquals(10.0, num(weighted, "requests"));
        assertEquals(9.0, num(weighted, "errors"));
        assertEquals(0.9, num(weighted, "error_rate"), 1e-9);
        // unweighted, the median of {10, 100} would be 10; 9 of 10 represented requests took 100 ms
        assertEquals(100.0, num(weighted, "p50_ms"));
        Map<String, Object> plain = row(items, "service", "plain");
        assertEquals(100.0, num(plain, "requests"));
        assertEquals(50.0, num(plain, "p50_ms"));
        assertEquals(95.0, num(plain, "p95_ms"));
        assertEquals(99.0, num(plain, "p99_ms"));
        assertEquals(100.0 / (3_601_000 / 60_000.0), num(plain, "throughput_per_min"), 1e-9);
        assertEquals(List.of("plain", "shop", "weighted"), items.stream().map(r -> r.get("service")).toList());
    }

    @Test
    void endpointsCountRequestsAndTheTimeSeriesAlignsItsBucketsToTheInterval() {
        var endpoints = Pages.items(new ServicesApi(queries).endpoints(params("service", "plain", "sort", "name")));
        assertEquals(List.of("GET /even", "GET /odd"), endpoints.stream().map(r -> r.get("name")).toList());
        assertEquals(50.0, num(endpoints.get(0), "requests"));
        var series = new ServicesApi(queries).timeseries(params("service", "weighted", "interval", "60"));
        assertEquals(60, series.get("interval"));
        var points = Pages.items(series);
        assertEquals(1, points.size());
        assertEquals(T0 / 60_000 * 60_000, ((Number) points.get(0).get("ts")).longValue());
        assertEquals(10.0, num(points.get(0), "requests"));
        assertThrows(BadRequestException.class,
                () -> new ServicesApi(queries).timeseries(params("service", "plain", "interval", "1", "from", "0")));
    }

    @Test
    void pagingIsStableAcrossTies() {
        TracesApi traces = new TracesApi(queries, store);
        List<Object> all = Pages.items(traces.search(params("service", "plain", "sort", "duration", "limit", "100")))
                .stream().map(r -> r.get("trace_id")).toList();
        List<Object> paged = new ArrayList<>();
        for (int offset = 0; offset < 100; offset += 7) {
            var page = traces.search(params("service", "plain", "sort", "duration", "limit", "7", "offset",
                    String.valueOf(offset)));
            assertEquals(100L, page.get("total"));
            Pages.items(page).forEach(r -> paged.add(r.get("trace_id")));
        }
        assertEquals(all, paged);
        assertEquals(100, new HashSet<>(paged).size());
        var past = traces.search(params("service", "plain", "offset", "500"));
        assertEquals(100L, past.get("total"));
        assertTrue(Pages.items(past).isEmpty());
    }

    @Test
    void slowestTracesAreDeterministic() {
        var items = Pages.items(new TracesApi(queries, store).search(params("sort", "duration", "order", "desc", "limit", "3")));
        assertEquals(List.of(traceId(2), traceId(200), traceId(199)),
                items.stream().map(r -> r.get("trace_id")).toList());
        assertEquals(1L, ((Number) items.get(0).get("span_count")).longValue());
    }

    @Test
    void filtersAndHostileTextAreLiteral() {
        TracesApi traces = new TracesApi(queries, store);
        var hit = Pages.items(traces.search(params("q", "' OR 1=1 --")));
        assertEquals(List.of(traceId(400)), hit.stream().map(r -> r.get("trace_id")).toList());
        // LIKE wildcards mean nothing: only the statement that literally contains them matches
        var wildcard = Pages.items(traces.search(params("q", "%_; drop table")));
        assertEquals(List.of(traceId(301)), wildcard.stream().map(r -> r.get("trace_id")).toList());
        assertTrue(Pages.items(traces.search(params("q", "_%"))).isEmpty());
        var tagged = Pages.items(traces.search(params("tag", "env:prod")));
        assertEquals(List.of(traceId(300)), tagged.stream().map(r -> r.get("trace_id")).toList());
        assertTrue(Pages.items(traces.search(params("tag", List.of("env:prod", "env:staging")))).isEmpty());
        var errorsOnly = Pages.items(traces.search(params("status", "error")));
        assertEquals(List.of(traceId(2)), errorsOnly.stream().map(r -> r.get("trace_id")).toList());
        var band = traces.search(params("service", "plain", "min_ms", "90", "max_ms", "95.5"));
        assertEquals(6L, band.get("total"));
        assertEquals(List.of("plain", "shop", "weighted"), Pages.items(new ServicesApi(queries).services(params()))
                .stream().map(r -> r.get("service")).toList(), "tables intact after hostile searches");
    }

    @Test
    void aStatementShapeRunAtLeastThresholdTimesInOneTraceIsNPlusOne() {
        SqlApi sql = new SqlApi(queries);
        var runs = Pages.items(sql.nPlusOne(params("threshold", "10")));
        assertEquals(1, runs.size());
        assertEquals(traceId(300), runs.get(0).get("trace_id"));
        assertEquals(12L, ((Number) runs.get(0).get("count")).longValue());
        assertEquals("SELECT * FROM users WHERE id = ?", runs.get(0).get("normalized"));
        assertEquals(2, Pages.items(sql.nPlusOne(params("threshold", "3"))).size());
        var groups = Pages.items(sql.groups(params("sort", "count")));
        Map<String, Object> users = groups.get(0);
        assertEquals("SELECT * FROM users WHERE id = ?", users.get("normalized"));
        assertEquals(15.0, num(users, "count"));
        assertEquals(30.0, num(users, "total_ms"), 1e-9);
        assertEquals(1L, ((Number) users.get("n_plus_one_traces")).longValue());
        assertEquals(List.of("shop"), users.get("services"));
    }

    @Test
    void aTraceIdInAnyCaseFindsItsSpansErrorsAndLogsAndErrorGroupsKeepTheirSampleTraces() {
        var detail = new TracesApi(queries, store).detail(params("traceId", traceId(300).toUpperCase()));
        assertEquals(traceId(300), detail.get("trace_id"));
        @SuppressWarnings("unchecked")
        var spans = (List<Map<String, Object>>) detail.get("spans");
        assertEquals(1, spans.size());
        assertEquals(12, ((com.fasterxml.jackson.databind.JsonNode) spans.get(0).get("sql")).size());
        assertEquals("prod", ((com.fasterxml.jackson.databind.JsonNode) spans.get(0).get("tags")).get("env").asText());
        assertEquals(1, ((List<?>) detail.get("errors")).size());
        assertEquals(2, ((List<?>) detail.get("logs")).size());
        assertThrows(NotFoundException.class, () -> new TracesApi(queries, store).detail(params("traceId", traceId(999))));

        var groups = Pages.items(new ErrorsApi(queries).groups(params()));
        Map<String, Object> type = row(groups, "fingerprint", "fp-type");
        assertEquals(2L, ((Number) type.get("count")).longValue());
        assertEquals("bad id again", type.get("error_message"));
        assertEquals(T0 + 9002, ((Number) type.get("first_seen")).longValue());
        assertEquals(List.of(traceId(300), traceId(301)), type.get("sample_trace_ids"));
        assertEquals("fp-type", groups.get(0).get("fingerprint"), "newest group first");
        assertEquals(2L, new ErrorsApi(queries).instances(params("fingerprint", "fp-type")).get("total"));

        var warnings = Pages.items(new LogsApi(queries).search(params("level", "warning")));
        assertEquals(List.of("failed 100%", "slow query"), warnings.stream().map(r -> r.get("message")).toList());
        assertEquals(List.of("failed 100%"), Pages.items(new LogsApi(queries).search(params("q", "100%")))
                .stream().map(r -> r.get("message")).toList());
        var dumps = Pages.items(new DumpsApi(queries).search(params("service", "shop")));
        assertEquals(List.of("second", "dumped user"), dumps.stream().map(r -> r.get("text")).toList());
    }

    @Test
    void badParametersAreRejected() {
        TracesApi traces = new TracesApi(queries, store);
        for (Map<String, Object> bad : List.of(params("limit", "0"), params("limit", "1001"), params("offset", "-1"),
                params("from", "x"), params("from", "5", "to", "5"), params("sort", "name; drop"),
                params("order", "sideways"), params("min_ms", "-1"), params("min_ms", "NaN"),
                params("min_ms", "9", "max_ms", "1"), params("status", "maybe"), params("tag", "novalue"),
                params("tag", "bad key:1"))) {
            assertThrows(BadRequestException.class, () -> traces.search(bad), bad.toString());
        }
        assertThrows(BadRequestException.class, () -> traces.detail(params("traceId", "'; drop table x")));
        assertThrows(BadRequestException.class, () -> new LogsApi(queries).search(params("level", "LOUD")));
        assertThrows(BadRequestException.class, () -> new SqlApi(queries).groups(params("threshold", "1")));
    }

    @Test
    void queriesLeaveEverySeededSpanInTheStore() throws Exception {
        try (Connection c = store.readDataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM spans_min")) {
            rs.next();
            assertEquals(105, rs.getLong(1));
        }
    }

    /** A request of trace {@code n} (span id n) with the given weight. */
    private static Span root(int n, String service, String name, long startMs, double durationMs, String status,
            double weight) {
        return TestSpan.request(traceId(n), spanId(n), service, name, startMs, durationMs, status).weight(weight).toSpan();
    }
}
