package dev.opa.agent.api;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pieces of SQL that several API queries share, defined once per dialect in {@code sql/<dialect>/fragments.sql}
 * and written {@code @name} or {@code @name(argument)} where a query uses them. A definition starts at a line
 * {@code -- @fragment name} or {@code -- @fragment name(parameter)} and runs to the next one; in its body
 * {@code $parameter} stands for the argument's text (which may hold commas: a column list); a body may use other
 * fragments. Full-line comments of a body are dropped, so a fragment can sit inside one line of a query.
 */
final class SqlFragments {

    private static final Pattern DEFINITION = Pattern.compile(
            "(?m)^--\\s*@fragment\\s+([a-z_][a-z0-9_]*)(?:\\(\\s*([a-z_][a-z0-9_]*)\\s*\\))?\\s*$");
    private static final Pattern USE = Pattern.compile("@([a-z_][a-z0-9_]*)(?:\\(([^()]*)\\))?");

    private record Fragment(String parameter, String body) {
    }

    private final Map<String, Fragment> fragments;

    private SqlFragments(Map<String, Fragment> fragments) {
        this.fragments = fragments;
    }

    static SqlFragments parse(String text) {
        Map<String, Fragment> out = new HashMap<>();
        Matcher m = DEFINITION.matcher(text);
        String name = null;
        String parameter = null;
        int bodyStart = 0;
        while (true) {
            boolean found = m.find();
            if (name != null) {
                String body = body(text.substring(bodyStart, found ? m.start() : text.length()));
                if (out.put(name, new Fragment(parameter, body)) != null) {
                    throw new IllegalArgumentException("SQL fragment @" + name + " is defined twice");
                }
            }
            if (!found) {
                return new SqlFragments(out);
            }
            name = m.group(1);
            parameter = m.group(2);
            bodyStart = m.end();
        }
    }

    private static String body(String raw) {
        StringBuilder out = new StringBuilder();
        for (String line : raw.strip().split("\n")) {
            if (!line.strip().startsWith("--") && !line.isBlank()) {
                out.append(out.length() == 0 ? "" : "\n").append(line.stripTrailing());
            }
        }
        if (out.length() == 0) {
            throw new IllegalArgumentException("empty SQL fragment");
        }
        return out.toString();
    }

    /**
     * {@code sql} with every {@code @name(...)} replaced by its fragment, and fragments used inside fragments in
     * turn; {@code where} names the file in errors.
     */
    String expand(String sql, String where) {
        String out = sql;
        for (int depth = 0; out.indexOf('@') >= 0; depth++) {
            if (depth == 8) {
                throw new IllegalArgumentException(where + ": SQL fragments nested deeper than 8 (a cycle?)");
            }
            out = expandOnce(out, where);
        }
        return out;
    }

    private String expandOnce(String sql, String where) {
        Matcher m = USE.matcher(sql);
        StringBuilder out = new StringBuilder(sql.length() * 2);
        while (m.find()) {
            Fragment f = fragments.get(m.group(1));
            if (f == null) {
                throw new IllegalArgumentException(where + ": no SQL fragment @" + m.group(1));
            }
            String argument = m.group(2);
            if ((f.parameter() == null) != (argument == null)) {
                throw new IllegalArgumentException(where + ": @" + m.group(1)
                        + (f.parameter() == null ? " takes no argument" : " takes (" + f.parameter() + ")"));
            }
            String body = f.parameter() == null ? f.body() : f.body().replace("$" + f.parameter(), argument.strip());
            m.appendReplacement(out, Matcher.quoteReplacement(body));
        }
        return m.appendTail(out).toString();
    }
}
