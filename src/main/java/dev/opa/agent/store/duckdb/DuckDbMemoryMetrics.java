package dev.opa.agent.store.duckdb;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * What the embedded DuckDB holds in memory, read at each scrape from {@code duckdb_memory()}:
 * {@code opa_duckdb_memory_bytes} (buffer manager: cached and dirty blocks, in-flight query state; bounded by
 * opa.store.duckdb.memory-limit) and {@code opa_duckdb_temporary_bytes} (spilled to disk). The rest of DuckDB's
 * resident memory is allocator slack and its own C++ objects, outside the limit (application.yaml, memory model).
 */
public final class DuckDbMemoryMetrics {

    private DuckDbMemoryMetrics() {
    }

    public static void register(MeterRegistry meters, DataSource readers) {
        Gauge.builder("opa.duckdb.memory", readers, ds -> query(ds, "memory_usage_bytes")).baseUnit("bytes")
                .description("DuckDB buffer manager memory (duckdb_memory())").register(meters);
        Gauge.builder("opa.duckdb.temporary", readers, ds -> query(ds, "temporary_storage_bytes")).baseUnit("bytes")
                .description("DuckDB temporary storage on disk (duckdb_memory())").register(meters);
    }

    private static double query(DataSource ds, String column) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT sum(" + column + ") FROM duckdb_memory()")) {
            return rs.next() ? rs.getDouble(1) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
