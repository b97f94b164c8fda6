package dev.opa.agent.store.clickhouse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the numbered DDL of {@code clickhouse-init/} in order and splits it into statements.
 * Rule shared with the container init and the chDB harness: a statement ends with ';' at the end of
 * a line; lines starting with '--' are comments.
 */
public final class ClickHouseSchema {

    private ClickHouseSchema() {
    }

    /** Every statement of every {@code *.sql} file directly in {@code dir}, files in name order. */
    public static List<String> statements(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("ClickHouse schema directory not found: " + dir.toAbsolutePath()
                    + " (set opa.store.clickhouse.init-dir)");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
        List<String> out = new ArrayList<>();
        for (Path file : files) {
            out.addAll(split(Files.readString(file)));
        }
        return out;
    }

    static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n", -1)) {
            if (line.strip().startsWith("--") && current.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (line.stripTrailing().endsWith(";")) {
                String stmt = current.toString().strip();
                stmt = stmt.substring(0, stmt.length() - 1).strip();
                if (!stmt.isEmpty()) {
                    out.add(stmt);
                }
                current.setLength(0);
            }
        }
        String tail = current.toString().strip();
        if (!tail.isEmpty() && !tail.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("--"))) {
            out.add(tail);
        }
        return out;
    }
}
