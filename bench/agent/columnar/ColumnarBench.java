import dev.opa.agent.model.Batch;
import dev.opa.agent.model.Span;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.parse.Parsed;
import dev.opa.agent.store.DerivedRows;
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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * Manual benchmark (bench/agent/columnar/run.sh, not run by CI): the embedded store's write path, DuckDB Appenders
 * as DuckDbSpanStore uses them, against DuckDB's columnar ingest paths, on the rows of real recorded spans.
 * <p>
 * The corpus (bench/corpus format) is decoded and parsed by the agent's own FrameDecoder + MessageParser; each span
 * becomes the rows the store writes (spans_min, spans_full, sql_queries, http_calls, dumps; schema.sql of the
 * store), derived rows computed once, before timing. Methods, each on a fresh database file with the store's
 * settings (memory_limit, checkpoint_threshold) and preserve_insertion_order on (=po) or off (-po):
 * <ul>
 *   <li>{@code store}: DuckDbSpanStore.write itself (reference: adds SQL normalisation, the stack segment write and
 *       its fsync per batch);</li>
 *   <li>{@code appender}: one Appender per table per batch in BEGIN/COMMIT, as the store does (stacks larger than
 *       the store's inline limit get a segment reference, no file is written);</li>
 *   <li>{@code arrow}: per table a VectorSchemaRoot filled in Java, exported as an ArrowArrayStream (arrow-c-data),
 *       DuckDBConnection.registerArrowStream, INSERT INTO t SELECT * FROM the stream, in BEGIN/COMMIT;</li>
 *   <li>{@code parquet}: the large details (spans_full) as one Parquet file per batch (COPY (SELECT * FROM the
 *       Arrow stream) TO 'NNNNNN.parquet'), the other tables by Appender in BEGIN/COMMIT.</li>
 * </ul>
 * Timed by the writing thread's CPU (ThreadMXBean), the process CPU (includes DuckDB's worker threads, GC, JIT) and
 * wall time; per-phase thread CPU shows where each method's fixed cost per batch goes.
 * Usage: java -cp CLASSES:DEPS ColumnarBench.java FULL_CORPUS[,..] SUMMARY_CORPUS[,..] ROUNDS WORKDIR [MEMORY_LIMIT]
 */
public class ColumnarBench {

    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    static final int INLINE_STACK_BYTES = 2048; // DuckDbSpanStore.INLINE_STACK_BYTES

    // ---------------------------------------------------------------- rows: the store's tables as column lists

    enum Kind { STR, TS, DBL, INT, BIGINT, BOOL, BLOB }

    record Col<R>(String name, Kind kind, Function<R, Object> get) {
    }

    /** A span with its derived rows computed once (the store computes them in write()). */
    record Row(Span s, List<DerivedRows.SqlRow> sql, List<DerivedRows.HttpRow> http, List<DerivedRows.DumpRow> dumps,
            long jsonBytes) {
    }

    record Sub<T>(Span s, T r) {
    }

    record Table<R>(String name, List<Col<R>> cols, Function<Row, List<R>> rows) {
    }

    static <R> List<Col<R>> keys(Function<R, Span> span) {
        return List.of(new Col<>("organization_id", Kind.STR, r -> span.apply(r).organizationId()),
                new Col<>("project_id", Kind.STR, r -> span.apply(r).projectId()),
                new Col<>("trace_id", Kind.STR, r -> span.apply(r).traceId()),
                new Col<>("span_id", Kind.STR, r -> span.apply(r).spanId()));
    }

    @SafeVarargs
    static <R> List<Col<R>> cols(List<Col<R>> first, Col<R>... rest) {
        List<Col<R>> out = new ArrayList<>(first);
        out.addAll(List.of(rest));
        return out;
    }

