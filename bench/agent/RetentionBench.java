import dev.opa.agent.store.duckdb.DuckDbSettings;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What one retention run of the DuckDB store costs (DuckDbSpanStore.expireOldData): fills a store at the agent's
 * settings (memory-limit 128MB, checkpoint-threshold 16MB) with DAYS days of request summaries (SPANS a day, each
 * with STATEMENTS sql_queries rows and a spans_full row referring to that day's 1 MB segment file), then runs
 * retention at 7 days twice (the second finds nothing) and prints wall time, process CPU (/proc/self/stat), rows
 * and files deleted, VmRSS/VmHWM and the database size. Usage (after mvn package):
 *   java -Xmx112m -cp target/opa-agent.jar bench/agent/RetentionBench.java DIR [DAYS=14] [SPANS=100000] [STATEMENTS=10]
 */
public class RetentionBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 14;
        long spans = args.length > 2 ? Long.parseLong(args[2]) : 100_000;
        int statements = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path file = dir.resolve("opa.duckdb");
        DuckDbSpanStore store = new DuckDbSpanStore(new DuckDbSettings(file, 1,
                DuckDbSettings.pragmas("128MB", "16MB", ""), 7));
        store.init();
        long now = System.currentTimeMillis();
        long dayMs = 86_400_000L;
        try (Connection c = store.openConnection(); Statement st = c.createStatement()) {
            for (int d = days - 1; d >= 0; d--) { // oldest first, as written; day d in segment days - d
                long from = now - d * dayMs - dayMs + 60_000;
                int segment = days - d;
                String ts = "epoch_ms(" + from + " + i * " + (dayMs - 120_000) / spans + ")";
                String trace = "printf('%032x', " + segment + " * 100000000 + i)";
                st.execute("INSERT INTO spans_min SELECT 'o', 'p', " + trace + ", printf('%016x', i), NULL, 'shop', "
                        + "'GET /x', " + ts + ", " + ts + ", 10, 5, 'ok', 'GET', '/x', 200, " + statements
                        + ", 0, 0, 10, true, 1, 0 FROM range(" + spans + ") t(i)");
                st.execute("INSERT INTO spans_full (organization_id, project_id, trace_id, span_id, service, start_ts, "
                        + "tags, stack_segment, stack_offset, stack_length) SELECT 'o', 'p', " + trace
                        + ", printf('%016x', i), 'shop', " + ts + ", '{}', " + segment + ", i * 10, 10 FROM range("
                        + spans + ") t(i)");
                st.execute("INSERT INTO sql_queries SELECT 'o', 'p', " + trace.replace("+ i)", "+ i // " + statements + ")")
                        + ", printf('%016x', i // " + statements
                        + "), 'shop', epoch_ms(" + from + " + (i // " + statements + ") * " + (dayMs - 120_000) / spans
                        + "), printf('%016x', i % 50), '', 'SELECT * FROM t WHERE id = ' || i, 'mysql', 0.2, 1, 10 "
                        + "FROM range(" + spans * statements + ") t(i)");
                Files.write(dir.resolve("opa.duckdb.stacks").resolve(String.format("%06d.seg", segment)),
                        new byte[1 << 20]);
            }
            st.execute("CHECKPOINT");
        }
        store.close(); // opened again: the store's open segment is the newest file, as after a restart
        store = new DuckDbSpanStore(new DuckDbSettings(file, 1, DuckDbSettings.pragmas("128MB", "16MB", ""), 7));
        store.init();
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        store.registerMetrics(meters);
        System.out.printf("filled: %d days x %d spans (%d statements each); %s%n", days, spans, statements, sizes(dir, store));
        for (int run = 1; run <= 2; run++) {
            long cpu0 = processCpuMs();
            long t0 = System.nanoTime();
            store.expireOldData();
            long wall = (System.nanoTime() - t0) / 1_000_000;
            long cpu = processCpuMs() - cpu0;
            System.out.printf("run %d: wall %d ms, process CPU %d ms, deleted rows %.0f, files %.0f, failures %.0f; %s%n",
                    run, wall, cpu, meters.get("opa.store.retention.deleted").tag("kind", "rows").functionCounter().count(),
                    meters.get("opa.store.retention.deleted").tag("kind", "segment_files").functionCounter().count(),
                    meters.get("opa.store.retention.failures").functionCounter().count(), sizes(dir, store));
        }
        store.close();
    }

    static String sizes(Path dir, DuckDbSpanStore store) throws Exception {
        long rows;
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM spans_min) + (SELECT count(*) FROM spans_full)"
                        + " + (SELECT count(*) FROM sql_queries)")) {
            rs.next();
            rows = rs.getLong(1);
        }
        long segments;
        try (Stream<Path> files = Files.list(dir.resolve("opa.duckdb.stacks"))) {
            segments = files.count();
        }
        return String.format("rows %d, segment files %d, db %d MB, wal %d MB, %s", rows, segments,
                Files.size(dir.resolve("opa.duckdb")) >> 20,
                Files.exists(dir.resolve("opa.duckdb.wal")) ? Files.size(dir.resolve("opa.duckdb.wal")) >> 20 : 0,
                memory());
    }

    static String memory() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                out.append(line.replaceAll("\\s+", " ")).append(' ');
            }
        }
        return out.toString().trim();
    }

    static long processCpuMs() throws Exception {
        String[] f = Files.readString(Path.of("/proc/self/stat")).replaceAll(".*\\) ", "").split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime + stime (fields 14, 15), 100 Hz ticks
    }
}
