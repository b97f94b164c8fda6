package dev.opa.agent.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Runs a named API query: binds its {@code :name} parameters by name (always as JDBC parameters, never
 * concatenated) and returns the rows as ordered column maps with plain JSON-friendly values.
 */
public final class QueryRunner {

    private final Supplier<DataSource> dataSource;
    private final SqlCatalog catalog;

    public QueryRunner(Supplier<DataSource> dataSource, SqlCatalog catalog) {
        this.dataSource = dataSource;
        this.catalog = catalog;
    }

    public SqlCatalog catalog() {
        return catalog;
    }

    public List<Map<String, Object>> query(String name, Map<String, ?> params) {
        NamedSql sql = catalog.get(name);
        try (Connection connection = dataSource.get().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.jdbcSql())) {
            bind(statement, sql, params);
            try (ResultSet rs = statement.executeQuery()) {
                return readRows(rs);
            }
        } catch (SQLException e) {
            throw new QueryFailedException(name, e);
        }
    }

    private static void bind(PreparedStatement statement, NamedSql sql, Map<String, ?> params) throws SQLException {
        List<String> names = sql.parameterNames();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("query " + sql.name() + " needs parameter :" + name);
            }
            statement.setObject(i + 1, params.get(name));
        }
    }

    private static List<Map<String, Object>> readRows(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int columns = meta.getColumnCount();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 1; c <= columns; c++) {
                row.put(meta.getColumnLabel(c).toLowerCase(), plain(rs.getObject(c)));
            }
            rows.add(row);
        }
        return rows;
    }

    /** JDBC driver types (arrays, big numbers) to values Jackson writes as plain JSON. */
    static Object plain(Object value) throws SQLException {
        if (value instanceof Array array) {
            List<Object> list = new ArrayList<>();
            for (Object element : (Object[]) array.getArray()) {
                list.add(plain(element));
            }
            return list;
        }
        if (value instanceof Object[] elements) {
            List<Object> list = new ArrayList<>();
            for (Object element : elements) {
                list.add(plain(element));
            }
            return list;
        }
        if (value instanceof List<?> elements) {
            List<Object> list = new ArrayList<>();
            for (Object element : elements) {
                list.add(plain(element));
            }
            return list;
        }
        if (value instanceof BigInteger big) {
            return big.longValue();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.doubleValue();
        }
        return value;
    }

    /** A query that the store refused or failed; the message is logged, never sent to API clients. */
    public static final class QueryFailedException extends RuntimeException {
        public QueryFailedException(String name, SQLException cause) {
            super("API query " + name + " failed: " + cause.getMessage(), cause);
        }
    }
}
