// Counts the spans of one service in an OPA DuckDB file (used by .ci/test-jbang.sh).
public class CountSpans {
    public static void main(String[] a) throws Exception {
        try (var c = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:" + a[0], new java.util.Properties());
             var st = c.prepareStatement("SELECT count(*) FROM spans_min WHERE service = ?")) {
            st.setString(1, a[1]);
            var rs = st.executeQuery();
            rs.next();
            System.out.println(rs.getLong(1));
        }
    }
}
