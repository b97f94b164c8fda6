package dev.opa.agent.model;

import java.nio.charset.StandardCharsets;

/**
 * The one hash of the project: FNV-1a 64 over a text's UTF-8 bytes. SQL statement fingerprints, error
 * fingerprints and the sampler's per-trace coin all use it, so one text hashes the same everywhere and on
 * every agent.
 */
public final class Fingerprint {

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private Fingerprint() {
    }

    /** The 16 hex digits of {@link #fnv1a64} of {@code text}: a grouping key. */
    public static String of(String text) {
        long h = fnv1a64(text);
        char[] hex = new char[16];
        for (int i = 15; i >= 0; i--) {
            hex[i] = HEX_DIGITS[(int) (h & 0xf)];
            h >>>= 4;
        }
        return new String(hex);
    }

    /** FNV-1a 64 of the text's UTF-8 bytes. */
    public static long fnv1a64(String text) {
        long h = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
