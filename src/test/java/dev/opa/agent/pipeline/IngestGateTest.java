package dev.opa.agent.pipeline;

import static dev.opa.agent.testkit.TestIds.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Span;
import dev.opa.agent.store.Spool;
import dev.opa.agent.testkit.TestSpan;
import dev.opa.agent.trace.TraceAssembler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Back-pressure: listeners wait while the tail buffer plus the batcher hold more than the budget. */
class IngestGateTest {

    @TempDir
    Path dir;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    static List<Span> spans(int from, int n) {
        List<Span> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(TestSpan.of(traceId(i), "0000000000000001").tenant("o", "p").service("s").name("n").start(0).duration(1)
                    .toSpan());
        }
        return out;
    }

    final long each = spans(0, 1).get(0).heapBytes();
    final TraceAssembler tail = new TraceAssembler(
            new TraceAssembler.Limits(60_000, 60_000, 1000, 1000, 1000 * each, 1000), meters);

    private BatchAccumulator batches(int batchSize) {
        return new BatchAccumulator(batchSize, Long.MAX_VALUE, 60_000, 1000, 1000 * each, new Spool(dir, 10_000_000, meters)::append, meters);
    }

    @Test
    void listenersWaitWhileTailAndBatcherHoldTooMuchAndGoOnWhenTheStoreDrains() throws Exception {
        BatchAccumulator batches = batches(10);
        IngestGate gate = new IngestGate(tail, batches, 20 * each, 30_000, meters);
        tail.add(spans(0, 8));
        batches.addSpans(spans(100, 10));
        long t0 = System.nanoTime();
        gate.await(); // 18 of 20: no wait
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
        batches.addSpans(spans(200, 5)); // 23 of 20
        CountDownLatch passed = new CountDownLatch(1);
        Thread listener = new Thread(() -> {
            try {
                gate.await();
                passed.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        listener.start();
        assertFalse(passed.await(300, TimeUnit.MILLISECONDS), "the listener waits while the store is behind");
        assertEquals(1, batches.takeReady().size()); // the store takes a batch of 10: 13 of 20
        assertTrue(passed.await(5, TimeUnit.SECONDS), "the listener goes on once there is room");
        assertEquals(1, meters.find("opa.ingest.backpressure").timer().count());
        assertEquals(0.0, meters.find("opa.batch.overflow.items").counter().count(), "nothing went to the spool");
    }

    @Test
    void tracesTheTailCompletedEarlyCountUntilTheyAreDrained() throws Exception {
        TraceAssembler small = new TraceAssembler(new TraceAssembler.Limits(60_000, 60_000, 1000, 1000, 5 * each, 1000),
                meters);
        IngestGate gate = new IngestGate(small, batches(100), 10 * each, 200, meters);
        small.add(spans(0, 30)); // 25 complete early at the tail's limit of 5 and wait for the next drain
        assertTrue(small.bufferedBytes() <= 5 * each);
        assertEquals(30 * each, small.heldBytes());
        long t0 = System.nanoTime();
        gate.await();
        assertTrue(System.nanoTime() - t0 >= 190_000_000L, "the gate counts the early completions: it waited");
        assertEquals(25, small.drainCompleted().size());
        assertEquals(5 * each, small.heldBytes());
        t0 = System.nanoTime();
        gate.await();
        assertTrue(System.nanoTime() - t0 < 150_000_000L, "drained: room again");
    }

    @Test
    void aListenerWaitsAtMostTheConfiguredTime() throws Exception {
        IngestGate gate = new IngestGate(tail, batches(100), 5 * each, 200, meters);
        tail.add(spans(0, 10));
        long t0 = System.nanoTime();
        gate.await();
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMs >= 190 && waitedMs < 5_000, "waited " + waitedMs + " ms");
    }
}
