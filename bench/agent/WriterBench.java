import dev.opa.agent.model.Batch;
import dev.opa.agent.model.Span;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.store.duckdb.DuckDbSettings;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import dev.opa.agent.wire.FrameDecoder;
import dev.opa.agent.wire.Frames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The DuckDB store's writer alone on the recorded corpus: records are decoded and parsed once (FrameDecoder,
 * MessageParser), then written as the agent batches them (DuckDbSpanStore.write, one batch per call) with fresh
 * trace and span ids, into one growing database file with the agent's default DuckDB settings. Per batch it takes
 * the writing thread's CPU time and the CPU time of every other thread of the process (from
 * /proc/self/task/{@literal *}/schedstat, grouped by thread name: DuckDB's own threads, GC, JIT), so that work DuckDB
 * does outside the caller (checkpoints, its worker threads) is counted too.
 *
 * <p>DuckDB settings as the agent's defaults (application.yaml), or -Dmemory=, -Dcheckpoint=, -Dthreads=.
 * -Dwindow=N also prints the CPU per span of every N batches (how it changes as the file grows).
 *
 * <p>Usage (the agent's jar holds every class it needs):
 * <pre>
 *   mvn -B -ntp -q -o -Dskip.ui -DskipTests package
 *   java -cp target/opa-agent.jar bench/agent/WriterBench.java CORPUS[,CORPUS...] SPANS_PER_BATCH BATCHES [PAUSE_MS] [WARMUP]
 *   e.g. /tmp/wire-corpus/wordpress.opa,/tmp/wire-corpus/mediawiki.opa 200 300 0 20   (full captures, cut at 8 MB)
 *        /work/corpus/wordpress-summary.opa,/work/corpus/mediawiki-summary.opa 200 150 20 30   (summaries)
 * </pre>
 * SPANS_PER_BATCH as the agent cuts them: 200 = root summaries at 20/s (opa.batch.min-size, written every 10 s; 40 with
 * the 2 s batches of before); full captures are cut at opa.batch.max-bytes (8 MB of estimated heap) as well.
 * PAUSE_MS between batches (default 0) lets background work of DuckDB land in the window of the batch that caused
 * it. Prints per-batch and per-span CPU after WARMUP batches.
 */
public class WriterBench {

    static final long MAX_BATCH_BYTES = 8_000_000; // application.yaml opa.batch.max-bytes

    public static void main(String[] args) throws Exception {
        String[] files = args[0].split(",");
        int perBatch = Integer.parseInt(args[1]);
        int batches = Integer.parseInt(args[2]);
        long pauseMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : Math.max(5, batches / 5);
        List<Span> corpus = parse(files);
        System.out.printf("%d spans from %s, %.1f KB estimated heap each%n", corpus.size(), args[0],
                corpus.stream().mapToLong(Span::heapBytes).average().orElse(0) / 1024);

        Path dir = Files.createTempDirectory("opa-writerbench");
        DuckDbSpanStore store = new DuckDbSpanStore(new DuckDbSettings(dir.resolve("bench.duckdb"), 1,
                DuckDbSettings.pragmas(System.getProperty("memory", "128MB"), System.getProperty("checkpoint", "16MB"),
                        System.getProperty("threads", ""))));
        store.init();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        int selfTask = tid();
        int next = 0;
        long spans = 0;
        long writerNs = 0;
        long wallNs = 0;
        Map<String, Long> others = new TreeMap<>();
        List<Long> perBatchNs = new ArrayList<>();
        int window = Integer.getInteger("window", 0);
        long windowNs = 0;
        long windowSpans = 0;
        for (int b = 0; b < batches; b++) {
            List<Span> batch = new ArrayList<>(perBatch);
            long bytes = 0;
            while (batch.size() < perBatch && (batch.isEmpty() || bytes + corpus.get(next).heapBytes() <= MAX_BATCH_BYTES)) {
                Span s = corpus.get(next);
                next = (next + 1) % corpus.size();
                bytes += s.heapBytes();
                batch.add(fresh(s));
            }
            Map<Integer, long[]> before = tasks();
            long c0 = mx.getThreadCpuTime(self);
            long w0 = System.nanoTime();
            store.write(new Batch(batch, List.of(), List.of()));
            long w1 = System.nanoTime();
            long c1 = mx.getThreadCpuTime(self);
            if (pauseMs > 0) {
                Thread.sleep(pauseMs);
            }
            Map<Integer, long[]> after = tasks();
            if (window > 0) {
                long all = c1 - c0;
                for (Map.Entry<Integer, long[]> e : after.entrySet()) {
                    long[] was = before.get(e.getKey());
                    all += e.getKey() == selfTask ? 0 : Math.max(0, e.getValue()[0] - (was == null ? 0 : was[0]));
                }
                windowNs += all;
                windowSpans += batch.size();
                if ((b + 1) % window == 0) {
                    System.out.printf("batches %d-%d: %.3f ms CPU per span (all threads)%n", b + 1 - window, b,
                            windowNs / 1e6 / windowSpans);
                    windowNs = 0;
                    windowSpans = 0;
                }
            }
            if (b < warmup) {
                continue;
            }
            spans += batch.size();
            writerNs += c1 - c0;
            wallNs += w1 - w0;
            perBatchNs.add(c1 - c0);
            for (Map.Entry<Integer, long[]> e : after.entrySet()) {
                long[] was = before.get(e.getKey());
                long d = e.getValue()[0] - (was == null ? 0 : was[0]);
                String name = names.getOrDefault(e.getKey(), "?");
                if (e.getKey() != selfTask && d > 0) {
                    others.merge(name, d, Long::sum);
                }
            }
        }
        int n = batches - warmup;
        perBatchNs.sort(Comparator.naturalOrder());
        System.out.printf("%d batches of %.1f spans: writer thread %.3f ms CPU per batch (median %.3f, p90 %.3f), "
                + "%.4f ms per span; wall %.3f ms per batch%n", n, spans / (double) n, writerNs / 1e6 / n,
                perBatchNs.get(n / 2) / 1e6, perBatchNs.get(n * 9 / 10) / 1e6, writerNs / 1e6 / spans, wallNs / 1e6 / n);
        long otherNs = others.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("other threads: %.3f ms CPU per batch, %.4f ms per span:", otherNs / 1e6 / n, otherNs / 1e6 / spans);
        others.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .forEach(e -> System.out.printf(" %s %.3f", e.getKey(), e.getValue() / 1e6 / n));
        System.out.printf("%nRESULT per_batch_ms=%.3f per_span_ms=%.4f other_per_batch_ms=%.3f spans_per_batch=%.1f%n",
                (writerNs + otherNs) / 1e6 / n, (writerNs + otherNs) / 1e6 / spans, otherNs / 1e6 / n, spans / (double) n);
        store.close();
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static List<Span> parse(String[] files) throws IOException {
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), new RateLimitedLog(60_000));
        MessageParser parser = new MessageParser(new Limits(10_000, 64_000, 1_024), metrics);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder("bench", 16 << 20, metrics));
        List<Span> out = new ArrayList<>();
        for (String f : files) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(f)))) {
                while (true) {
                    int n;
                    try {
                        n = in.readInt();
                    } catch (EOFException e) {
                        break;
                    }
                    byte[] r = new byte[n];
                    in.readFully(r);
                    channel.writeInbound(Unpooled.wrappedBuffer(r));
                    Frames frames = channel.readInbound();
                    out.addAll(parser.parse(frames).spans());
                }
            }
        }
        return out;
    }

    /** The same span under a fresh trace id and span id (and the parent's, when it has one). */
    static Span fresh(Span s) {
        String trace = hex(32);
        return new Span(s.organizationId(), s.projectId(), trace, hex(16), s.parentId() == null ? null : hex(16),
                s.service(), s.name(), s.startMs(), s.endMs(), s.durationMs(), s.cpuMs(), s.status(), s.httpMethod(),
                s.httpRoute(), s.httpStatus(), s.language(), s.languageVersion(), s.framework(), s.frameworkVersion(),
                s.detail(), s.sampleWeight());
    }

    static String hex(int n) {
        StringBuilder b = new StringBuilder(n);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    static final Map<Integer, String> names = new HashMap<>();

    /** CPU ns (schedstat) of every thread of this process by task id; remembers their names. */
    static Map<Integer, long[]> tasks() throws IOException {
        Map<Integer, long[]> out = new HashMap<>();
        try (Stream<Path> ts = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) ts::iterator) {
                try {
                    int id = Integer.parseInt(t.getFileName().toString());
                    String stat = Files.readString(t.resolve("schedstat")).trim();
                    out.put(id, new long[] {Long.parseLong(stat.split(" ")[0])});
                    names.computeIfAbsent(id, k -> {
                        try {
                            return Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+$", "N");
                        } catch (IOException e) {
                            return "?";
                        }
                    });
                } catch (IOException | NumberFormatException e) {
                    // a thread that ended meanwhile
                }
            }
        }
        return out;
    }

    /** The kernel task id of the calling thread. */
    static int tid() throws IOException {
        return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }
}
