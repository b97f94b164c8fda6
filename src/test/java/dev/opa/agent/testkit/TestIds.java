package dev.opa.agent.testkit;

import java.util.concurrent.atomic.AtomicLong;

/** Trace and span ids for tests: numbered (the same in every run) or new (unique within the JVM). */
public final class TestIds {

    private static final AtomicLong NEXT = new AtomicLong(System.nanoTime() & 0xffffffL);

    private TestIds() {
    }

    /** 32 hex digits of {@code n}. */
    public static String traceId(long n) {
        return String.format("%032x", n);
    }

    /** 16 hex digits of {@code n}. */
    public static String spanId(long n) {
        return String.format("%016x", n);
    }

    public static String newTraceId() {
        return String.format("%016x%016x", 0xabcL, NEXT.incrementAndGet());
    }

    public static String newSpanId() {
        return spanId(NEXT.incrementAndGet());
    }
}
