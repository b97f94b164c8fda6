package dev.opa.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FingerprintTest {

    @Test
    void isFnv1a64OfTheUtf8BytesAsSixteenHexDigits() {
        // the published FNV-1a 64 test vectors
        assertEquals("cbf29ce484222325", Fingerprint.of(""));
        assertEquals("af63dc4c8601ec8c", Fingerprint.of("a"));
        assertEquals("85944171f73967e8", Fingerprint.of("foobar"));
        assertEquals(0xaf63dc4c8601ec8cL, Fingerprint.fnv1a64("a"));
    }

    @Test
    void hashesTheUtf8BytesOfNonAsciiText() {
        assertEquals("0ac21707b7181e01", Fingerprint.of("é")); // over c3 a9, not over Latin-1 e9 (af64644c8602d3a4)
    }
}