    static final Table<Span> MIN = new Table<>("spans_min", cols(keys(s -> s),
            new Col<>("parent_id", Kind.STR, Span::parentId), new Col<>("service", Kind.STR, Span::service),
            new Col<>("name", Kind.STR, Span::name), new Col<>("start_ts", Kind.TS, s -> s.startMs() * 1000L),
            new Col<>("end_ts", Kind.TS, s -> s.endMs() * 1000L), new Col<>("duration_ms", Kind.DBL, Span::durationMs),
            new Col<>("cpu_ms", Kind.DBL, Span::cpuMs), new Col<>("status", Kind.STR, Span::status),
            new Col<>("http_method", Kind.STR, Span::httpMethod), new Col<>("http_route", Kind.STR, Span::httpRoute),
            new Col<>("http_status", Kind.INT, Span::httpStatus),
            new Col<>("sql_count", Kind.INT, DerivedRows::sqlCount), new Col<>("http_count", Kind.INT, DerivedRows::httpCount),
            new Col<>("cache_count", Kind.INT, DerivedRows::cacheCount),
            new Col<>("sample_weight", Kind.DBL, Span::sampleWeight), new Col<>("is_entry", Kind.BOOL, Span::isEntry)),
            r -> List.of(r.s()));

    /** spans_full; the stack column group as the store fills it (inline BLOB or a segment reference). */
    static final Table<Span> FULL = new Table<>("spans_full", cols(keys(s -> s),
            new Col<>("service", Kind.STR, Span::service), new Col<>("start_ts", Kind.TS, s -> s.startMs() * 1000L),
            new Col<>("language", Kind.STR, Span::language), new Col<>("language_version", Kind.STR, Span::languageVersion),
            new Col<>("framework", Kind.STR, Span::framework), new Col<>("framework_version", Kind.STR, Span::frameworkVersion),
            new Col<>("tags", Kind.STR, s -> s.detail().tags()), new Col<>("net", Kind.STR, s -> s.detail().net()),
            new Col<>("sql", Kind.STR, s -> s.detail().sql()), new Col<>("http", Kind.STR, s -> s.detail().http()),
            new Col<>("cache", Kind.STR, s -> s.detail().cache()), new Col<>("redis", Kind.STR, s -> s.detail().redis()),
            new Col<>("dumps", Kind.STR, s -> s.detail().dumps()), new Col<>("stack", Kind.STR, s -> null),
            new Col<>("stack_lz4", Kind.BLOB, s -> inline(s) ? s.detail().stackLz4() : null),
            new Col<>("stack_segment", Kind.INT, s -> inline(s) ? null : 1),
            new Col<>("stack_offset", Kind.BIGINT, s -> inline(s) ? null : 4096L),
            new Col<>("stack_length", Kind.INT, s -> inline(s) ? null : s.detail().stackLz4().length)),
            r -> List.of(r.s()));

    static boolean inline(Span s) {
        return s.detail().stackLz4().length <= INLINE_STACK_BYTES;
    }

    static <T> List<Col<Sub<T>>> subKeys() {
        return cols(keys(Sub::s), new Col<>("service", Kind.STR, x -> x.s().service()));
    }

    static final Table<Sub<DerivedRows.SqlRow>> SQL = new Table<>("sql_queries", cols(ColumnarBench.<DerivedRows.SqlRow>subKeys(),
            new Col<>("start_ts", Kind.TS, x -> x.r().startMs() * 1000L), new Col<>("fingerprint", Kind.STR, x -> x.r().fingerprint()),
            new Col<>("normalized", Kind.STR, x -> x.r().normalized()), new Col<>("query", Kind.STR, x -> x.r().query()),
            new Col<>("db_system", Kind.STR, x -> x.r().dbSystem()), new Col<>("duration_ms", Kind.DBL, x -> x.r().durationMs()),
            new Col<>("rows", Kind.BIGINT, x -> x.r().rows()), new Col<>("sample_weight", Kind.DBL, x -> x.s().sampleWeight())),
            r -> r.sql().stream().map(q -> new Sub<>(r.s(), q)).toList());

