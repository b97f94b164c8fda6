package dev.opa.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapBudgetTest {

    private static final long MB = 1_000_000;

    @Test
    void limitsThatFitAreKept() {
        HeapBudget b = HeapBudget.fit(48 * MB, 96 * MB, 64 * MB, 16 * MB, 512 * MB);
        assertFalse(b.scaled());
        assertEquals(48 * MB, b.tailBytes());
        assertEquals(96 * MB, b.pendingBytes());
        assertEquals(64 * MB, b.bufferedBytes());
        assertEquals(16 * MB, b.decodingBytes());
    }

    @Test
    void aSmallHeapScalesAllFourByOneFactor() {
        HeapBudget b = HeapBudget.fit(48 * MB, 96 * MB, 64 * MB, 16 * MB, 128 * MB);
        assertTrue(b.scaled());
        assertEquals(64 * MB, b.tailBytes() + b.pendingBytes() + b.decodingBytes(), 3); // half the heap
        assertEquals(3.0, (double) b.tailBytes() / b.decodingBytes(), 1e-6);
        assertEquals(2.0, (double) b.pendingBytes() / b.tailBytes(), 1e-6); // proportions kept
        assertEquals((double) b.bufferedBytes() / b.tailBytes(), 64.0 / 48, 1e-6);
        assertTrue(b.bufferedBytes() < b.pendingBytes(), "the gate still closes before the batcher spools");
    }
}
