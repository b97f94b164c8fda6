package dev.opa.agent.it;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.Span;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The real DuckDB store behind switches, to test outages end to end. Plugged in with
 * {@code opa.store.class=dev.opa.agent.it.FlakyStore} (static switches: the factory creates the instance).
 * {@link #failing}: every write fails the way DuckDB did when its memory limit was full (issue 11);
 * {@link #poisonTraceId}: a batch holding a span of that trace fails with a constraint error, others store.
 * {@link #written} records the trace ids of stored spans in write order.
 */
public class FlakyStore implements SpanStore {

    static final String OUT_OF_MEMORY = "TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB"
            + " (121.9 MiB/122.0 MiB used)";
    static final String POISON = "Constraint Error: simulated poison span";

    static volatile boolean failing;
    static volatile String poisonTraceId;
    static final List<String> written = Collections.synchronizedList(new ArrayList<>());

    private final DuckDbSpanStore real;

    public FlakyStore(Map<String, String> settings) {
        this.real = new DuckDbSpanStore(Path.of(settings.get("duckdb.file")), 2);
    }

    static void reset() {
        failing = false;
        poisonTraceId = null;
        written.clear();
    }

    @Override
    public void init() throws Exception {
        real.init();
    }

    @Override
    public void write(Batch batch) throws Exception {
        if (failing) {
            throw new SQLException(OUT_OF_MEMORY);
        }
        String poison = poisonTraceId;
        if (poison != null && batch.spans().stream().anyMatch(s -> poison.equals(s.traceId()))) {
            throw new SQLException(POISON);
        }
        real.write(batch);
        batch.spans().stream().map(Span::traceId).forEach(written::add);
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
