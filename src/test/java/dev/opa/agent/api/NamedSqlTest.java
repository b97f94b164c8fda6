package dev.opa.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NamedSqlTest {

    @Test
    void namedParametersBecomePlaceholdersInOrder() {
        NamedSql sql = NamedSql.parse("q", """
                -- header :not_a_param
                SELECT x::INTEGER, ':in_string', "col:umn" FROM t
                WHERE a = :org AND (CAST(:service AS VARCHAR) IS NULL OR s = :service) AND d >= :from_ms
                """);
        assertEquals(List.of("org", "service", "service", "from_ms"), sql.parameterNames());
        assertEquals("SELECT x::INTEGER, ':in_string', \"col:umn\" FROM t\n"
                + "WHERE a = ? AND (CAST(? AS VARCHAR) IS NULL OR s = ?) AND d >= ?", sql.jdbcSql());
    }

    @Test
    void escapedQuotesStayInsideTheLiteral() {
        NamedSql sql = NamedSql.parse("q", "SELECT 'it''s :x' || :y");
        assertEquals(List.of("y"), sql.parameterNames());
        assertThrows(IllegalArgumentException.class, () -> NamedSql.parse("q", "SELECT 'open :x"));
    }

    @Test
    void everyApiQueryExistsForBothStoresWithTheSameParameters() throws IOException, URISyntaxException {
        Path duck = Path.of(SqlCatalog.class.getClassLoader().getResource("sql/duckdb/api").toURI());
        List<String> names;
        try (Stream<Path> files = Files.list(duck)) {
            names = files.map(p -> p.getFileName().toString().replace(".sql", "")).sorted().toList();
        }
        assertTrue(names.size() >= 16, names.toString());
        SqlCatalog duckdb = new SqlCatalog("duckdb");
        SqlCatalog clickhouse = new SqlCatalog("clickhouse");
        for (String name : names) {
            assertEquals(Set.copyOf(duckdb.get(name).parameterNames()), Set.copyOf(clickhouse.get(name).parameterNames()),
                    name);
        }
    }
}
