package dev.opa.agent.store;

import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Batch;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A COMMIT that DuckDB refuses without invalidating the database (here: its WAL cannot be created) fails that
 * batch only. DuckDB's JDBC driver closes a statement whose execute failed: the store must not keep using it.
 */
class DuckDbCommitFailureTest {

    @TempDir
    Path dir;

    private static Batch trace(int n) {
        return new Batch(List.of(numbered(n).toSpan()), List.of(), List.of());
    }

    @Test
    void aRefusedCommitFailsOnlyItsBatch() throws Exception {
        Path file = dir.resolve("opa.duckdb");
        DuckDbSpanStore first = new DuckDbSpanStore(file, 1);
        first.init();
        first.close(); // checkpointed: no WAL until the next commit
        DuckDbSpanStore store = new DuckDbSpanStore(file, 1);
        store.init();
        try {
            Path wal = Path.of(file + ".wal");
            assertFalse(Files.exists(wal));
            Files.createDirectory(wal); // the commit cannot open its WAL there
            Exception refused = assertThrows(Exception.class, () -> store.write(trace(1)));
            assertFalse(StoreFailure.of(refused) == StoreFailure.FATAL, refused.getMessage());
            Files.delete(wal);

            store.write(trace(2));
            store.write(trace(3));
            try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT string_agg(trace_id, ',' ORDER BY trace_id) FROM spans_min")) {
                rs.next();
                assertEquals(traceId(2) + "," + traceId(3), rs.getString(1));
            }
            assertTrue(store.isHealthy());
        } finally {
            store.close();
        }
    }
}
