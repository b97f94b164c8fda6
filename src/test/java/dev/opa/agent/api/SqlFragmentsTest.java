package dev.opa.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SqlFragmentsTest {

    private static final SqlFragments FRAGMENTS = SqlFragments.parse("""
            -- header text is not a fragment
            -- @fragment answer
            -- a comment line of the body is dropped
            40 + 2
            -- @fragment total(keys)
            sum(x) OVER (PARTITION BY $keys)
            -- @fragment twice
            @answer, @answer
            -- @fragment loop
            @loop
            """);

    @Test
    void usesAreReplacedByTheirBodiesWithTheArgumentInPlaceOfTheParameter() {
        assertEquals("SELECT 40 + 2 AS a, sum(x) OVER (PARTITION BY host, path) AS t",
                FRAGMENTS.expand("SELECT @answer AS a, @total( host, path ) AS t", "q.sql"));
    }

    @Test
    void aFragmentMayUseOthersButNotItself() {
        assertEquals("SELECT 40 + 2, 40 + 2", FRAGMENTS.expand("SELECT @twice", "q.sql"));
        var cycle = assertThrows(IllegalArgumentException.class, () -> FRAGMENTS.expand("SELECT @loop", "q.sql"));
        assertTrue(cycle.getMessage().startsWith("q.sql: SQL fragments nested deeper than 8"), cycle.getMessage());
    }

    @Test
    void anUnknownFragmentOrAWrongArgumentIsAnErrorNamingTheFile() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> FRAGMENTS.expand("SELECT @nope", "q.sql"));
        assertEquals("q.sql: no SQL fragment @nope", unknown.getMessage());
        var missing = assertThrows(IllegalArgumentException.class, () -> FRAGMENTS.expand("SELECT @total", "q.sql"));
        assertEquals("q.sql: @total takes (keys)", missing.getMessage());
        var extra = assertThrows(IllegalArgumentException.class, () -> FRAGMENTS.expand("SELECT @answer(1)", "q.sql"));
        assertEquals("q.sql: @answer takes no argument", extra.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SqlFragments.parse("-- @fragment a\n1\n-- @fragment a\n2\n"));
    }

    @Test
    void everyApiQueryOfBothDialectsExpandsCompletely() throws IOException, URISyntaxException {
        Path duck = Path.of(SqlCatalog.class.getClassLoader().getResource("sql/duckdb/api").toURI());
        List<String> names;
        try (Stream<Path> files = Files.list(duck)) {
            names = files.map(p -> p.getFileName().toString().replace(".sql", "")).toList();
        }
        int usingPercentiles = 0;
        for (String dialect : List.of("duckdb", "clickhouse")) {
            SqlCatalog catalog = new SqlCatalog(dialect);
            for (String name : names) {
                String text = catalog.text(name);
                assertFalse(text.contains("@"), dialect + "/" + name);
                usingPercentiles += text.contains("AS cum_w") ? 1 : 0;
            }
        }
        assertEquals(10, usingPercentiles, "services, endpoints, time series, HTTP and SQL groups in both dialects");
    }

    /**
     * The weighted percentile (sql/duckdb/fragments.sql) on rows with known answers: a row of weight w counts w
     * times, and the answer is the exact weighted quantile or at most 1% above it.
     */
    @Test
    void weightedPercentileIsTheWeightedQuantileOrAtMostOnePercentAbove() throws SQLException {
        String query = new SqlCatalog("duckdb").expand("""
                WITH buckets AS (SELECT g, @duration_bucket FROM t GROUP BY g, bucket),
                ranked AS (SELECT *, @cumulative_weight(g) FROM buckets)
                SELECT g, @quantile(0.50) AS p50, @quantile(0.95) AS p95 FROM ranked GROUP BY g ORDER BY g
                """);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (g INTEGER, duration_ms DOUBLE, sample_weight DOUBLE)");
            // group 1: 1..100 ms at weight 1 and one 1000 ms request kept at weight 10 (110 requests in all)
            s.execute("INSERT INTO t SELECT 1, i, 1 FROM range(1, 101) r(i)");
            s.execute("INSERT INTO t VALUES (1, 1000, 10)");
            // group 2: 55.0 and 55.1 ms share a 1% bucket: the median 55.0 reads as 55.1
            s.execute("INSERT INTO t VALUES (2, 55.0, 1), (2, 55.1, 1), (2, 0, 1)");
            try (ResultSet r = s.executeQuery(query)) {
                assertTrue(r.next());
                assertEquals(55.0, r.getDouble("p50"), "55th of 110");
                assertEquals(1000.0, r.getDouble("p95"), "105th of 110 is one of the ten weighted ones");
                assertTrue(r.next());
                assertEquals(55.1, r.getDouble("p50"), "the largest of the median's bucket, < 1% above 55.0");
                assertEquals(55.1, r.getDouble("p95"));
                assertFalse(r.next());
            }
        }
    }
}
