package dev.opa.agent.pipeline;

import dev.opa.agent.trace.TraceAssembler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Back-pressure for the listeners. Before a frame is parsed, {@link #await()} waits while the spans held in
 * memory — the tail buffer (with the traces it completed early, until they are drained) plus the batcher, as
 * estimated heap — exceed {@code maxBufferedBytes}, for at most
 * {@code maxWaitMs}. A listener that waits does not read its sockets, so when the store falls behind the
 * agent stops taking input instead of parsing faster than it can store (and overflowing into the spool);
 * senders see a full socket buffer and drop on their side (protocol: senders never block). Waits are timed
 * as {@code opa_ingest_backpressure_seconds}.
 */
public class IngestGate {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final TraceAssembler assembler;
    private final BatchAccumulator batches;
    private final long maxBufferedBytes;
    private final long maxWaitNanos;
    private final Timer waits;

    public IngestGate(TraceAssembler assembler, BatchAccumulator batches, long maxBufferedBytes, long maxWaitMs,
            MeterRegistry meters) {
        this.assembler = assembler;
        this.batches = batches;
        this.maxBufferedBytes = maxBufferedBytes;
        this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
        this.waits = Timer.builder("opa.ingest.backpressure")
                .description("time listeners waited (not reading) for the pipeline to drain").register(meters);
    }

    /** Returns at once while there is room, else when room was made or {@code maxWaitMs} passed. */
    public void await() throws InterruptedException {
        if (!full()) {
            return;
        }
        long start = System.nanoTime();
        while (full() && System.nanoTime() - start < maxWaitNanos) {
            TimeUnit.NANOSECONDS.sleep(POLL_NANOS);
        }
        waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private boolean full() {
        return assembler.heldBytes() + batches.pendingBytes() > maxBufferedBytes;
    }
}
