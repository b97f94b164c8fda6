package dev.opa.agent.store;

import dev.opa.agent.model.Batch;

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

    @Override
    void close();
}