    static final Table<Sub<DerivedRows.HttpRow>> HTTP = new Table<>("http_calls", cols(ColumnarBench.<DerivedRows.HttpRow>subKeys(),
            new Col<>("start_ts", Kind.TS, x -> x.r().startMs() * 1000L), new Col<>("method", Kind.STR, x -> x.r().method()),
            new Col<>("url", Kind.STR, x -> x.r().url()), new Col<>("host", Kind.STR, x -> x.r().host()),
            new Col<>("path_template", Kind.STR, x -> x.r().pathTemplate()), new Col<>("status_code", Kind.INT, x -> x.r().statusCode()),
            new Col<>("duration_ms", Kind.DBL, x -> x.r().durationMs()), new Col<>("bytes_sent", Kind.BIGINT, x -> x.r().bytesSent()),
            new Col<>("bytes_received", Kind.BIGINT, x -> x.r().bytesReceived()), new Col<>("error", Kind.STR, x -> x.r().error()),
            new Col<>("sample_weight", Kind.DBL, x -> x.s().sampleWeight())),
            r -> r.http().stream().map(q -> new Sub<>(r.s(), q)).toList());

    static final Table<Sub<DerivedRows.DumpRow>> DUMPS = new Table<>("dumps", cols(ColumnarBench.<DerivedRows.DumpRow>subKeys(),
            new Col<>("ts", Kind.TS, x -> x.r().tsMs() * 1000L), new Col<>("file", Kind.STR, x -> x.r().file()),
            new Col<>("line", Kind.INT, x -> x.r().line()), new Col<>("data", Kind.STR, x -> x.r().data()),
            new Col<>("text", Kind.STR, x -> x.r().text())),
            r -> r.dumps().stream().map(q -> new Sub<>(r.s(), q)).toList());

    static final List<Table<?>> TABLES = List.of(MIN, FULL, SQL, HTTP, DUMPS);

    // ---------------------------------------------------------------- phase timing (thread CPU)

    /** Thread CPU per named phase, summed over a cell. */
    static final class Phases {
        final Map<String, Long> ns = new LinkedHashMap<>();
        long t = THREADS.getCurrentThreadCpuTime();

        void mark(String phase) {
            long now = THREADS.getCurrentThreadCpuTime();
            ns.merge(phase, now - t, Long::sum);
            t = now;
        }
    }

    // ---------------------------------------------------------------- methods

    interface Writer extends AutoCloseable {
        void write(List<Row> batch, Phases p) throws Exception;

        @Override
        void close() throws Exception;
    }

    static DuckDBConnection open(Path db, Map<String, String> settings) throws SQLException {
        DuckDBConnection c = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + db, new java.util.Properties());
        try (Statement st = c.createStatement()) {
            for (Map.Entry<String, String> e : settings.entrySet()) {
                st.execute("SET " + e.getKey() + " = '" + e.getValue() + "'");
            }
            st.execute(DuckDbSpanStore.schema());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return c;
    }

    /** BEGIN / COMMIT around a batch, as the store does. */
    abstract static class Tx implements Writer {
        final DuckDBConnection conn;
        final Statement st;

        Tx(DuckDBConnection conn) throws SQLException {
            this.conn = conn;
            this.st = conn.createStatement();
        }

        @Override
        public void write(List<Row> batch, Phases p) throws Exception {
            p.mark("other");
            st.execute("BEGIN TRANSACTION");
            p.mark("begin");
            for (Table<?> t : TABLES) {
                List<Object> rows = new ArrayList<>();
                for (Row r : batch) {
                    rows.addAll(t.rows().apply(r));
                }
                if (!rows.isEmpty()) {
                    table(t, rows, p);
                }
            }
            st.execute("COMMIT");
            p.mark("commit");
        }

        abstract void table(Table<?> t, List<Object> rows, Phases p) throws Exception;

        @Override
        public void close() throws Exception {
            st.close();
            conn.close();
        }
    }

    static final class AppenderWriter extends Tx {
        AppenderWriter(DuckDBConnection conn) throws SQLException {
            super(conn);
        }

