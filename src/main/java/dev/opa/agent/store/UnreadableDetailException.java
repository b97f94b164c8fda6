package dev.opa.agent.store;

/**
 * A span's stored detail (its record lists, or its call stack's bytes) that the store cannot read back: a damaged or
 * missing segment file of the DuckDB store. The trace API answers with the rest of the trace and says why
 * ({@code detail_error}).
 */
public class UnreadableDetailException extends IllegalStateException {
    public UnreadableDetailException(String message) {
        super(message);
    }
}
