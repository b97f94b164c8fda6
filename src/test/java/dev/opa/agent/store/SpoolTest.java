package dev.opa.agent.store;

import static dev.opa.agent.testkit.TestEvents.batchWithEvents;
import static dev.opa.agent.testkit.TestIds.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Batch;
import dev.opa.agent.testkit.TestSpan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-disk spool: order, survival across restarts, bounded size, bad files. */
class SpoolTest {

    @TempDir
    Path dir;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static Batch numbered(int n) {
        return batchWithEvents(TestSpan.numbered(n).weight(2.0).toSpan());
    }

    @Test
    void replaysOldestFirstAndSurvivesARestart() throws Exception {
        Spool spool = new Spool(dir, 10_000_000, meters);
        for (int i = 1; i <= 3; i++) {
            spool.append(numbered(i));
        }
        Spool reopened = new Spool(dir, 10_000_000, new SimpleMeterRegistry());
        assertEquals(3, reopened.size());
        for (int i = 1; i <= 3; i++) {
            Batch b = reopened.peekOldest();
            assertEquals(traceId(i), b.spans().get(0).traceId());
            assertEquals(2.0, b.spans().get(0).sampleWeight());
            assertEquals("hello", b.logs().get(0).message());
            reopened.removeOldest();
        }
        assertTrue(reopened.isEmpty());
        assertEquals(0, reopened.bytes());
        reopened.append(numbered(4));
        assertEquals(traceId(4), reopened.peekOldest().spans().get(0).traceId());
    }

    @Test
    void aFullSpoolDropsTheNewestBatchAndCountsIt() {
        Spool probe = new Spool(dir.resolve("probe"), Long.MAX_VALUE, new SimpleMeterRegistry());
        probe.append(numbered(1));
        long oneBatch = probe.bytes();
        Spool spool = new Spool(dir.resolve("full"), oneBatch * 2 + 10, meters);
        spool.append(numbered(1));
        spool.append(numbered(2));
        spool.append(numbered(3));
        assertEquals(2, spool.size());
        assertEquals(1.0, meters.find("opa.spool.dropped.batches").counter().count());
        assertEquals(1.0, meters.find("opa.spool.dropped.spans").counter().count());
        assertEquals(traceId(1), spool.peekOldest().spans().get(0).traceId());
    }

    @Test
    void unreadableFilesAreMovedAsideAndHalfWrittenOnesIgnored() throws Exception {
        Files.writeString(dir.resolve("00000000000000000001.batch.json"), "{broken");
        Files.writeString(dir.resolve("7.tmp"), "partial");
        Spool spool = new Spool(dir, 10_000_000, meters);
        assertEquals(1, spool.size());
        assertNull(spool.peekOldest());
        assertTrue(Files.exists(dir.resolve("1.bad")));
        assertTrue(Files.notExists(dir.resolve("7.tmp")));
        spool.append(numbered(5));
        assertEquals(traceId(5), spool.peekOldest().spans().get(0).traceId());
    }

    @Test
    void theOldestTwoBatchesAreReadAndParsedOnceNotOnEveryRetry() throws Exception {
        Spool spool = new Spool(dir, 10_000_000, meters);
        spool.append(numbered(1));
        spool.append(numbered(2));
        spool.append(numbered(3));
        Batch oldest = spool.peekOldest();
        Batch next = spool.peek(1);
        for (Path p : List.of(dir.resolve("00000000000000000001.batch.json"), dir.resolve("00000000000000000002.batch.json"))) {
            Files.writeString(p, "{garbage"); // a re-read would fail and move the file aside
        }
        for (int retry = 0; retry < 5; retry++) {
            assertSame(oldest, spool.peekOldest());
            assertSame(next, spool.peek(1));
        }
        assertTrue(Files.notExists(dir.resolve("1.bad")));
        spool.remove(1);
        assertSame(oldest, spool.peekOldest());
        assertEquals(traceId(3), spool.peek(1).spans().get(0).traceId(), "read when it moves up");
    }

    @Test
    void replacingTheOldestKeepsItsPlaceAndTheByteCount() throws Exception {
        Spool spool = new Spool(dir, 10_000_000, meters);
        spool.append(new Batch(List.of(numbered(1).spans().get(0), numbered(2).spans().get(0)), List.of(), List.of()));
        spool.append(numbered(3));
        spool.replaceOldest(new Batch(List.of(numbered(2).spans().get(0)), List.of(), List.of()));
        Spool reopened = new Spool(dir, 10_000_000, new SimpleMeterRegistry());
        assertEquals(spool.bytes(), reopened.bytes());
        assertEquals(1, reopened.peekOldest().size());
        assertEquals(traceId(2), reopened.peekOldest().spans().get(0).traceId());
        reopened.removeOldest();
        assertEquals(traceId(3), reopened.peekOldest().spans().get(0).traceId());
    }

    @Test
    void filesWithOtherNamesAreLeftAloneNotFatal() throws Exception {
        Files.writeString(dir.resolve("notes.batch.json"), "{}");
        Files.writeString(dir.resolve("README"), "operator notes");
        Spool spool = new Spool(dir, 10_000_000, meters);
        assertTrue(spool.isEmpty());
        assertTrue(Files.exists(dir.resolve("notes.batch.json")));
    }
}
