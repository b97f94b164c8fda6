package dev.opa.agent.it;

import dev.opa.agent.model.Batch;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The real DuckDB store behind a switch that makes writes fail, to test outages end to end. Plugged in with
 * {@code opa.store.class=dev.opa.agent.it.FlakyStore} (static switch: the factory creates the instance).
 */
public class FlakyStore implements SpanStore {

    static volatile boolean failing;

    private final DuckDbSpanStore real;

    public FlakyStore(Map<String, String> settings) {
        this.real = new DuckDbSpanStore(Path.of(settings.get("duckdb.file")), 2);
    }

    @Override
    public void init() throws Exception {
        real.init();
    }

    @Override
    public void write(Batch batch) throws Exception {
        if (failing) {
            throw new java.sql.SQLException("simulated store outage");
        }
        real.write(batch);
    }

    @Override
    public boolean isHealthy() {
        return !failing && real.isHealthy();
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
