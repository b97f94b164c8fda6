package dev.opa.agent.store;

import dev.opa.agent.model.Batch;
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
     * Connections for the REST API's read queries over the same data (bound as the {@code dataSource} bean).
     * For DuckDB a pool over the same database file in the same JVM.
     */
    default DataSource readDataSource() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no read DataSource");
    }

    @Override
    void close();
}
