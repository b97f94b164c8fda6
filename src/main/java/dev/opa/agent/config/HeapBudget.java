package dev.opa.agent.config;

/**
 * Fits the configured buffer limits into the JVM's heap: the tail buffer, the batcher and the frame decoders'
 * frames not yet parsed may hold at most {@link #SHARE} of {@code -Xmx} together, the rest being parsing garbage,
 * the store's batches in flight, the dashboard's answers and the JVM's own objects. Above it, all four byte limits
 * are scaled down by the same factor (and the agent says so at start): a small {@code -Xmx} then costs throughput
 * (and lowers the largest frame accepted to the decoders' budget), never an OutOfMemoryError.
 */
public record HeapBudget(long tailBytes, long pendingBytes, long bufferedBytes, long decodingBytes, boolean scaled) {

    /** Share of the maximum heap the buffers and the decoders may hold together. */
    public static final double SHARE = 0.5;

    public static HeapBudget fit(long tailBytes, long pendingBytes, long bufferedBytes, long decodingBytes,
            long maxHeapBytes) {
        double budget = maxHeapBytes * SHARE;
        double wanted = (double) tailBytes + pendingBytes + decodingBytes;
        if (wanted <= budget) {
            return new HeapBudget(tailBytes, pendingBytes, bufferedBytes, decodingBytes, false);
        }
        double f = budget / wanted;
        return new HeapBudget((long) (tailBytes * f), (long) (pendingBytes * f), (long) (bufferedBytes * f),
                (long) (decodingBytes * f), true);
    }
}
