import java.lang.management.*;
import java.nio.file.*;
import java.sql.*;
import org.duckdb.*;
/**
 * Where a batch's fixed cost goes in DuckDB: thread CPU of appender open, close and COMMIT for transactions of 0, 1
 * and 40 small rows, on a database file in each given directory (e.g. the ext4 data disk vs tmpfs, where fsync is
 * free). Part of bench/agent/columnar/run.sh. Usage: java -cp DUCKDB_JDBC CommitProbe.java DIR [DIR...]
 */
public class CommitProbe {
  public static void main(String[] a) throws Exception {
    ThreadMXBean T = ManagementFactory.getThreadMXBean();
    for (int pass = 0; pass < 2; pass++) for (String base : a) {
      Path dir = Files.createTempDirectory(Path.of(base), "columnar-probe");
      DuckDBConnection c = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + dir.resolve("p.duckdb"), new java.util.Properties());
      Statement st = c.createStatement();
      st.execute("SET memory_limit='128MB'; SET checkpoint_threshold='16MB'");
      st.execute("CREATE TABLE t (a VARCHAR, b BIGINT)");
      for (int rows : new int[] {0, 1, 40, 0, 1, 40}) {
        long commit = 0, close = 0, open = 0; int n = 200;
        for (int i = 0; i < n; i++) {
          st.execute("BEGIN TRANSACTION");
          long t0 = T.getCurrentThreadCpuTime();
          if (rows > 0) {
            DuckDBAppender ap = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t");
            long t1 = T.getCurrentThreadCpuTime(); open += t1 - t0;
            for (int r = 0; r < rows; r++) ap.beginRow().append("x" + r).append((long) r).endRow();
            long t2 = T.getCurrentThreadCpuTime();
            ap.close();
            t0 = T.getCurrentThreadCpuTime(); close += t0 - t2;
          }
          st.execute("COMMIT");
          commit += T.getCurrentThreadCpuTime() - t0;
        }
        System.out.printf("%-10s rows %2d: appender open %.3f ms, close %.3f ms, COMMIT %.3f ms thread CPU per txn%n", base, rows, open / 1e6 / n, close / 1e6 / n, commit / 1e6 / n);
      }
      c.close();
      try (var s = Files.walk(dir)) { s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete()); }
    }
  }
}
