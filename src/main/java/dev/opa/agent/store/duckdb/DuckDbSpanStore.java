package dev.opa.agent.store.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.SpanDetail;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.store.DerivedRows;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.StoreFailure;
import dev.opa.agent.store.UnreadableDetailException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The embedded store: one DuckDB file plus the call stacks and large record lists in segment files beside it
 * ({@link StackSegments}, {@link DetailBlock}; directory {@code <file>.stacks}). Writes go through DuckDB Appenders
 * (the fast path) on one connection inside one transaction per batch; reads use a small pool over the same file.
 * Statement shapes' normalised text is written once per fingerprint ({@link SqlShapes}). Data older than the
 * retention goes in {@link #expireOldData()} ({@link DuckDbRetention}).
 *
 * <p>A fatal error (e.g. a checkpoint that cannot get memory) makes DuckDB invalidate the database instance: every
 * later statement on any of its connections fails until the file is opened again. The store recognises that on a
 * write or a read ({@link StoreFailure#FATAL}, confirmed by a probe), closes every connection (writer and read pool)
 * and opens the file again, which replays its WAL; the failed batch goes to the spool like any failed one and is
 * replayed after the reopen. Logged, counted and shown by readiness through {@link DuckDbReopens}.
 */
public class DuckDbSpanStore implements SpanStore {

    private final Path file;
    private final Map<String, String> pragmas;
    private volatile DuckDBConnection writer;
    private Statement control;
    private final Appenders appenders = new Appenders();
    private final DuckDbReadPool readers;
    private final DuckDbReopens reopens = new DuckDbReopens();
    private volatile boolean readSawFatal; // a read failed with a fatal error: probe before the next use
    private boolean started;
    private StackSegments stacks;
    private final DetailBlock details = new DetailBlock(); // used inside the synchronized write() only
    private final SqlShapes shapes = new SqlShapes(); // likewise
    private final AtomicLong unreadableStacks = new AtomicLong();
    private final AtomicLong unreadableDetails = new AtomicLong();
    private final DuckDbRetention retention;

    /**
     * Stacks up to this size (compressed) stay in the row ({@code stack_lz4}): a request summary has none, and a
     * segment write would cost its batch an fsync (5 ms of CPU per batch of summaries here).
     */
    static final int INLINE_STACK_BYTES = 2048;

    /**
     * Record lists ({@link DetailBlock}) up to this many characters in all stay in their columns: a request summary's
     * are empty ("[]"), a full capture's SQL list alone is 3-18 KB on real traffic.
     */
    static final int INLINE_DETAIL_CHARS = 2048;

    /** Segment files of call stacks are rotated at this size. */
    static final long SEGMENT_BYTES = 256L << 20;

    public DuckDbSpanStore(Path file, int readPoolSize) {
        this(new DuckDbSettings(file, readPoolSize, Map.of()));
    }

    public DuckDbSpanStore(DuckDbSettings settings) {
        this.file = settings.file();
        this.pragmas = settings.pragmas();
        this.retention = new DuckDbRetention(settings.retentionDays());
        this.readers = new DuckDbReadPool(jdbcUrl(), settings.readPoolSize(), this::reopenBeforeRead, this::readFailed);
    }

    @Override
    public synchronized void init() throws Exception {
        if (started) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        stacks = new StackSegments(Path.of(file.toAbsolutePath() + ".stacks"), SEGMENT_BYTES);
        openDatabase();
        started = true;
    }

    /** The writer connection (settings applied, schema checked) and the read pool, on one database instance. */
    private void openDatabase() throws SQLException, IOException {
        writer = (DuckDBConnection) connect();
        try (Statement st = writer.createStatement()) {
            // the settings belong to the instance: applied again to each one the store opens
            for (Map.Entry<String, String> e : pragmas.entrySet()) {
                st.execute("SET " + e.getKey() + " = '" + e.getValue() + "'"); // validated by DuckDbSettings
            }
            st.execute(schema());
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT fingerprint FROM sql_shapes LIMIT " + SqlShapes.MAX)) {
                while (rs.next()) {
                    shapes.known(rs.getString(1));
                }
            }
        }
        control = writer.createStatement(); // BEGIN, COMMIT, ROLLBACK of every batch
        readers.open();
    }

    /** Closes every connection the store holds, so that DuckDB releases the instance (and its file). */
    private void closeDatabase() {
        readers.close();
        DuckDBConnection w = writer;
        writer = null;
        if (w != null) {
            appenders.discard(); // a batch commits before write() returns: nothing is pending here
            try {
                w.close(); // closes control too
            } catch (SQLException ignored) {
                // an invalidated instance may refuse even this; the connection is gone either way
            }
        }
        control = null;
    }

    /**
     * Registers {@code opa_duckdb_reopens_total{reason,outcome}} and {@code opa_duckdb_unreadable_total{part}} (a
     * stored call stack or record list that could not be read back for the trace API: {@code part} stack, detail).
     */
    public void registerMetrics(MeterRegistry meters) {
        reopens.register(meters);
        retention.register(meters);
        FunctionCounter.builder("opa.duckdb.unreadable", unreadableStacks, AtomicLong::get).tag("part", "stack")
                .description("stored call stacks that could not be read back").register(meters);
        FunctionCounter.builder("opa.duckdb.unreadable", unreadableDetails, AtomicLong::get).tag("part", "detail")
                .description("stored record lists that could not be read back").register(meters);
    }

    private String jdbcUrl() {
        return "jdbc:duckdb:" + file.toAbsolutePath();
    }

    /** The store's DDL, {@code schema.sql} beside this class (idempotent: applied at every start). */
    public static String schema() throws IOException {
        try (InputStream in = DuckDbSpanStore.class.getResourceAsStream("schema.sql")) {
            if (in == null) {
                throw new IOException("dev/opa/agent/store/duckdb/schema.sql missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public synchronized void write(Batch batch) throws Exception {
        if (!started) {
            throw new IllegalStateException("store not initialised or closed");
        }
        reopenIfInvalidated(); // throws when the file cannot be opened again: the batch is spooled
        if (control.isClosed()) {
            // DuckDB's driver closes a statement whose execute failed (e.g. a refused COMMIT): without a new one,
            // every later batch would fail with "Statement was closed"
            control = writer.createStatement();
        }
        try {
            writeBatch(batch);
        } catch (Exception | Error e) {
            reopenIfFatal(e);
            if (durableDespite(e)) {
                return; // in the WAL, which the reopen replayed: spooling it would store it twice
            }
            throw e;
        }
    }

    /**
     * DuckDB's COMMIT of a batch that pushed the WAL over the checkpoint threshold can fail in the automatic
     * checkpoint after the commit itself succeeded: "FATAL Error: Transaction COMMIT succeeded and is durable, but
     * the autocheckpoint failed. Reopen the database instance to recover." (DuckDB 1.5).
     */
    static boolean durableDespite(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("COMMIT succeeded and is durable")) {
                return true;
            }
        }
        return false;
    }

    private void writeBatch(Batch batch) throws Exception {
        // explicit transaction: Appenders use the connection's transaction context, and the JDBC driver only
        // opens one lazily on the next statement, so setAutoCommit(false) alone leaves appends auto-committed
        boolean committed = false;
        try {
            control.execute("BEGIN TRANSACTION");
            appendSpans(batch);
            appendErrors(batch);
            appendLogs(batch);
            appenders.flush(); // here, not in close(): the driver's close() drops a failing flush's error
            stacks.sync();
            control.execute("COMMIT");
            committed = true;
            shapes.committed();
        } finally {
            if (!committed) {
                shapes.failed();
                appenders.discard(); // they may still hold rows of this batch
                rollbackQuietly(control); // also after an Error (e.g. OutOfMemoryError): never leave it open
            }
        }
    }

    /**
     * Retention ({@code opa.store.duckdb.retention-days}): deletes the rows of request data older than the cutoff
     * from every table ({@link DuckDbRetention#TIME_COLUMNS}) in one transaction on the writer connection, under the
     * lock batches are written with; then the segment files below the lowest one a remaining row refers to (never
     * the open one). Counted and logged; a failure never reaches the caller (the next run tries again).
     */
    @Override
    public synchronized void expireOldData() {
        if (!started || !retention.enabled()) {
            return;
        }
        long start = System.nanoTime();
        try {
            reopenIfInvalidated();
            if (control.isClosed()) {
                control = writer.createStatement(); // as in write(): a failed execute closes it
            }
            Map<String, Long> rows;
            boolean committed = false;
            try {
                control.execute("BEGIN TRANSACTION");
                rows = retention.deleteRows(writer, System.currentTimeMillis());
                control.execute("COMMIT");
                committed = true;
            } finally {
                if (!committed) {
                    rollbackQuietly(control);
                }
            }
            int files = stacks.deleteBelow(DuckDbRetention.lowestReferencedSegment(writer));
            retention.ran(rows, files, (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            reopenIfFatal(e);
            retention.failed(file.toAbsolutePath().toString(), e);
        }
    }

    /** After a failed write: when the failure was fatal and the instance is invalidated, reopens it now. */
    private void reopenIfFatal(Throwable failure) {
        if (StoreFailure.of(failure) != StoreFailure.FATAL || !invalidated(failure, "write")) {
            return;
        }
        try {
            reopen();
        } catch (Exception e) {
            // logged and counted by reopen(); the next write or read tries again
        }
    }

    /** Before a write: reopens an instance found invalidated earlier (by a read, or a reopen that failed). */
    private void reopenIfInvalidated() throws Exception {
        if (readSawFatal) {
            readSawFatal = false;
            if (reopens.usable()) {
                invalidated(null, "read");
            }
        }
        if (!reopens.usable()) {
            reopen();
        }
    }

    /** A read connection or statement failed: a fatal error is looked into before the next write or read. */
    private void readFailed(SQLException e) {
        if (StoreFailure.of(e) == StoreFailure.FATAL) {
            readSawFatal = true;
        }
    }

    /** Before a read borrows a connection: does nothing unless a fatal error was seen (no lock on the way). */
    private void reopenBeforeRead() {
        if (!readSawFatal && reopens.usable()) {
            return;
        }
        synchronized (this) {
            if (!started) {
                return;
            }
            try {
                reopenIfInvalidated();
            } catch (Exception e) {
                // logged and counted by reopen(); this read fails on the closed pool, the next one tries again
            }
        }
    }

    /**
     * True when the instance is invalidated: a probe on the writer connection fails with a fatal error (DuckDB
     * invalidates the whole instance, not one connection). Records it with the error that gave it away.
     */
    private boolean invalidated(Throwable seen, String where) {
        DuckDBConnection w = writer;
        if (w == null) {
            return false;
        }
        try (Statement st = w.createStatement()) {
            st.execute("SELECT 1");
            return false;
        } catch (SQLException probe) {
            if (StoreFailure.of(probe) != StoreFailure.FATAL) {
                return false;
            }
            reopens.invalidated(file.toAbsolutePath().toString(), where, (seen == null ? probe : seen).getMessage());
            return true;
        }
    }

    /** Closes every connection and opens the file again (DuckDB replays its WAL); counted and logged. */
    private void reopen() throws Exception {
        long start = System.nanoTime();
        closeDatabase();
        try {
            openDatabase();
            try (Statement st = writer.createStatement()) {
                st.execute("SELECT 1"); // the driver hands out the old instance while any connection keeps it open
            }
        } catch (Exception e) {
            closeDatabase();
            reopens.reopenFailed(file.toAbsolutePath().toString(), e);
            throw e;
        }
        reopens.reopened(file.toAbsolutePath().toString(), (System.nanoTime() - start) / 1_000_000);
    }

    private static void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // the write already failed (or never began); its own exception is the one that matters
        }
    }

    private void appendSpans(Batch batch) throws SQLException, IOException {
        if (batch.spans().isEmpty()) {
            return;
        }
        DuckDBAppender min = appenders.get("spans_min");
        DuckDBAppender full = appenders.get("spans_full");
        for (Span s : batch.spans()) {
            appendMin(min, s);
            appendFull(full, s);
            for (DerivedRows.SqlRow r : DerivedRows.sql(s)) {
                DuckDBAppender sql = appenders.get("sql_queries");
                keys(sql.beginRow(), s).appendEpochMicros((r.startMs()) * 1000L).append(r.fingerprint())
                        .append("").append(r.query()); // normalized: once per fingerprint, in sql_shapes
                str(sql, r.dbSystem()).append(r.durationMs());
                nullable(sql, r.rows()).append(s.sampleWeight()).endRow();
                if (shapes.isNew(r.fingerprint())) {
                    appenders.get("sql_shapes").beginRow().append(r.fingerprint()).append(r.normalized()).endRow();
                }
            }
            for (DerivedRows.HttpRow r : DerivedRows.http(s)) {
                DuckDBAppender http = appenders.get("http_calls");
                keys(http.beginRow(), s).appendEpochMicros((r.startMs()) * 1000L);
                str(http, r.method()).append(r.url()).append(r.host()).append(r.pathTemplate());
                nullable(http, r.statusCode()).append(r.durationMs());
                nullable(http, r.bytesSent());
                nullable(http, r.bytesReceived());
                str(http, r.error()).append(s.sampleWeight()).endRow();
            }
            for (DerivedRows.DumpRow r : DerivedRows.dumps(s)) {
                DuckDBAppender dumps = appenders.get("dumps");
                keys(dumps.beginRow(), s).appendEpochMicros((r.tsMs()) * 1000L);
                str(dumps, r.file());
                nullable(dumps, r.line());
                str(dumps, r.data());
                str(dumps, r.text()).endRow();
            }
        }
    }

    private static DuckDBAppender keys(DuckDBAppender a, Span s) throws SQLException {
        return a.append(s.organizationId()).append(s.projectId()).append(s.traceId()).append(s.spanId())
                .append(s.service());
    }

    private static void appendMin(DuckDBAppender a, Span s) throws SQLException {
        a.beginRow().append(s.organizationId()).append(s.projectId()).append(s.traceId()).append(s.spanId());
        str(a, s.parentId()).append(s.service()).append(s.name()).appendEpochMicros((s.startMs()) * 1000L)
                .appendEpochMicros((s.endMs()) * 1000L).append(s.durationMs()).append(s.cpuMs()).append(s.status());
        str(a, s.httpMethod());
        str(a, s.httpRoute());
        nullable(a, s.httpStatus()).append(DerivedRows.sqlCount(s)).append(DerivedRows.httpCount(s))
                .append(DerivedRows.cacheCount(s)).append(s.sampleWeight()).append(s.isEntry())
                .append(s.detail().sqlMs()).append(s.detail().httpMs()).endRow();
    }

    private void appendFull(DuckDBAppender a, Span s) throws SQLException, IOException {
        keys(a.beginRow(), s).appendEpochMicros((s.startMs()) * 1000L);
        str(a, s.language());
        str(a, s.languageVersion());
        str(a, s.framework());
        str(a, s.frameworkVersion());
        // the text as received when the parser kept it: serialising the trees again cost more than the append
        SpanDetail d = s.detail();
        str(a, d.tags());
        str(a, d.net());
        // the record lists of a full capture go to the segment file (DetailBlock), before its stack
        StackSegments.Ref lists = DetailBlock.chars(d) > INLINE_DETAIL_CHARS ? stacks.append(details.encode(d)) : null;
        if (lists == null) {
            str(a, d.sql());
            str(a, d.http());
            str(a, d.cache());
            str(a, d.redis());
            str(a, d.dumps());
        } else {
            a.appendNull().appendNull().appendNull().appendNull().appendNull();
        }
        a.appendNull(); // stack: the JSON column of older versions
        byte[] stack = d.stackLz4(); // compressed by the parser
        if (stack.length <= INLINE_STACK_BYTES) {
            a.append(stack).appendNull().appendNull().appendNull(); // a request summary's empty or tiny stack
        } else {
            a.appendNull();
            StackSegments.Ref ref = stacks.append(stack);
            a.append(ref.segment()).append(ref.offset()).append(ref.length());
        }
        if (lists == null) {
            str(a, d.fileIo()).appendNull().appendNull().appendNull().endRow();
        } else {
            a.appendNull().append(lists.segment()).append(lists.offset()).append(lists.length()).endRow();
        }
    }

    /**
     * The call stack of a {@code spans_full} row as JSON text: from its segment file, or from the columns older
     * versions wrote ({@code stack_lz4}, {@code stack}); null when the row has none.
     */
    @Override
    public String stack(Map<String, Object> row) {
        Object segment = row.remove("stack_segment");
        Object offset = row.remove("stack_offset");
        Object length = row.remove("stack_length");
        Object packed = row.remove("stack_lz4");
        try {
            if (segment != null && offset != null && length != null) {
                return StackCodec.decode(stacks.read(((Number) segment).intValue(), ((Number) offset).longValue(),
                        ((Number) length).intValue()));
            }
            if (packed != null) {
                return StackCodec.decode(blobBytes(packed));
            }
        } catch (IOException e) {
            unreadableStacks.incrementAndGet();
            throw new StackCodec.UnreadableStackException("stored call stack is unreadable: " + e.getMessage());
        } catch (StackCodec.UnreadableStackException e) {
            unreadableStacks.incrementAndGet();
            throw e;
        }
        Object text = row.get("stack");
        return text == null ? null : text.toString();
    }

    /**
     * The record lists of a {@code spans_full} row kept in a segment file ({@link DetailBlock}) put back into their
     * columns; a row with its lists in the columns (small ones, and every row of older versions) is left as it is.
     */
    @Override
    public void details(Map<String, Object> row) {
        Object segment = row.remove("detail_segment");
        Object offset = row.remove("detail_offset");
        Object length = row.remove("detail_length");
        if (segment == null || offset == null || length == null) {
            return;
        }
        try {
            row.putAll(DetailBlock.decode(stacks.read(((Number) segment).intValue(), ((Number) offset).longValue(),
                    ((Number) length).intValue())));
        } catch (IOException e) {
            unreadableDetails.incrementAndGet();
            throw new UnreadableDetailException("stored span detail is unreadable: " + e.getMessage());
        } catch (UnreadableDetailException e) {
            unreadableDetails.incrementAndGet();
            throw e;
        }
    }

    /** A BLOB value as the DuckDB driver returns it (Blob, byte[] or ByteBuffer). */
    private static byte[] blobBytes(Object value) {
        try {
            if (value instanceof byte[] bytes) {
                return bytes;
            }
            if (value instanceof Blob blob) {
                return blob.getBytes(1, (int) blob.length());
            }
            if (value instanceof ByteBuffer buffer) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
                return bytes;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading stack_lz4: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("stack_lz4 is not a BLOB: " + value.getClass().getName());
    }

    private void appendErrors(Batch batch) throws SQLException {
        if (batch.errors().isEmpty()) {
            return;
        }
        DuckDBAppender a = appenders.get("errors");
        for (ErrorEvent e : batch.errors()) {
            a.beginRow().append(e.organizationId()).append(e.projectId());
            str(a, e.traceId());
            str(a, e.spanId()).append(e.service()).appendEpochMicros((e.occurredAtMs()) * 1000L).append(e.errorType())
                    .append(e.errorMessage());
            str(a, e.file());
            nullable(a, e.line()).append(e.fingerprint());
            str(a, e.environment());
            str(a, e.release());
            json(a, e.stackTrace());
            json(a, e.tags()).endRow();
        }
    }

    private void appendLogs(Batch batch) throws SQLException {
        if (batch.logs().isEmpty()) {
            return;
        }
        DuckDBAppender a = appenders.get("logs");
        for (LogEvent l : batch.logs()) {
            a.beginRow().append(l.organizationId()).append(l.projectId());
            str(a, l.traceId());
            str(a, l.spanId()).append(l.service()).appendEpochMicros((l.timestampMs()) * 1000L).append(l.level())
                    .append(l.message());
            json(a, l.fields()).endRow();
        }
    }

    /**
     * One appender per table, opened on first use and kept open across batches: opening one costs more than
     * appending a request summary's row (the table's catalog entry, a data chunk of its column types). Each batch
     * flushes the ones it used inside its transaction. After a failed batch they are closed and dropped, since
     * they may still hold its rows; the next batch opens new ones. Used only inside the synchronized write().
     */
    private final class Appenders {
        private final Map<String, DuckDBAppender> open = new LinkedHashMap<>();

        DuckDBAppender get(String table) throws SQLException {
            DuckDBAppender a = open.get(table);
            if (a == null) {
                a = writer.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
                // batches come from the flush, spool-replay and shutdown threads; write() is synchronized, which
                // is the serialisation the driver's thread check asks for (its lock would only repeat it)
                a.unsafeBreakThreadConfinement();
                open.put(table, a);
            }
            return a;
        }

        /** Appends every appender's pending rows to its table, in the current transaction. */
        void flush() throws SQLException {
            for (DuckDBAppender a : open.values()) {
                a.flush();
            }
        }

        void discard() {
            for (DuckDBAppender a : open.values()) {
                try {
                    a.close();
                } catch (SQLException ignored) {
                    // dropped after a failed batch: that failure is the one reported
                }
            }
            open.clear();
        }
    }

    private static DuckDBAppender str(DuckDBAppender a, String v) throws SQLException {
        return v == null ? a.appendNull() : a.append(v);
    }

    private static DuckDBAppender json(DuckDBAppender a, JsonNode v) throws SQLException {
        return v == null || v.isNull() || v.isMissingNode() ? a.appendNull() : a.append(v.toString());
    }

    private static DuckDBAppender nullable(DuckDBAppender a, Integer v) throws SQLException {
        return v == null ? a.appendNull() : a.append(v.intValue());
    }

    private static DuckDBAppender nullable(DuckDBAppender a, Long v) throws SQLException {
        return v == null ? a.appendNull() : a.append(v.longValue());
    }

    @Override
    public boolean isHealthy() {
        DuckDBConnection w = writer;
        try {
            return reopens.usable() && !readSawFatal && w != null && !w.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String problem() {
        return reopens.problem();
    }

    /** The database file plus its WAL when that is larger than what DuckDB reports (only checkpointed blocks). */
    @Override
    public long bytesOnDisk(long reported) {
        Path db = file.toAbsolutePath();
        return Math.max(reported, sizeOf(db) + sizeOf(Path.of(db + ".wal")));
    }

    private static long sizeOf(Path path) {
        try {
            return Files.isRegularFile(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public DataSource readDataSource() {
        if (!started) {
            throw new IllegalStateException("store not initialised");
        }
        return readers;
    }

    @Override
    public synchronized void close() {
        if (stacks != null) {
            try {
                stacks.close();
            } catch (IOException ignored) {
                // closing at shutdown: every committed batch was synced before its commit
            }
            stacks = null;
        }
        closeDatabase();
        started = false;
    }

    /** A plain connection (not pooled). The driver is used directly: DriverManager only sees drivers of the
     *  caller's class loader, which differs under Camel JBang. */
    public Connection openConnection() throws SQLException {
        return connect();
    }

    private Connection connect() throws SQLException {
        return new DuckDBDriver().connect(jdbcUrl(), new java.util.Properties());
    }
}
