package dev.opa.agent.config;

/**
 * Fits the configured buffer limits (estimated heap of buffered spans) into the JVM's heap: the tail buffer plus
 * the batcher may hold at most {@link #SHARE} of {@code -Xmx}, the rest being parsing garbage, the store's
 * batches in flight and the JVM's own objects. Above it, all three byte limits are scaled down by the same
 * factor (and the agent says so at start): a small {@code -Xmx} then costs throughput, never an
 * OutOfMemoryError.
 */
public record HeapBudget(long tailBytes, long pendingBytes, long bufferedBytes, boolean scaled) {

    /** Share of the maximum heap the two buffers may hold together. */
    public static final double SHARE = 0.5;

    public static HeapBudget fit(long tailBytes, long pendingBytes, long bufferedBytes, long maxHeapBytes) {
        double budget = maxHeapBytes * SHARE;
        double wanted = (double) tailBytes + pendingBytes;
        if (wanted <= budget) {
            return new HeapBudget(tailBytes, pendingBytes, bufferedBytes, false);
        }
        double f = budget / wanted;
        return new HeapBudget((long) (tailBytes * f), (long) (pendingBytes * f), (long) (bufferedBytes * f), true);
    }
}
