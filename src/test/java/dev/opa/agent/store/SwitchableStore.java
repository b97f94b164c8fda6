package dev.opa.agent.store;

import dev.opa.agent.model.Batch;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/** A real DuckDB store whose writes can be made to fail: all of them, or those holding given trace ids. */
final class SwitchableStore implements SpanStore {

    static final String OUT_OF_MEMORY = "TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB";
    static final String BAD_DATA = "Conversion Error: Could not convert string 'x' to INT64";

    final DuckDbSpanStore real;
    final Set<String> poison = ConcurrentHashMap.newKeySet();
    volatile boolean outOfMemory;
    volatile int connectionLostAfterWrites = -1; // >= 0: that many more writes succeed, then the connection is lost
    int attempts;

    SwitchableStore(Path file) throws Exception {
        real = new DuckDbSpanStore(file, 1);
        real.init();
    }

    @Override
    public void init() {
    }

    @Override
    public synchronized void write(Batch batch) throws Exception {
        attempts++;
        if (outOfMemory) {
            throw new SQLException(OUT_OF_MEMORY);
        }
        if (connectionLostAfterWrites == 0) {
            throw new SQLException("connection lost", new IOException("Connection reset by peer"));
        }
        if (batch.spans().stream().anyMatch(s -> poison.contains(s.traceId()))) {
            throw new SQLException(BAD_DATA);
        }
        real.write(batch);
        if (connectionLostAfterWrites > 0) {
            connectionLostAfterWrites--;
        }
    }

    @Override
    public boolean isHealthy() {
        return real.isHealthy();
    }

    @Override
    public DataSource readDataSource() {
        return real.readDataSource();
    }

    @Override
    public void close() {
        real.close();
    }
}
