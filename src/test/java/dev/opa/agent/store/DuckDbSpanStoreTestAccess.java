package dev.opa.agent.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The embedded store's schema script, as shipped on the classpath. */
final class DuckDbSpanStoreTestAccess {

    private DuckDbSpanStoreTestAccess() {
    }

    static String schema() throws IOException {
        try (InputStream in = DuckDbSpanStoreTestAccess.class.getResourceAsStream("/sql/duckdb/schema.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
