package dev.opa.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Failure reasons from the errors DuckDB and ClickHouse actually raise. */
class StoreFailureTest {

    @Test
    void duckDbErrorsAreClassifiedByTheirTypedPrefix() {
        assertEquals(StoreFailure.OUT_OF_MEMORY, StoreFailure.of(new SQLException("TransactionContext Error: Failed to "
                + "commit: failed to pin block of size 256.0 KiB (121.9 MiB/122.0 MiB used)")));
        assertEquals(StoreFailure.OUT_OF_MEMORY, StoreFailure.of(new SQLException("Out of Memory Error: could not allocate")));
        assertEquals(StoreFailure.IO, StoreFailure.of(new SQLException("IO Error: No space left on device")));
        assertEquals(StoreFailure.CONSTRAINT, StoreFailure.of(new SQLException("Constraint Error: NOT NULL constraint failed")));
        assertEquals(StoreFailure.INVALID_DATA, StoreFailure.of(new SQLException("Conversion Error: Could not convert")));
        assertEquals(StoreFailure.INVALID_DATA, StoreFailure.of(new SQLException("Invalid Input Error: Malformed JSON")));
        assertEquals(StoreFailure.OTHER, StoreFailure.of(new IllegalStateException("store not initialised or closed")));
    }

    @Test
    void anInvalidatedDuckDbIsFatalNotTheCauseItQuotesNorInvalidInput() {
        // the exact text DuckDB 1.5's JDBC driver raises for every statement after a failed checkpoint
        assertEquals(StoreFailure.FATAL, StoreFailure.of(new SQLException("Invalid Input Error: Attempting to execute an "
                + "unsuccessful or closed pending query result\nError: FATAL Error: Failed: database has been invalidated "
                + "because of a previous fatal error. The database must be restarted prior to being used again.\n"
                + "Original error: \"Failed to create checkpoint because of error: failed to pin block of size 256.0 KiB\"")));
        assertEquals(StoreFailure.FATAL, StoreFailure.of(new SQLException("FATAL Error: Failed to create checkpoint because "
                + "of error: Could not allocate block")));
    }

    @Test
    void clickHouseAndConnectionErrorsAreClassifiedThroughTheCauseChain() {
        assertEquals(StoreFailure.OUT_OF_MEMORY, StoreFailure.of(new Exception("insert failed",
                new RuntimeException("Code: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED)"))));
        assertEquals(StoreFailure.IO, StoreFailure.of(new Exception("insert failed", new ConnectException("Connection refused"))));
        assertEquals(StoreFailure.TIMEOUT, StoreFailure.of(new Exception("insert failed", new SocketTimeoutException("Read timed out"))));
        assertEquals(StoreFailure.IO, StoreFailure.of(new IOException("Broken pipe")));
        assertEquals("out_of_memory", StoreFailure.OUT_OF_MEMORY.tag());
    }

    @Test
    void onlyDataErrorsSpareTheBreakerAndOnlyConnectionErrorsMeanTheStoreIsGone() {
        for (StoreFailure f : StoreFailure.values()) {
            assertEquals(f == StoreFailure.CONSTRAINT || f == StoreFailure.INVALID_DATA, f.aboutTheData(), f.name());
            assertEquals(f == StoreFailure.IO || f == StoreFailure.TIMEOUT || f == StoreFailure.FATAL, f.storeWide(), f.name());
        }
    }
}
