package dev.opa.agent.store;

import dev.opa.agent.model.Batch;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes batches to one backend (DuckDB embedded, ClickHouse). One implementation per store, chosen by
 * {@code opa.store.type}. A write either stores the whole batch or throws: the circuit breaker and the
 * spool rely on that to never lose or duplicate accepted data.
 */
public interface SpanStore extends AutoCloseable {

    /** Creates the schema if missing. Called once at start, before any write. */
    void init() throws Exception;

    /** Stores every span (plus its derived sql/http/dump rows), error and log of the batch, atomically if the backend can. */
    void write(Batch batch) throws Exception;

    /** Cheap liveness probe for readiness and half-open checks. */
    boolean isHealthy();

    /**
     * What the store itself knows is wrong right now, as a sentence for readiness (e.g. DuckDB reopening its file
     * after a fatal error), or null.
     */
    default String problem() {
        return null;
    }

    /**
     * Connections for the REST API's read queries over the same data (bound as the {@code dataSource} bean).
     * For DuckDB a pool over the same database file in the same JVM.
     */
    default DataSource readDataSource() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no read DataSource");
    }

    /**
     * The call stack (JSON text) of one row of the trace-detail query ({@code trace_spans.sql}), decoded the way
     * this store keeps it; the store's own columns for it are removed from the row. Null when there is none.
     */
    default String stack(Map<String, Object> row) {
        Object text = row.get("stack");
        return text == null ? null : text.toString();
    }

    /** The record lists of a span: its trace-detail columns that a store may keep outside the row ({@link #details}). */
    List<String> RECORD_LISTS = List.of("sql", "http", "cache", "redis", "dumps", "file_io");

    /**
     * The record lists ({@link #RECORD_LISTS}) of one row of the trace-detail query when the
     * store keeps them outside those columns: fills them in as JSON text, exactly as received, and removes the store's
     * own columns for them from the row. Throws {@link UnreadableDetailException} when they cannot be read back.
     */
    default void details(Map<String, Object> row) {
    }

    /**
     * Bytes the store occupies on disk, given the figure its {@code store_size.sql} query reported (the REST API's
     * stats); a store that keeps data the query cannot see adds it here.
     */
    default long bytesOnDisk(long reported) {
        return reported;
    }

    /**
     * Deletes stored data older than the store's retention (route store-retention, at start and hourly). Does nothing
     * by default: ClickHouse expires rows by its tables' TTLs. Never throws: a failure is counted and logged.
     */
    default void expireOldData() {
    }

    @Override
    void close();
}
