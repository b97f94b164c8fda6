import dev.opa.agent.model.Batch;
import dev.opa.agent.model.Span;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.store.duckdb.DuckDbSettings;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import dev.opa.agent.wire.Frames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's two CPU stages without sockets, in one thread each, on LoadGen's realistic traces: the parser
 * (JSON lines -> spans) and the DuckDB store (batches of 2000 spans, the agent's write path), pass after pass
 * into one growing database file. Run by bench/agent/stages.sh.
 * Usage: StoreBench traces passes memory-limit checkpoint-threshold threads
 */
public class StoreBench {

    public static void main(String[] a) throws Exception {
        int traces = Integer.parseInt(a[0]);
        int passes = Integer.parseInt(a[1]);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MessageParser parser = new MessageParser(new Limits(8192, 65536, 1024),
                new IngestMetrics(meters, new RateLimitedLog(60_000)));
        List<byte[]> lines = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < traces; t++) {
            b.setLength(0);
            LoadGen.appendTrace(b, "abcdef01", t, 4, 10, 50);
            for (String line : b.toString().split("\n")) {
                lines.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        List<Span> spans = null;
        for (int pass = 0; pass < 3; pass++) { // the first passes warm the JIT up
            long t0 = System.nanoTime();
            spans = new ArrayList<>();
            for (int i = 0; i < lines.size(); i += 250) {
                spans.addAll(parser.parse(Frames.of("bench", lines.subList(i, Math.min(lines.size(), i + 250)))).spans());
            }
            System.out.printf("parse pass %d: %d spans, %.0f spans/s%n", pass, spans.size(),
                    spans.size() / ((System.nanoTime() - t0) / 1e9));
        }
        Path dir = Files.createTempDirectory("opa-storebench");
        DuckDbSpanStore store = new DuckDbSpanStore(new DuckDbSettings(dir.resolve("bench.duckdb"), 1,
                DuckDbSettings.pragmas(a[2], a[3], a[4])));
        store.init();
        for (int pass = 0; pass < passes; pass++) {
            long t0 = System.nanoTime();
            long worst = 0;
            for (int i = 0; i < spans.size(); i += 2000) {
                long b0 = System.nanoTime();
                store.write(new Batch(spans.subList(i, Math.min(spans.size(), i + 2000)), List.of(), List.of()));
                worst = Math.max(worst, System.nanoTime() - b0);
            }
            long t1 = System.nanoTime();
            try (Connection c = store.openConnection(); Statement st = c.createStatement()) {
                st.execute("CHECKPOINT"); // what is left to compress and write counts too
            }
            long t2 = System.nanoTime();
            System.out.printf("store pass %d: %.0f spans/s (worst batch %.0f ms, final checkpoint %.0f ms), file %d MB%n",
                    pass, spans.size() / ((t2 - t0) / 1e9), worst / 1e6, (t2 - t1) / 1e6,
                    Files.size(dir.resolve("bench.duckdb")) >> 20);
        }
        store.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