        @Override
        void table(Table<?> t, List<Object> rows, Phases p) throws Exception {
            DuckDBAppender a = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, t.name());
            p.mark("appender-open");
            append(a, t, rows);
            p.mark("append");
            a.close();
            p.mark("appender-close");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void append(DuckDBAppender a, Table t, List<Object> rows) throws SQLException {
        List<Col> cols = t.cols();
        for (Object r : rows) {
            a.beginRow();
            for (Col c : cols) {
                Object v = c.get().apply(r);
                if (v == null) {
                    a.appendNull();
                    continue;
                }
                switch (c.kind()) {
                    case STR -> a.append((String) v);
                    case TS -> a.appendEpochMicros((Long) v);
                    case DBL -> a.append(((Number) v).doubleValue());
                    case INT -> a.append(((Number) v).intValue());
                    case BIGINT -> a.append(((Number) v).longValue());
                    case BOOL -> a.append((Boolean) v);
                    case BLOB -> a.append((byte[]) v);
                }
            }
            a.endRow();
        }
    }

    /** Arrow: a VectorSchemaRoot per table per batch, exported as a C stream, scanned by DuckDB. */
    static class ArrowWriter extends Tx {
        final BufferAllocator allocator;

        ArrowWriter(DuckDBConnection conn, BufferAllocator allocator) throws SQLException {
            super(conn);
            this.allocator = allocator;
        }

        @Override
        void table(Table<?> t, List<Object> rows, Phases p) throws Exception {
            try (VectorSchemaRoot root = fill(allocator, t, rows)) {
                p.mark("arrow-fill");
                scan(t.name(), root, "INSERT INTO " + t.name() + " SELECT * FROM " + t.name() + "_arrow", p);
            }
        }

        void scan(String table, VectorSchemaRoot root, String sql, Phases p) throws Exception {
            try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
                Data.exportArrayStream(allocator, new OneBatch(allocator, root), stream);
                conn.registerArrowStream(table + "_arrow", stream);
                p.mark("arrow-export+register");
                st.execute(sql);
                p.mark("arrow-scan+insert");
            }
        }
    }

    /** spans_full as a Parquet file per batch (from the Arrow stream); the small tables by Appender. */
    static final class ParquetWriter extends ArrowWriter {
        final Path dir;
        int seq;

        ParquetWriter(DuckDBConnection conn, BufferAllocator allocator, Path dir) throws Exception {
            super(conn, allocator);
            this.dir = Files.createDirectories(dir);
        }

