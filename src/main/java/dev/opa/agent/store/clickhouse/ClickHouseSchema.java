package dev.opa.agent.store.clickhouse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the numbered DDL of {@code clickhouse-init/} in order and splits it into statements.
 * Rule shared with the chDB harness (src/test/clickhouse/chschema.py): a statement ends with ';' at the
 * end of a line (a trailing '--' comment aside); comment and blank lines between statements are dropped.
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
            String code = codePart(line).stripTrailing();
            if (current.isEmpty() && code.isBlank()) {
                continue;
            }
            if (code.endsWith(";")) {
                current.append(code, 0, code.length() - 1);
                out.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    /** The line without a trailing {@code --} comment (one inside a '...' literal is kept). */
    static String codePart(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '-' && line.startsWith("--", i)) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
