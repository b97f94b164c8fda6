package dev.opa.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API's queries of one store dialect: {@code sql/<dialect>/api/<name>.sql} on the classpath, with the
 * dialect's shared pieces ({@code sql/<dialect>/fragments.sql}, see {@link SqlFragments}) expanded, parsed once.
 */
public final class SqlCatalog {

    private final String dialect;
    private final SqlFragments fragments;
    private final Map<String, NamedSql> cache = new ConcurrentHashMap<>();

    public SqlCatalog(String dialect) {
        if (!dialect.matches("[a-z]+")) {
            throw new IllegalArgumentException("bad store dialect: " + dialect);
        }
        this.dialect = dialect;
        this.fragments = SqlFragments.parse(resource("sql/" + dialect + "/fragments.sql"));
    }

    public String dialect() {
        return dialect;
    }

    public NamedSql get(String name) {
        return cache.computeIfAbsent(name, n -> NamedSql.parse(n, text(n)));
    }

    /** The query's SQL as it runs, fragments expanded, before its {@code :parameters} are bound. */
    public String text(String name) {
        String path = "sql/" + dialect + "/api/" + name + ".sql";
        return fragments.expand(resource(path), path);
    }

    /** Any SQL text of this dialect with its fragments expanded. */
    String expand(String sql) {
        return fragments.expand(sql, "SQL text");
    }

    private static String resource(String path) {
        try (InputStream in = SqlCatalog.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no SQL file " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
