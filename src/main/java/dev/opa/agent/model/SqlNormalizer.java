package dev.opa.agent.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Groups SQL statements: literals become {@code ?}, {@code IN (...)} lists collapse to {@code IN (?)},
 * whitespace is folded; the fingerprint is the normalised text's {@link Fingerprint}.
 * Shared by every store so fingerprints agree, and by the API (the trace view groups by it): a rule of the
 * records, so it lives with them in {@code model/}.
 *
 * <p>It runs on the store's writer thread for every statement (2–3 per span), so the passes that are cheap to
 * write by hand — numbers and whitespace — are scanners, and the regular expressions for quoted strings, hex
 * literals and lists only run when their first character can be found in the text. The result is exactly that
 * of the six regular expressions in {@code SqlNormalizerTest} (compared there on generated statements); it took
 * 7–8 µs per statement with them and ~2 µs now.
 */
public final class SqlNormalizer {

    private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'|\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern HEX = Pattern.compile("\\b0x[0-9a-fA-F]+\\b");
    private static final Pattern IN_LIST = Pattern.compile("(?i)\\bIN\\s*\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\)");
    private static final Pattern VALUES_LIST = Pattern.compile("(?i)\\bVALUES\\s*(\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\))(?:\\s*,\\s*\\(\\s*\\?(?:\\s*,\\s*\\?)*\\s*\\))+");
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
        Result result = new Result(normalized, Fingerprint.of(normalized));
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(query, result);
        return result;
    }

    public static String normalize(String query) {
        String s = query.indexOf('\'') >= 0 || query.indexOf('"') >= 0 ? STRING.matcher(query).replaceAll("?") : query;
        s = s.contains("0x") ? HEX.matcher(s).replaceAll("?") : s;
        s = foldSpace(numbers(s));
        s = s.contains("(?") || s.contains("( ?") ? IN_LIST.matcher(s).replaceAll("IN (?)") : s;
        s = containsIgnoreCase(s, "values") ? VALUES_LIST.matcher(s).replaceAll("VALUES $1") : s;
        return s;
    }

    /**
     * Number literals to {@code ?}: what {@code (?<![\w$.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b} replaces, with its
     * backtracking: a literal that a word character follows is shortened to where a word boundary is (so
     * {@code 1.5x} becomes {@code ?.5x}, as the expression does), or not replaced.
     */
    static String numbers(String s) {
        int n = s.length();
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != '-' && !isDigit(c)) {
                continue;
            }
            if (i > 0 && isWordOrDollarOrDot(s.charAt(i - 1))) {
                continue;
            }
            int end = numberEnd(s, i);
            if (end < 0) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(s, copied, i).append('?');
            copied = end;
            i = end - 1;
        }
        return out == null ? s : out.append(s, copied, n).toString();
    }

    /** Where the number literal starting at {@code start} ends, or -1 when none matches there. */
    private static int numberEnd(String s, int start) {
        int n = s.length();
        int i = start;
        if (s.charAt(i) == '-') {
            i++;
        }
        int intEnd = digits(s, i);
        if (intEnd == i) {
            return -1;
        }
        int fracEnd = intEnd;
        if (intEnd < n && s.charAt(intEnd) == '.') {
            int f = digits(s, intEnd + 1);
            if (f > intEnd + 1) {
                fracEnd = f;
            }
        }
        int expEnd = fracEnd;
        if (fracEnd < n && (s.charAt(fracEnd) == 'e' || s.charAt(fracEnd) == 'E')) {
            int e = fracEnd + 1;
            if (e < n && (s.charAt(e) == '-' || s.charAt(e) == '+')) {
                e++;
            }
            int d = digits(s, e);
            if (d > e) {
                expEnd = d;
            }
        }
        // the expression's order: everything, then without the exponent, then without the fraction
        return boundary(s, expEnd) ? expEnd : boundary(s, fracEnd) ? fracEnd : boundary(s, intEnd) ? intEnd : -1;
    }

    private static int digits(String s, int i) {
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordOrDollarOrDot(char c) {
        return c == '$' || c == '.' || c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** {@code \b} after a digit as Java's regular expressions define it (letters and digits of any script). */
    private static boolean boundary(String s, int end) {
        if (end >= s.length()) {
            return true;
        }
        int next = s.codePointAt(end);
        return !(Character.isLetterOrDigit(next) || next == '_' || Character.getType(next) == Character.NON_SPACING_MARK);
    }

    /** Runs of whitespace ({@code \s}) to one space, then {@link String#trim()}. */
    static String foldSpace(String s) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!isSpace(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            int j = i + 1;
            while (j < n && isSpace(s.charAt(j))) {
                j++;
            }
            if (out == null) {
                if (c == ' ' && j == i + 1) {
                    continue; // a single space stays as it is
                }
                out = new StringBuilder(n).append(s, 0, i);
            }
            out.append(' ');
            i = j - 1;
        }
        return (out == null ? s : out.toString()).trim();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    private static boolean containsIgnoreCase(String s, String lower) {
        for (int i = 0, last = s.length() - lower.length(); i <= last; i++) {
            if (s.regionMatches(true, i, lower, 0, lower.length())) {
                return true;
            }
        }
        return false;
    }
}
