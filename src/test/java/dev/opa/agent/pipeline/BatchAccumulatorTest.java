package dev.opa.agent.pipeline;

import static dev.opa.agent.testkit.TestIds.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.parse.Parsed;
import dev.opa.agent.store.Spool;
import dev.opa.agent.testkit.TestSpan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches by size or interval; bounded pending. */
class BatchAccumulatorTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    @TempDir
    Path dir;

    private static List<Span> spans(int n) {
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestSpan.of(traceId(i), "0000000000000001").tenant("o", "p").service("s").name("n").start(0).duration(1)
                    .toSpan());
        }
        return out;
    }

    @Test
    void fullBatchesGoAtOnceTheRestAfterTheInterval() {
        BatchAccumulator acc = new BatchAccumulator(10, Long.MAX_VALUE, 200, BatchAccumulator.Small.NONE, 1000,
                Long.MAX_VALUE, new Spool(dir, 1_000_000, meters)::append, meters, clock::get);
        acc.addSpans(spans(25));
        acc.addEvents(new Parsed(List.of(), List.of(), List.of(new LogEvent("o", "p", null, null, "s", 0, "INFO", "m", null))));
        List<Batch> ready = acc.takeReady();
        assertEquals(2, ready.size());
        assertTrue(ready.stream().allMatch(b -> b.size() == 10));
        assertEquals(6, acc.pending());
        clock.addAndGet(199);
        assertTrue(acc.takeReady().isEmpty(), "the rest waits out the interval");
        clock.addAndGet(1);
        List<Batch> rest = acc.takeReady();
        assertEquals(1, rest.size());
        assertEquals(5, rest.get(0).spans().size());
        assertEquals(1, rest.get(0).logs().size());
        assertEquals(0, acc.pending());
        assertTrue(acc.takeReady().isEmpty());
    }

    @Test
    void anItemArrivingAfterACutStartsAnIntervalOfItsOwn() {
        BatchAccumulator acc = new BatchAccumulator(10, Long.MAX_VALUE, 200, BatchAccumulator.Small.NONE, 1000,
                Long.MAX_VALUE, new Spool(dir, 1_000_000, meters)::append, meters, clock::get);
        acc.addSpans(spans(3));
        clock.addAndGet(150);
        acc.addSpans(spans(2)); // joins the pending batch: its interval runs from the first item
        clock.addAndGet(50);
        assertEquals(List.of(5), acc.takeReady().stream().map(Batch::size).toList());
        acc.addSpans(spans(1));
        clock.addAndGet(199);
        assertTrue(acc.takeReady().isEmpty());
        clock.addAndGet(1);
        assertEquals(List.of(1), acc.takeReady().stream().map(Batch::size).toList());
    }

    @Test
    void aSmallBatchWaitsUpToTheLongestIntervalUnlessItBecomesWorthWriting() {
        BatchAccumulator acc = new BatchAccumulator(1000, Long.MAX_VALUE, 200,
                new BatchAccumulator.Small(20, Long.MAX_VALUE, 1000), 10_000, Long.MAX_VALUE,
                new Spool(dir, 1_000_000, meters)::append, meters, clock::get);
        acc.addSpans(spans(5));
        clock.addAndGet(200);
        assertTrue(acc.takeReady().isEmpty(), "5 < 20 items: not worth a store transaction at the interval");
        clock.addAndGet(799);
        assertTrue(acc.takeReady().isEmpty());
        clock.addAndGet(1);
        assertEquals(List.of(5), acc.takeReady().stream().map(Batch::size).toList(), "written at the longest wait");

        acc.addSpans(spans(5)); // a new batch, not worth writing at its interval ...
        clock.addAndGet(300);
        assertTrue(acc.takeReady().isEmpty());
        acc.addSpans(spans(15)); // ... until it holds min-size items
        assertEquals(List.of(20), acc.takeReady().stream().map(Batch::size).toList());

        acc.addSpans(spans(10)); // worth writing by the time its interval ends: written then
        acc.addEvents(new Parsed(List.of(), List.of(), List.of(new LogEvent("o", "p", null, null, "s", 0, "INFO", "m", null))));
        acc.addSpans(spans(9));
        clock.addAndGet(199);
        assertTrue(acc.takeReady().isEmpty(), "worth writing, but its interval has not passed");
        clock.addAndGet(1);
        assertEquals(List.of(20), acc.takeReady().stream().map(Batch::size).toList(), "19 spans + 1 log = min-size");
    }

    @Test
    void bytesMakeABatchWorthWritingToo() {
        long each = spans(1).get(0).heapBytes();
        BatchAccumulator acc = new BatchAccumulator(1000, Long.MAX_VALUE, 200,
                new BatchAccumulator.Small(1000, 3 * each, 60_000), 10_000, Long.MAX_VALUE,
                new Spool(dir, 1_000_000, meters)::append, meters, clock::get);
        acc.addSpans(spans(2));
        clock.addAndGet(200);
        assertTrue(acc.takeReady().isEmpty(), "2 spans' bytes < 3");
        acc.addSpans(spans(1));
        assertEquals(List.of(3), acc.takeReady().stream().map(Batch::size).toList());
        acc.addSpans(spans(1));
        assertEquals(List.of(1), acc.takeAll().stream().map(Batch::size).toList(), "shutdown takes everything");
    }

    @Test
    void aSmallBatchAsksForItsLongestWaitThenForARunWhenItBecomesWorthWriting() throws Exception {
        // the real clock: the interval's run happens (200 ms), the longest wait's does not (10 min)
        BatchAccumulator acc = new BatchAccumulator(1000, Long.MAX_VALUE, 200,
                new BatchAccumulator.Small(20, Long.MAX_VALUE, 600_000), 10_000, Long.MAX_VALUE,
                new Spool(dir, 1_000_000, meters)::append, meters);
        List<Batch> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.Semaphore runs = new java.util.concurrent.Semaphore(0);
        Wakeup wakeup = new Wakeup("flush-test", 0);
        wakeup.task(() -> { // as the flush route does
            taken.addAll(acc.takeReady());
            runs.release();
        });
        try {
            assertTrue(runs.tryAcquire(5, TimeUnit.SECONDS), "the run task() asks for");
            acc.wakeup(wakeup);
            long before = System.currentTimeMillis();
            acc.addSpans(spans(5));
            long after = System.currentTimeMillis();
            assertTrue(runs.tryAcquire(5, TimeUnit.SECONDS), "the interval's run");
            assertTrue(taken.isEmpty(), "5 < 20 items: not worth writing yet");
            long next = wakeup.scheduledAt();
            assertTrue(next >= before + 600_000 && next <= after + 600_000, "asks again for its longest wait: " + next);
            acc.addSpans(spans(15)); // worth writing now: a run at once
            assertTrue(runs.tryAcquire(5, TimeUnit.SECONDS), "flush ran when the batch became worth writing");
            assertEquals(List.of(20), taken.stream().map(Batch::size).toList());
        } finally {
            wakeup.stop();
        }
    }

    @Test
    void overTheLimitInputGoesToTheSpoolNotLost() {
        Spool spool = new Spool(dir, 10_000_000, meters);
        BatchAccumulator acc = new BatchAccumulator(10, 200, 30, spool::append, meters);
        acc.addSpans(spans(25));
        acc.addSpans(spans(10));
        assertEquals(25, acc.pending());
        assertEquals(10.0, meters.find("opa.batch.overflow.items").counter().count());
        assertEquals(10, spool.peekOldest().spans().size());
        assertEquals(25, acc.takeAll().stream().mapToInt(Batch::size).sum());
    }

    @Test
    void heldBytesBoundTheBacklogAndAreReleasedWhenBatchesLeave() {
        Spool spool = new Spool(dir, 10_000_000, meters);
        long each = spans(1).get(0).heapBytes();
        BatchAccumulator acc = new BatchAccumulator(10, Long.MAX_VALUE, 60_000, 1000, 30 * each, spool::append, meters);
        acc.addSpans(spans(25));
        assertEquals(25 * each, acc.pendingBytes());
        acc.addSpans(spans(10)); // 35 spans' bytes > 30: spooled whole
        assertEquals(25, acc.pending());
        assertEquals(10.0, meters.find("opa.batch.overflow.items").counter().count());
        assertEquals(2, acc.takeReady().size()); // two full batches leave, 5 spans stay
        assertEquals(5 * each, acc.pendingBytes());
        acc.addSpans(spans(10)); // fits again
        assertEquals(15, acc.pending());
        assertEquals(15 * each, acc.pendingBytes());
        assertEquals(15, acc.takeAll().stream().mapToInt(Batch::size).sum());
        assertEquals(0, acc.pendingBytes());
    }

    @Test
    void aBatchIsCutByBytesAsWellAsByCount() {
        long each = spans(1).get(0).heapBytes();
        BatchAccumulator acc = new BatchAccumulator(1000, 4 * each, 60_000, 10_000, Long.MAX_VALUE,
                new Spool(dir, 10_000_000, meters)::append, meters);
        acc.addSpans(spans(10));
        List<Batch> ready = acc.takeReady();
        assertEquals(List.of(4, 4), ready.stream().map(Batch::size).toList()); // 2 spans wait for the interval
        assertEquals(2, acc.pending());
        assertEquals(List.of(2), acc.takeAll().stream().map(Batch::size).toList());
    }

    @Test
    void asksItsWakeupWhenABatchFillsAndWhenTheIntervalEnds() throws Exception {
        BatchAccumulator acc = new BatchAccumulator(10, Long.MAX_VALUE, 60_000, BatchAccumulator.Small.NONE, 1000,
                Long.MAX_VALUE, new Spool(dir, 10_000_000, meters)::append, meters, clock::get);
        CountDownLatch firstRun = new CountDownLatch(1);
        CountDownLatch ranWhenFull = new CountDownLatch(1);
        Wakeup wakeup = new Wakeup("flush-test", 0, clock::get);
        wakeup.task(() -> {
            firstRun.countDown();
            if (acc.pending() >= 10) {
                ranWhenFull.countDown();
            }
        });
        try {
            acc.wakeup(wakeup);
            assertTrue(firstRun.await(5, TimeUnit.SECONDS), "the run task() asks for");
            acc.addSpans(spans(3));
            assertEquals(clock.get() + 60_000, wakeup.scheduledAt(), "interval wakeup");
            acc.addSpans(spans(7)); // full: asks for a run now
            assertTrue(ranWhenFull.await(5, TimeUnit.SECONDS), "flush ran when the batch filled");
        } finally {
            wakeup.stop();
        }
    }
}
