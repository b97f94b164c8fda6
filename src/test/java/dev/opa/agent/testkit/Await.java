package dev.opa.agent.testkit;

import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes (data goes through grace and batching first). */
public final class Await {

    private Await() {
    }

    public static <T> T until(String what, Supplier<T> value, java.util.function.Predicate<T> done, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        T last = null;
        while (System.currentTimeMillis() < deadline) {
            last = value.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("timed out waiting for " + what + "; last value: " + last);
    }
}
