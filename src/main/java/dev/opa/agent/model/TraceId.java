package dev.opa.agent.model;

import java.util.Locale;

/**
 * The one rule for trace ids (docs/protocol.md): 32 hex digits, or a legacy 16-hex id that is left-padded
 * with zeros, stored and compared in lowercase. The parser, the keep marks and the API all use it, so a legacy
 * id finds its trace whichever door it comes in by.
 */
public final class TraceId {

    /** What a valid id looks like, for error messages ("trace_id " + RULE). */
    public static final String RULE = "must be 32 (or legacy 16) hex digits";

    private static final String LEGACY_PAD = "0000000000000000";

    private TraceId() {
    }

    /** The stored form of {@code raw}, or null when it is not 32 or 16 hex digits. */
    public static String canonical(String raw) {
        if (raw == null || (raw.length() != 32 && raw.length() != 16) || !isHex(raw)) {
            return null;
        }
        String id = raw.toLowerCase(Locale.ROOT);
        return id.length() == 16 ? LEGACY_PAD + id : id;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F')) {
                return false;
            }
        }
        return true;
    }
}
