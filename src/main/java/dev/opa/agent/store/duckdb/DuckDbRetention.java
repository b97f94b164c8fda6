package dev.opa.agent.store.duckdb;

import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.store.RequestTables;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention of the embedded store ({@code opa.store.duckdb.retention-days}): the SQL that deletes request data older
 * than the cutoff, the lowest segment file still referenced, and the counters and log lines of each run. The store
 * runs it under its write lock ({@code DuckDbSpanStore.expireOldData}). As ClickHouse's TTLs
 * ({@code ClickHouseRetention}), counted from the same time columns.
 */
final class DuckDbRetention {

    private static final Logger LOG = LoggerFactory.getLogger(DuckDbSpanStore.class);

    /** Table → the time column its rows expire by: every table of request data ({@link RequestTables}). */
    static final Map<String, String> TIME_COLUMNS = RequestTables.TIME_COLUMNS;

    /** No segment file is referenced. */
    static final int NONE = Integer.MAX_VALUE;

    private final int days;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final RateLimitedLog failureLog = new RateLimitedLog(LOG, TimeUnit.MINUTES.toMillis(10));

    DuckDbRetention(int days) {
        this.days = days;
    }

    /** False when data is kept forever (retention-days 0 or empty). */
    boolean enabled() {
        return days > 0;
    }

    /**
     * Registers {@code opa_store_retention_deleted_total{kind=rows|segment_files}} and
     * {@code opa_store_retention_failures_total}.
     */
    void register(MeterRegistry meters) {
        String deleted = "rows and segment files deleted by retention (opa.store.duckdb.retention-days)";
        FunctionCounter.builder("opa.store.retention.deleted", rows, AtomicLong::get).tag("kind", "rows")
                .description(deleted).register(meters);
        FunctionCounter.builder("opa.store.retention.deleted", files, AtomicLong::get).tag("kind", "segment_files")
                .description(deleted).register(meters);
        FunctionCounter.builder("opa.store.retention.failures", failures, AtomicLong::get)
                .description("retention runs that failed (the next run tries again)").register(meters);
    }

    /** Deletes the rows older than {@code retention-days} before {@code nowMs} in the caller's transaction. */
    Map<String, Long> deleteRows(Connection c, long nowMs) throws SQLException {
        long cutoffMs = nowMs - TimeUnit.DAYS.toMillis(days);
        Map<String, Long> deleted = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : TIME_COLUMNS.entrySet()) {
            // names from the constant map above; the cutoff is a parameter
            try (PreparedStatement st = c.prepareStatement(
                    "DELETE FROM " + t.getKey() + " WHERE " + t.getValue() + " < epoch_ms(CAST(? AS BIGINT))")) {
                st.setLong(1, cutoffMs);
                deleted.put(t.getKey(), (long) st.executeUpdate());
            }
        }
        return deleted;
    }

    /** The lowest segment file number any {@code spans_full} row refers to (stack or record lists), else {@link #NONE}. */
    static int lowestReferencedSegment(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT min(stack_segment), min(detail_segment) FROM spans_full")) {
            rs.next();
            int lowest = NONE;
            for (int i = 1; i <= 2; i++) {
                int n = rs.getInt(i);
                if (!rs.wasNull()) {
                    lowest = Math.min(lowest, n);
                }
            }
            return lowest;
        }
    }

    /** Counts a run; one INFO line when it deleted something. */
    void ran(Map<String, Long> deletedRows, int deletedFiles, long tookMs) {
        long total = deletedRows.values().stream().mapToLong(Long::longValue).sum();
        rows.addAndGet(total);
        files.addAndGet(deletedFiles);
        if (total > 0 || deletedFiles > 0) {
            Map<String, Long> nonZero = new LinkedHashMap<>(deletedRows);
            nonZero.values().removeIf(n -> n == 0);
            LOG.info("retention ({} days): deleted {} rows {} and {} segment files in {} ms", days, total, nonZero,
                    deletedFiles, tookMs);
        }
    }

    /** A failed run: counted, logged (at most every 10 minutes) with the exception; the next run tries again. */
    void failed(String file, Throwable e) {
        failures.incrementAndGet();
        failureLog.warn("retention", "retention of DuckDB database " + file + " failed (next run tries again): " + e);
    }
}
