package dev.opa.agent.boot;

import dev.opa.agent.store.SpanStore;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the store at start. DuckDB failing to open its file (most often: another agent holds the file's
 * lock) ends the start. A ClickHouse server not reachable at start follows
 * {@code opa.store.clickhouse.start-policy}: {@code fail} (default) waits up to
 * {@code opa.store.clickhouse.start-wait-ms} for it, then ends the start; {@code spool} starts anyway and
 * spools batches until the server answers (for orchestrators that start ClickHouse after the agent).
 */
public final class StoreStart {

    private static final Logger LOG = LoggerFactory.getLogger(StoreStart.class);
    static final long RETRY_MS = 1000;

    public enum Policy { FAIL, SPOOL }

    private StoreStart() {
    }

    public static Policy policy(String value) {
        try {
            return Policy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("bad start policy '" + value + "'", "opa.store.clickhouse.start-policy",
                    "use fail or spool");
        }
    }

    /**
     * @param type   opa.store.type, names the settings in the failure line
     * @param where  the file or URL of the store, for the failure line
     */
    public static void open(SpanStore store, String type, String where, Policy policy, long waitMs) {
        boolean duckdb = "duckdb".equals(type);
        try {
            store.init();
        } catch (Exception e) {
            throw new StartupFailure(type + " store cannot open " + where, duckdb
                    ? "opa.data.dir or opa.store.duckdb.file; one agent per DuckDB file" : "opa.store." + type + ".*", e);
        }
        if (duckdb || policy == Policy.SPOOL) {
            return;
        }
        if (!reachableWithin(store, waitMs, System::currentTimeMillis)) {
            throw new StartupFailure(type + " store not reachable at " + where + " within " + waitMs + " ms",
                    "opa.store." + type + ".url, or opa.store." + type + ".start-policy=spool to start without it",
                    "no answer to ping");
        }
    }

    static boolean reachableWithin(SpanStore store, long waitMs, LongSupplier clock) {
        long deadline = clock.getAsLong() + waitMs;
        if (store.isHealthy()) {
            return true;
        }
        LOG.warn("store not reachable at start; waiting up to {} ms for it", waitMs);
        while (clock.getAsLong() < deadline) {
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (store.isHealthy()) {
                return true;
            }
        }
        return false;
    }
}
