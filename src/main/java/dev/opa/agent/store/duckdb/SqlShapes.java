package dev.opa.agent.store.duckdb;

import java.util.HashSet;
import java.util.Set;

/**
 * Which statement shapes (fingerprints) already have their normalised text in {@code sql_shapes}: the DuckDB store
 * writes that text once per fingerprint instead of in every {@code sql_queries} row (on real traffic it was half of
 * the statement text, ~3-4 KB per fully captured request, written, committed and checkpointed again for every
 * execution). Remembers at most {@link #MAX} fingerprints; past that it starts over, and a shape is then written
 * again (readers take any one of its rows: they are equal). Used inside the store's synchronized write only.
 */
final class SqlShapes {

    static final int MAX = 20_000;

    private final Set<String> stored = new HashSet<>();
    private final Set<String> pending = new HashSet<>();

    /** True the first time the batch meets a fingerprint that is not stored yet: its shape row is to be appended. */
    boolean isNew(String fingerprint) {
        return !stored.contains(fingerprint) && pending.add(fingerprint);
    }

    /** The batch committed: its shapes are stored. */
    void committed() {
        if (stored.size() + pending.size() > MAX) {
            stored.clear();
        }
        stored.addAll(pending);
        pending.clear();
    }

    /** The batch failed: none of its shapes was stored. */
    void failed() {
        pending.clear();
    }

    /** A fingerprint found in the table at start. */
    void known(String fingerprint) {
        if (stored.size() < MAX) {
            stored.add(fingerprint);
        }
    }
}
