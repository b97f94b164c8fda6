package dev.opa.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiRateLimitsTest {

    @Test
    void budgetPerSecondThenRetryAfter() {
        ApiRateLimits limits = new ApiRateLimits(3, 0);
        int granted = 0;
        long wait = 0;
        while (wait == 0 && granted < 100) {
            wait = limits.keyRetryAfter("a");
            granted += wait == 0 ? 1 : 0;
        }
        assertTrue(granted >= 3 && granted <= 6, granted + " granted (3 a second; a refill may fall in between)");
        assertEquals(1, wait, "refused until the next one-second refill");
        assertEquals(0, limits.keyRetryAfter("b"), "each key has its own budget");
        assertEquals(0, limits.addressRetryAfter("10.0.0.1"), "0 switches the address limit off");
    }

    @Test
    void addressesAreBounded() {
        ApiRateLimits limits = new ApiRateLimits(0, 1);
        for (int i = 0; i < ApiRateLimits.MAX_ADDRESSES + 500; i++) {
            limits.addressRetryAfter("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        }
        assertEquals(ApiRateLimits.MAX_ADDRESSES, limits.trackedAddresses());
        assertTrue(limits.addressRetryAfter("10.0.0.9") == 0, "an evicted address starts with a full budget");
        assertTrue(limits.addressRetryAfter("10.0.0.9") > 0);
    }

    @Test
    void negativeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ApiRateLimits(-1, 0));
    }
}
