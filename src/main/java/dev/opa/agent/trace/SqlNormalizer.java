package dev.opa.agent.trace;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Groups SQL statements: literals become {@code ?}, {@code IN (...)} lists collapse to {@code IN (?)},
 * whitespace is folded; the fingerprint is the first 16 hex digits of the normalised text's 64-bit hash.
 * Shared by every store so fingerprints agree.
 */
public final class SqlNormalizer {

    private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w$.])-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?\\b");
    private static final Pattern HEX = Pattern.compile("\\b0x[0-9a-fA-F]+\\b");
    private static final Pattern IN_LIST = Pattern.compile("(?i)\\bIN\\s*\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)");
    private static final Pattern VALUES_LIST = Pattern.compile("(?i)\\bVALUES\\s*(\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\))(?:\\s*,\\s*\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\))+");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final int CACHE_LIMIT = 10_000;

    private static final Map<String, Result> CACHE = new ConcurrentHashMap<>();

    /** A normalised statement and its fingerprint. */
    public record Result(String normalized, String fingerprint) {
    }

    private SqlNormalizer() {
    }

    public static Result of(String query) {
        Result cached = CACHE.get(query);
        if (cached != null) {
            return cached;
        }
        String normalized = normalize(query);
        Result result = new Result(normalized, fingerprint(normalized));
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(query, result);
        return result;
    }

    public static String normalize(String query) {
        String s = STRING.matcher(query).replaceAll("?");
        s = HEX.matcher(s).replaceAll("?");
        s = NUMBER.matcher(s).replaceAll("?");
        s = SPACE.matcher(s).replaceAll(" ").trim();
        s = IN_LIST.matcher(s).replaceAll("IN (?)");
        s = VALUES_LIST.matcher(s).replaceAll("VALUES $1");
        return s;
    }

    /** First 16 hex digits of the FNV-1a 64-bit hash of the text's UTF-8 bytes. */
    public static String fingerprint(String normalized) {
        long h = 0xcbf29ce484222325L;
        for (byte b : normalized.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return String.format("%016x", h);
    }
}
