package dev.opa.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TraceIdTest {

    @Test
    void thirtyTwoHexDigitsAreStoredInLowercase() {
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceId.canonical("4BF92F3577B34DA6A3CE929D0E0E4736"));
    }

    @Test
    void legacySixteenHexIdIsLeftPaddedWithZeros() {
        assertEquals("00000000000000008448eb211c80319c", TraceId.canonical("8448EB211C80319C"));
    }

    @Test
    void otherLengthsAndNonHexAreNotTraceIds() {
        assertNull(TraceId.canonical(null));
        assertNull(TraceId.canonical(""));
        assertNull(TraceId.canonical("8448eb211c80319"));          // 15
        assertNull(TraceId.canonical("8448eb211c80319c0"));        // 17
        assertNull(TraceId.canonical("4bf92f3577b34da6a3ce929d0e0e473g"));
        assertNull(TraceId.canonical(" 8448eb211c80319c"));
    }
}
