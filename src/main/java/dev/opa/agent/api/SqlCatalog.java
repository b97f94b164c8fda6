package dev.opa.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The API's queries of one store dialect: {@code sql/<dialect>/api/<name>.sql} on the classpath, parsed once. */
public final class SqlCatalog {

    private final String dialect;
    private final Map<String, NamedSql> cache = new ConcurrentHashMap<>();

    public SqlCatalog(String dialect) {
        if (!dialect.matches("[a-z]+")) {
            throw new IllegalArgumentException("bad store dialect: " + dialect);
        }
        this.dialect = dialect;
    }

    public String dialect() {
        return dialect;
    }

    public NamedSql get(String name) {
        return cache.computeIfAbsent(name, this::load);
    }

    private NamedSql load(String name) {
        String path = "sql/" + dialect + "/api/" + name + ".sql";
        try (InputStream in = SqlCatalog.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no SQL file " + path);
            }
            return NamedSql.parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
