package dev.opa.agent.store;

import static dev.opa.agent.testkit.TestSpan.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Batch;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-or-spool without the routes (the shutdown flush): the breaker is asked first, a failure spools. */
class StoreWriterTest {

    @TempDir
    Path dir;

    private static Batch one(int n) {
        return new Batch(List.of(numbered(n).toSpan()), List.of(), List.of());
    }

    @Test
    void writeOrSpoolStoresSpoolsOnFailureAndDoesNotTryWhileTheBreakerIsOpen() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SwitchableStore store = new SwitchableStore(dir.resolve("opa.duckdb"));
        Spool spool = new Spool(dir.resolve("spool"), 10_000_000, meters);
        CircuitBreaker breaker = StoreBreaker.create(50, 2, 2, 60, meters);
        StoreFailures failures = new StoreFailures(60_000, meters);
        StoreWriter writer = new StoreWriter(store, spool, failures, breaker, meters);

        assertTrue(writer.writeOrSpool(one(1)));
        store.outOfMemory = true;
        assertFalse(writer.writeOrSpool(one(2)));
        assertEquals(CircuitBreaker.State.OPEN, breaker.getState(), "1 of 2 failed: 50%");
        int attempts = store.attempts;
        assertFalse(writer.writeOrSpool(one(3)));
        assertFalse(writer.writeOrSpool(one(4)));
        assertEquals(attempts, store.attempts, "an open breaker spools without trying the store");
        assertEquals(3, spool.size());
        assertEquals(1.0, meters.find("opa.store.write.failures").tag("reason", "out_of_memory").counter().count());
        StoreFailures.Status status = failures.status();
        assertTrue(status.failingSinceMs() > 0 && status.lastError().contains("failed to pin block"), status.toString());
        store.close();
    }

    /** A heap too small for a batch (the ClickHouse encoder's whole-table bodies did that) is counted and logged too. */
    @Test
    void aJavaHeapTooSmallForTheWriteIsCountedAsOutOfMemory() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SpanStore store = new SpanStore() {
            @Override
            public void init() {
            }

            @Override
            public void write(Batch batch) {
                throw new OutOfMemoryError("Java heap space");
            }

            @Override
            public boolean isHealthy() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        StoreFailures failures = new StoreFailures(60_000, meters);
        StoreWriter writer = new StoreWriter(store, new Spool(dir.resolve("spool"), 10_000_000, meters), failures,
                StoreBreaker.create(50, 2, 2, 60, meters), meters);
        assertThrows(OutOfMemoryError.class, () -> writer.write(one(1)), "rethrown: the breaker spools the batch");
        assertEquals(1.0, meters.find("opa.store.write.failures").tag("reason", "out_of_memory").counter().count());
        assertTrue(failures.status().lastError().contains("Java heap space"), failures.status().toString());
        assertFalse(writer.writeOrSpool(one(2)), "spooled");
    }
}
