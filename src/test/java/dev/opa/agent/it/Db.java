package dev.opa.agent.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Parameterised reads of the store for assertions. */
public final class Db {

    private final DataSource ds;

    public Db(DataSource ds) {
        this.ds = ds;
    }

    public long count(String sql, Object... params) {
        List<List<Object>> rows = rows(sql, params);
        return ((Number) rows.get(0).get(0)).longValue();
    }

    public List<List<Object>> rows(String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                List<List<Object>> out = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new AssertionError("query failed: " + sql, e);
        }
    }
}