        @Override
        void table(Table<?> t, List<Object> rows, Phases p) throws Exception {
            if (t != FULL) {
                DuckDBAppender a = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, t.name());
                p.mark("appender-open");
                append(a, t, rows);
                p.mark("append");
                a.close();
                p.mark("appender-close");
                return;
            }
            try (VectorSchemaRoot root = fill(allocator, t, rows)) {
                p.mark("arrow-fill");
                Path file = dir.resolve(String.format("%06d.parquet", seq++));
                scan(t.name(), root, "COPY (SELECT * FROM " + t.name() + "_arrow) TO '" + file + "' (FORMAT parquet)", p);
            }
        }
    }

    /** An ArrowReader that yields one filled VectorSchemaRoot (buffers shared, not copied). */
    static final class OneBatch extends ArrowReader {
        private final VectorSchemaRoot source;
        private boolean done;

        OneBatch(BufferAllocator allocator, VectorSchemaRoot source) {
            super(allocator);
            this.source = source;
        }

        @Override
        public boolean loadNextBatch() {
            if (done) {
                return false;
            }
            done = true;
            try (ArrowRecordBatch rb = new VectorUnloader(source).getRecordBatch()) {
                loadRecordBatch(rb);
            }
            return true;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {
        }

        @Override
        protected Schema readSchema() {
            return source.getSchema();
        }
    }

    static ArrowType arrowType(Kind k) {
        return switch (k) {
            case STR -> new ArrowType.Utf8();
            case TS -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case DBL -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case INT -> new ArrowType.Int(32, true);
            case BIGINT -> new ArrowType.Int(64, true);
            case BOOL -> new ArrowType.Bool();
            case BLOB -> new ArrowType.Binary();
        };
    }

    static final Map<String, Schema> SCHEMAS = new TreeMap<>();

    @SuppressWarnings({"unchecked", "rawtypes"})
    static VectorSchemaRoot fill(BufferAllocator allocator, Table t, List<Object> rows) {
        List<Col> cols = t.cols();
        Schema schema = SCHEMAS.computeIfAbsent(t.name(), n -> new Schema(cols.stream()
                .map(c -> new Field(c.name(), FieldType.nullable(arrowType(c.kind())), null)).toList()));
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.allocateNew();
        for (int ci = 0; ci < cols.size(); ci++) {
            Col c = cols.get(ci);
            FieldVector v = root.getVector(ci);
            for (int i = 0; i < rows.size(); i++) {
                Object x = c.get().apply(rows.get(i));
                if (x == null) {
                    if (v instanceof BaseVariableWidthVector vw) {
                        vw.setNull(i);
                    } else {
                        ((BaseFixedWidthVector) v).setNull(i);
                    }
                    continue;
                }
                switch (c.kind()) {
                    case STR -> ((VarCharVector) v).setSafe(i, ((String) x).getBytes(StandardCharsets.UTF_8));
                    case TS -> ((TimeStampMicroVector) v).setSafe(i, (Long) x);
                    case DBL -> ((Float8Vector) v).setSafe(i, ((Number) x).doubleValue());
                    case INT -> ((IntVector) v).setSafe(i, ((Number) x).intValue());
                    case BIGINT -> ((BigIntVector) v).setSafe(i, ((Number) x).longValue());
                    case BOOL -> ((BitVector) v).setSafe(i, (Boolean) x ? 1 : 0);
                    case BLOB -> ((VarBinaryVector) v).setSafe(i, (byte[]) x);
                }
            }
        }
        root.setRowCount(rows.size());
        return root;
    }

    /** DuckDbSpanStore.write itself: the reference. */
    static final class StoreWriter implements Writer {
        final DuckDbSpanStore store;

        StoreWriter(Path db, Map<String, String> settings) throws Exception {
            store = new DuckDbSpanStore(new DuckDbSettings(db, 1, settings));
            store.init();
        }

        @Override
        public void write(List<Row> batch, Phases p) throws Exception {
            p.mark("other");
            store.write(new Batch(batch.stream().map(Row::s).toList(), List.of(), List.of()));
            p.mark("store.write");
        }

        @Override
        public void close() {
            store.close();
        }
    }

    // ---------------------------------------------------------------- corpus

    static List<Row> load(String files, int perFile) throws Exception {
        IngestMetrics metrics = new IngestMetrics(new SimpleMeterRegistry(), new RateLimitedLog(60_000));
        MessageParser parser = new MessageParser(new Limits(10_000, 64_000, 1_024), metrics);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder("bench", 16 << 20, metrics));
        List<Row> out = new ArrayList<>();
        for (String f : files.split(",")) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(f)))) {
                for (int i = 0; i < perFile; i++) {
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
                    long json = 0;
                    for (Frames.Line l : frames.lines()) {
                        json += l.len();
                    }
                    Parsed parsed = parser.parse(frames);
                    for (Span s : parsed.spans()) {
                        out.add(new Row(s, DerivedRows.sql(s), DerivedRows.http(s), DerivedRows.dumps(s),
                                json / parsed.spans().size()));
                    }
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- the run

    record Config(String name, List<Row> rows, int batch, int total) {
    }

    record Result(String config, String method, int spans, int batches, long threadNs, long processNs, long wallNs,
            long jsonBytes, Map<String, Long> phases, long dbBytes) {
    }

    static final String[] METHODS = {"store", "appender", "arrow", "parquet"};

    public static void main(String[] args) throws Exception {
        String full = args[0];
        String summary = args[1];
        int rounds = Integer.parseInt(args[2]);
        Path work = Path.of(args[3]);
        String memoryLimit = args.length > 4 ? args[4] : "128MB";
        int perFile = Integer.parseInt(System.getProperty("perFile", "150"));
        List<Row> fullRows = load(full, perFile);
        List<Row> summaryRows = load(summary, 2000);
        long fullJson = fullRows.stream().mapToLong(Row::jsonBytes).sum();
        System.out.printf("%d full spans (mean %.0f KB JSON, %d with a stack > %d B), %d summaries (mean %.1f KB JSON)%n",
                fullRows.size(), fullJson / 1024.0 / fullRows.size(),
                fullRows.stream().filter(r -> !inline(r.s())).count(), INLINE_STACK_BYTES, summaryRows.size(),
                summaryRows.stream().mapToLong(Row::jsonBytes).sum() / 1024.0 / summaryRows.size());
        List<Config> configs = List.of(new Config("full x1", fullRows, 1, 100), new Config("full x10", fullRows, 10, 200),
                new Config("full x100", fullRows, 100, 400), new Config("full x500", fullRows, 500, 1000),
                new Config("summary x40", summaryRows, 40, 2000));
        BufferAllocator allocator = new RootAllocator();
        List<Result> results = new ArrayList<>();
        int cell = 0;
        for (int round = 0; round <= rounds; round++) { // round 0: warm-up, not reported
            for (Config cfg : configs) {
                for (int m = 0; m < METHODS.length * 2; m++) {
                    int k = (m + round) % (METHODS.length * 2); // rotate the order every round
                    String method = METHODS[k / 2];
                    boolean pio = k % 2 == 0;
                    Path dir = work.resolve("cell-" + cell++);
                    Files.createDirectories(dir);
                    Map<String, String> settings = new LinkedHashMap<>();
                    settings.put("memory_limit", memoryLimit);
                    settings.put("checkpoint_threshold", "16MB");
                    settings.put("preserve_insertion_order", Boolean.toString(pio));
                    Path db = dir.resolve("opa.duckdb");
                    Result r;
                    try (Writer w = switch (method) {
                        case "store" -> new StoreWriter(db, settings);
                        case "appender" -> new AppenderWriter(open(db, settings));
                        case "arrow" -> new ArrowWriter(open(db, settings), allocator);
                        default -> new ParquetWriter(open(db, settings), allocator, dir.resolve("parquet"));
                    }) {
                        r = run(cfg, method + (pio ? " =po" : " -po"), w);
                    }
                    long bytes = dirBytes(dir);
                    r = new Result(r.config(), r.method(), r.spans(), r.batches(), r.threadNs(), r.processNs(), r.wallNs(),
                            r.jsonBytes(), r.phases(), bytes);
                    deleteTree(dir);
                    if (round > 0) {
                        results.add(r);
                    }
                    System.out.printf("round %d %-12s %-13s thread %7.0f us/span %7.2f ms/batch, process %7.0f us/span, %6.0f spans/s wall, %5.0f MB JSON/s wall, files %4.0f MB, load %s%n",
                            round, r.config(), r.method(), r.threadNs() / 1e3 / r.spans(), r.threadNs() / 1e6 / r.batches(),
                            r.processNs() / 1e3 / r.spans(), r.spans() / (r.wallNs() / 1e9), r.jsonBytes() / 1e6 / (r.wallNs() / 1e9),
                            r.dbBytes() / 1e6, Files.readString(Path.of("/proc/loadavg")).trim());
                }
            }
        }
        report(results, configs);
        System.out.printf("Arrow allocator: peak %.1f MB, now %d B%n", allocator.getPeakMemoryAllocation() / 1e6,
                allocator.getAllocatedMemory());
        allocator.close();
    }

    static Result run(Config cfg, String method, Writer w) throws Exception {
        Phases p = new Phases();
        long json = 0;
        int batches = 0;
        System.gc();
        long t0 = THREADS.getCurrentThreadCpuTime();
        long c0 = OS.getProcessCpuTime();
        long w0 = System.nanoTime();
        int next = 0;
        for (int done = 0; done < cfg.total(); done += cfg.batch()) {
            List<Row> batch = new ArrayList<>(cfg.batch());
            for (int i = 0; i < cfg.batch(); i++) {
                Row r = cfg.rows().get(next++ % cfg.rows().size());
                batch.add(r);
                json += r.jsonBytes();
            }
            p.t = THREADS.getCurrentThreadCpuTime();
            w.write(batch, p);
            batches++;
        }
        long wall = System.nanoTime() - w0;
        return new Result(cfg.name(), method, batches * cfg.batch(), batches, THREADS.getCurrentThreadCpuTime() - t0,
                OS.getProcessCpuTime() - c0, wall, json, p.ns, 0);
    }

    static void report(List<Result> results, List<Config> configs) {
        System.out.println();
        System.out.println("Medians over rounds. thread = the writing thread's CPU; process = the whole JVM (DuckDB workers, GC).");
        System.out.println("| batch | method | thread µs/span | thread ms/batch | process µs/span | spans/s (wall) | MB JSON/s (wall) | MB JSON per process CPU s | thread CPU per batch by phase (ms) |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---|");
        Map<String, Map<String, List<Result>>> by = new LinkedHashMap<>();
        for (Config c : configs) {
            by.put(c.name(), new TreeMap<>());
        }
        for (Result r : results) {
            by.get(r.config()).computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
        }
        for (var cfg : by.entrySet()) {
            for (var m : cfg.getValue().entrySet()) {
                List<Result> rs = m.getValue();
                Result any = rs.get(0);
                Map<String, Double> phases = new LinkedHashMap<>();
                for (String ph : any.phases().keySet()) {
                    phases.put(ph, median(rs, r -> r.phases().getOrDefault(ph, 0L) / 1e6 / r.batches()));
                }
                StringBuilder ph = new StringBuilder();
                phases.forEach((k, v) -> ph.append(String.format("%s %.3f, ", k, v)));
                System.out.printf("| %s | %s | %.0f | %.2f | %.0f | %.0f | %.0f | %.0f | %s |%n", cfg.getKey(), m.getKey(),
                        median(rs, r -> r.threadNs() / 1e3 / r.spans()), median(rs, r -> r.threadNs() / 1e6 / r.batches()),
                        median(rs, r -> r.processNs() / 1e3 / r.spans()), median(rs, r -> r.spans() / (r.wallNs() / 1e9)),
                        median(rs, r -> r.jsonBytes() / 1e6 / (r.wallNs() / 1e9)),
                        median(rs, r -> r.jsonBytes() / 1e6 / (r.processNs() / 1e9)),
                        ph.length() > 2 ? ph.substring(0, ph.length() - 2) : "");
            }
        }
        // fixed cost per batch and cost per span: least squares of thread CPU per batch on batch size (full spans)
        System.out.println();
        System.out.println("Full spans, thread CPU per batch = fixed + per-span x batch size (least squares over the batch sizes, all rounds):");
        Map<String, List<double[]>> pts = new TreeMap<>();
        for (Result r : results) {
            if (r.config().startsWith("full")) {
                pts.computeIfAbsent(r.method(), k -> new ArrayList<>())
                        .add(new double[] {(double) r.spans() / r.batches(), r.threadNs() / 1e6 / r.batches()});
            }
        }
        pts.forEach((m, xy) -> {
            double n = xy.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (double[] p : xy) {
                sx += p[0];
                sy += p[1];
                sxx += p[0] * p[0];
                sxy += p[0] * p[1];
            }
            double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
            double icpt = (sy - slope * sx) / n;
            System.out.printf("  %-13s fixed %.3f ms/batch, %.0f µs/span%n", m, icpt, slope * 1e3);
        });
    }

    static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static long dirBytes(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
