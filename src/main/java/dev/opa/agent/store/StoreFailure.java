package dev.opa.agent.store;

import java.io.IOException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Why a store write failed, as a bounded set of tag values for {@code opa_store_write_failures_total{reason}}.
 * Derived from the exception classes and messages of the whole cause chain (DuckDB reports everything as
 * {@code SQLException} with a typed message prefix such as "Out of Memory Error:" or "Constraint Error:";
 * ClickHouse as "Code: 241 ... MEMORY_LIMIT_EXCEEDED" or a connection exception).
 *
 * <p>{@code FATAL}: DuckDB invalidated its database instance after a fatal error (e.g. a checkpoint that could not
 * get memory); every write fails the same way until the store reopens the file ({@code DuckDbSpanStore}).
 *
 * <p>{@link #storeWide()} reasons say the store itself is unreachable or stalled: they never make a batch a
 * poison suspect (see {@link SpoolReplay}). {@link #aboutTheData()} reasons never open the circuit breaker.
 */
public enum StoreFailure {
    OUT_OF_MEMORY, IO, TIMEOUT, CONSTRAINT, INVALID_DATA, FATAL, OTHER;

    /** The Prometheus tag value: out_of_memory, io, ... */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** About the data, never about the store's availability: the circuit breaker does not count these. */
    public boolean aboutTheData() {
        return this == CONSTRAINT || this == INVALID_DATA;
    }

    /** Connection or disk trouble: every write would fail the same way, whatever the batch holds. */
    public boolean storeWide() {
        return this == IO || this == TIMEOUT || this == FATAL;
    }

    public static StoreFailure of(Throwable failure) {
        StoreFailure byMessage = OTHER;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return OUT_OF_MEMORY;
            }
            if (t instanceof SQLTimeoutException || t instanceof TimeoutException
                    || t instanceof java.net.SocketTimeoutException || t instanceof java.net.http.HttpTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof SQLIntegrityConstraintViolationException) {
                return CONSTRAINT;
            }
            if (t instanceof IOException) {
                return IO;
            }
            if (byMessage == OTHER) {
                byMessage = ofMessage(t.getMessage());
            }
        }
        return byMessage;
    }

    /** The reason a message alone gives (DuckDB's text of a fatal error, e.g. its "Original error: ..."). */
    public static StoreFailure ofMessage(String message) {
        if (message == null) {
            return OTHER;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("database has been invalidated") || m.contains("fatal error")) {
            return FATAL; // before the causes below: the fatal error's text may quote one
        }
        if (m.contains("out of memory") || m.contains("memory_limit") || m.contains("memory limit")
                || m.contains("failed to pin block") || m.contains("memory_limit_exceeded")) {
            return OUT_OF_MEMORY;
        }
        if (m.contains("timeout") || m.contains("timed out")) {
            return TIMEOUT;
        }
        if (m.contains("io error") || m.contains("no space left") || m.contains("disk full")
                || m.contains("connection refused") || m.contains("connection reset") || m.contains("broken pipe")) {
            return IO;
        }
        if (m.contains("constraint")) {
            return CONSTRAINT;
        }
        if (m.contains("conversion error") || m.contains("invalid input") || m.contains("cannot parse")
                || m.contains("type mismatch") || m.contains("out of range")) {
            return INVALID_DATA;
        }
        return OTHER;
    }
}
