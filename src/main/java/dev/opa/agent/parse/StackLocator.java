package dev.opa.agent.parse;

import dev.opa.agent.wire.Frames.Line;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds the byte range of a span message's top-level {@code stack} array with a structural scan (strings,
 * escapes, nesting; no tokens, no values built), so that the call stack — most of a real span — need not go
 * through Jackson. The scan validates the whole line, and it accepts only a conservative subset of what Jackson
 * accepts: standard JSON (RFC 8259, strict UTF-8), no escapes in the keys that matter, nesting ≤ 200, numbers
 * ≤ 100 and keys ≤ 1000 bytes, stack strings ≤ the query limit (so no nested query can need truncation), and a
 * message that cannot be an event. For anything else {@link #locate} gives null and the caller takes the full
 * token path, which accepts, repairs or rejects exactly as it always did (with Jackson's own error).
 */
final class StackLocator {

    /** Keys of call nodes whose values the token path reads (nested records). */
    static final int SQL_QUERIES = 1;
    static final int HTTP_REQUESTS = 2;
    static final int CACHE_OPERATIONS = 4;
    static final int REDIS_OPERATIONS = 8;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final int MAX_DEPTH = 200;
    private static final int MAX_NUMBER = 100;
    private static final int MAX_KEY = 1000;
    private static final int FAIL = -1;
    private static final byte[] STACK = bytes("stack");
    private static final byte[] TYPE = bytes("type");
    private static final byte[] ERROR = bytes("error");
    private static final byte[] LOG = bytes("log");
    private static final byte[][] NESTED = {bytes("sql_queries"), bytes("http_requests"), bytes("cache_operations"),
        bytes("redis_operations")};

    /**
     * The stack array's text (in the scanned buffer, from '[' to ']' inclusive), and which nested record keys
     * (bit set of {@link #SQL_QUERIES}...) occur as keys anywhere inside it.
     */
    record Located(Line text, int nestedKeys) {
    }

    private final byte[] buf;
    private final int end;
    private final int maxStackString;
    private int pos;
    /** Set while inside the stack's value. */
    private boolean inStack;
    private int nestedKeys;
    /** Raw content of the last string scanned (between the quotes) and whether it had an escape. */
    private int strStart;
    private int strEnd;
    private boolean strEscaped;

    private StackLocator(byte[] buf, int off, int len, int maxStackString) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        this.maxStackString = maxStackString;
    }

    /**
     * The top-level stack array of the JSON object in {@code len} bytes at {@code off} of {@code buf}, or null
     * when the fast path does not apply (no stack array, or anything outside the subset above).
     *
     * @param maxStackString the longest string (in raw bytes) accepted inside the stack
     */
    static Located locate(byte[] buf, int off, int len, int maxStackString) {
        return new StackLocator(buf, off, len, maxStackString).message();
    }

    private Located message() {
        skipSpace();
        if (pos >= end || buf[pos] != '{') {
            return null;
        }
        pos++;
        int stackStart = FAIL;
        int stackEnd = FAIL;
        skipSpace();
        if (pos < end && buf[pos] == '}') {
            return null;
        }
        while (true) {
            if (pos >= end || buf[pos] != '"' || string() == FAIL || strEscaped || strEnd - strStart > MAX_KEY) {
                return null;
            }
            boolean isStack = is(STACK);
            boolean isType = is(TYPE);
            skipSpace();
            if (pos >= end || buf[pos] != ':') {
                return null;
            }
            pos++;
            skipSpace();
            if (pos >= end) {
                return null;
            }
            int valueStart = pos;
            if (isStack) {
                if (stackStart != FAIL || buf[pos] != '[') {
                    return null; // a second stack, or not an array: the token path's business
                }
                inStack = true;
            }
            if (value(1) == FAIL) {
                return null;
            }
            if (isStack) {
                inStack = false;
                stackStart = valueStart;
                stackEnd = pos;
            }
            if (isType && buf[valueStart] == '"' && (strEscaped || is(ERROR) || is(LOG))) {
                return null; // an error or log event (or maybe one, behind an escape)
            }
            skipSpace();
            if (pos >= end) {
                return null;
            }
            byte b = buf[pos++];
            if (b == '}') {
                break;
            }
            if (b != ',') {
                return null;
            }
            skipSpace();
        }
        skipSpace();
        if (pos != end || stackStart == FAIL) {
            return null;
        }
        return new Located(new Line(buf, stackStart, stackEnd - stackStart), nestedKeys);
    }

    /** Scans the value at {@code pos}; returns FAIL or the position after it. */
    private int value(int depth) {
        if (depth > MAX_DEPTH) {
            return FAIL;
        }
        byte b = buf[pos];
        return switch (b) {
            case '"' -> {
                if (string() == FAIL || inStack && strEnd - strStart > maxStackString) {
                    yield FAIL;
                }
                yield pos;
            }
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        };
    }

    private int object(int depth) {
        pos++;
        skipSpace();
        if (pos < end && buf[pos] == '}') {
            return ++pos;
        }
        while (true) {
            if (pos >= end || buf[pos] != '"' || string() == FAIL || strEnd - strStart > MAX_KEY) {
                return FAIL;
            }
            if (inStack && nestedKey() == FAIL) {
                return FAIL;
            }
            skipSpace();
            if (pos >= end || buf[pos] != ':') {
                return FAIL;
            }
            pos++;
            skipSpace();
            if (pos >= end || value(depth) == FAIL) {
                return FAIL;
            }
            skipSpace();
            if (pos >= end) {
                return FAIL;
            }
            byte b = buf[pos++];
            if (b == '}') {
                return pos;
            }
            if (b != ',') {
                return FAIL;
            }
            skipSpace();
        }
    }

    private int array(int depth) {
        pos++;
        skipSpace();
        if (pos < end && buf[pos] == ']') {
            return ++pos;
        }
        while (true) {
            if (pos >= end || value(depth) == FAIL) {
                return FAIL;
            }
            skipSpace();
            if (pos >= end) {
                return FAIL;
            }
            byte b = buf[pos++];
            if (b == ']') {
                return pos;
            }
            if (b != ',') {
                return FAIL;
            }
            skipSpace();
        }
    }

    /** Notes a nested record key inside the stack; an escaped key might decode to one, so it fails. */
    private int nestedKey() {
        if (strEscaped) {
            return FAIL;
        }
        int candidate = switch (strEnd - strStart > 0 ? buf[strStart] : 0) {
            case 's' -> 0;
            case 'h' -> 1;
            case 'c' -> 2;
            case 'r' -> 3;
            default -> -1;
        };
        if (candidate >= 0 && is(NESTED[candidate])) {
            nestedKeys |= 1 << candidate;
        }
        return pos;
    }

    /** Scans the string at {@code pos} (on its opening quote); sets strStart/strEnd/strEscaped. */
    private int string() {
        int i = pos + 1;
        strStart = i;
        strEscaped = false;
        byte[] b = buf;
        int e = end;
        while (i < e) {
            if (i + Long.BYTES <= e) {
                long special = special((long) LONGS.get(b, i));
                if (special == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Long.numberOfTrailingZeros(special) >>> 3;
            }
            int c = b[i];
            if (c == '"') {
                strEnd = i;
                pos = i + 1;
                return pos;
            }
            if (c == '\\') {
                strEscaped = true;
                if (i + 1 >= e) {
                    return FAIL;
                }
                switch (b[i + 1]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                    case 'u' -> {
                        if (i + 6 > e || !hex(b[i + 2]) || !hex(b[i + 3]) || !hex(b[i + 4]) || !hex(b[i + 5])) {
                            return FAIL;
                        }
                        i += 6;
                    }
                    default -> {
                        return FAIL;
                    }
                }
            } else if (c >= 0x20) {
                i++;
            } else if (c < 0) {
                i = utf8(i);
                if (i == FAIL) {
                    return FAIL;
                }
            } else {
                return FAIL; // an unescaped control character
            }
        }
        return FAIL;
    }

    /**
     * Eight bytes at once (little-endian, so the lowest flag is the first byte): the high bit of each byte that is
     * a quote, a backslash, a control character or not ASCII. Flags above the first may be false (borrows); the
     * first is exact, and the caller looks at that byte itself.
     */
    private static long special(long w) {
        long quote = w ^ 0x2222222222222222L;
        long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
        return ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (w - 0x2020202020202020L) & ~w | w)
                & HIGH_BITS;
    }

    /**
     * The high bit of each of the eight bytes that is not an ASCII digit (a digit's high nibble is 3, and adding 6
     * keeps it 3). The lowest flag is exact (a carry only disturbs the bytes after a non-digit).
     */
    private static long nonDigits(long w) {
        long x = (w & 0xF0F0F0F0F0F0F0F0L) ^ 0x3030303030303030L
                | ((w + 0x0606060606060606L) & 0xF0F0F0F0F0F0F0F0L) ^ 0x3030303030303030L;
        return (((x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL) | x) & HIGH_BITS;
    }

    /** Checks the (strictly well-formed) UTF-8 sequence at {@code i}; returns the position after it or FAIL. */
    private int utf8(int i) {
        int lead = buf[i] & 0xff;
        int n;
        int min;
        int max = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            n = 1;
            min = 0x80;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            n = 2;
            min = lead == 0xe0 ? 0xa0 : 0x80;
            max = lead == 0xed ? 0x9f : 0xbf; // no surrogates
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            n = 3;
            min = lead == 0xf0 ? 0x90 : 0x80;
            max = lead == 0xf4 ? 0x8f : 0xbf;
        } else {
            return FAIL;
        }
        if (i + n >= end) {
            return FAIL;
        }
        int second = buf[i + 1] & 0xff;
        if (second < min || second > max) {
            return FAIL;
        }
        for (int k = 2; k <= n; k++) {
            if ((buf[i + k] & 0xc0) != 0x80) {
                return FAIL;
            }
        }
        return i + n + 1;
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private int number() {
        int start = pos;
        int i = pos;
        if (i < end && buf[i] == '-') {
            i++;
        }
        if (i >= end || !digit(buf[i])) {
            return FAIL;
        }
        if (buf[i] == '0') {
            i++;
        } else {
            i = digits(i);
        }
        if (i < end && buf[i] == '.') {
            i++;
            if (i >= end || !digit(buf[i])) {
                return FAIL;
            }
            i = digits(i);
        }
        if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
            i++;
            if (i < end && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            if (i >= end || !digit(buf[i])) {
                return FAIL;
            }
            i = digits(i);
        }
        if (i - start > MAX_NUMBER) {
            return FAIL;
        }
        pos = i;
        return pos;
    }

    private int digits(int i) {
        while (i + Long.BYTES <= end) {
            long nonDigits = nonDigits((long) LONGS.get(buf, i));
            if (nonDigits != 0) {
                return i + (Long.numberOfTrailingZeros(nonDigits) >>> 3);
            }
            i += Long.BYTES;
        }
        while (i < end && digit(buf[i])) {
            i++;
        }
        return i;
    }

    private int literal(String word) {
        int n = word.length();
        if (pos + n > end) {
            return FAIL;
        }
        for (int k = 0; k < n; k++) {
            if (buf[pos + k] != word.charAt(k)) {
                return FAIL;
            }
        }
        pos += n;
        return pos;
    }

    private void skipSpace() {
        while (pos < end) {
            byte b = buf[pos];
            if (b > ' ' || b != ' ' && b != '\n' && b != '\r' && b != '\t') { // compact JSON: the first test
                return;
            }
            pos++;
        }
    }

    /** Whether the last string's raw content is exactly {@code word}. */
    private boolean is(byte[] word) {
        int n = strEnd - strStart;
        if (n != word.length) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (buf[strStart + k] != word[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean hex(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F';
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
