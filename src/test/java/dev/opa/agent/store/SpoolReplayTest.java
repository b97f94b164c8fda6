package dev.opa.agent.store;

import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.json;
import static dev.opa.agent.testkit.TestSpan.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay's policy on a real DuckDB file: a store that is down against a poison batch. */
class SpoolReplayTest {

    @TempDir
    Path dir;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    SwitchableStore store;
    Spool spool;
    StoreWriter writer;
    DeadLetters deadLetters;
    SpoolReplay replay;

    @BeforeEach
    void start() throws Exception {
        store = new SwitchableStore(dir.resolve("opa.duckdb"));
        spool = new Spool(dir.resolve("spool"), 100_000_000, meters);
        StoreFailures failures = new StoreFailures(60_000, meters);
        writer = new StoreWriter(store, spool, failures, StoreBreaker.create(50, 3, 10, 5, meters), meters);
        deadLetters = new DeadLetters(dir.resolve("dead-letter"), 10_000_000, meters);
        replay = new SpoolReplay(spool, writer, failures, deadLetters, 3, meters);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private static Span s(int n) {
        return numbered(n).toSpan();
    }

    private static Batch spans(int from, int to) {
        return new Batch(IntStream.range(from, to).mapToObj(SpoolReplayTest::s).toList(), List.of(), List.of());
    }


    private long count(String sql) throws Exception {
        try (Connection c = store.readDataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private double meter(String name) {
        return meters.find(name).counter().count();
    }

    private long deadLetterFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("dead-letter"))) {
            return files.count();
        }
    }

    @Test
    void aStoreThatIsDownKeepsEveryBatchInOrderAndQuarantinesNothing() throws Exception {
        spool.append(spans(1, 5));
        spool.append(spans(5, 9));
        spool.append(spans(9, 13));
        List<Long> before = spool.sequences();
        store.outOfMemory = true;
        for (int i = 0; i < 20; i++) {
            assertThrows(Exception.class, replay::replayOldest);
        }
        assertEquals(before, spool.sequences(), "nothing removed, nothing reordered");
        assertEquals(0, deadLetterFiles());
        assertEquals(0.0, meter("opa.spool.split.batches"));
        assertTrue(meters.find("opa.store.write.failures").tag("reason", "out_of_memory").counter().count() >= 20);

        store.outOfMemory = false;
        for (int i = 0; i < 3; i++) {
            assertEquals(traceId(1 + 4 * i), replay.replayOldest().spans().get(0).traceId(), "oldest first");
        }
        assertNull(replay.replayOldest());
        assertEquals(12, count("SELECT count(*) FROM spans_min"));
    }

    @Test
    void withoutOtherTrafficTheNextBatchIsTheProbeThenThePoisonBatchIsSplit() throws Exception {
        Batch mixed = new Batch(IntStream.range(1, 9).mapToObj(SpoolReplayTest::s).toList(),
                List.of(new ErrorEvent("o", "p", traceId(1), null, "svc", 1L, "E", "m", "f.php", 1, "fp", null, null,
                        json("[]"), json("{}"))),
                List.of(new LogEvent("o", "p", traceId(2), null, "svc", 1L, "INFO", "hello", json("{}"))));
        spool.append(mixed);
        spool.append(spans(20, 22));
        store.poison.add(traceId(3));
        store.poison.add(traceId(6));

        assertThrows(Exception.class, replay::replayOldest, "first failure: no evidence yet");
        assertThrows(Exception.class, replay::replayOldest, "second failure: no evidence yet");
        Batch stored = replay.replayOldest(); // third: probe with the next batch, then split

        assertEquals(6 + 2, stored.spans().size(), "the probe batch and the good spans of the poison batch");
        assertEquals(1, stored.errors().size());
        assertEquals(1, stored.logs().size());
        assertTrue(spool.isEmpty());
        assertEquals(8, count("SELECT count(*) FROM spans_min"));
        assertEquals(0, count("SELECT count(*) FROM spans_min WHERE trace_id IN ('" + traceId(3) + "','" + traceId(6) + "')"));
        assertEquals(1, count("SELECT count(*) FROM errors"));
        assertEquals(1, count("SELECT count(*) FROM logs"));
        assertEquals(2.0, meter("opa.deadletter.items"));
        assertEquals(2, deadLetterFiles());
        assertEquals(1.0, meter("opa.spool.split.batches"));
    }

    @Test
    void withOtherTrafficASuspectWaitsUncountedThenIsSplit() throws Exception {
        spool.append(spans(1, 5));
        store.poison.add(traceId(4));

        assertThrows(Exception.class, replay::replayOldest);
        writer.write(spans(50, 51)); // live traffic stores meanwhile
        assertNull(replay.replayOldest(), "a suspect: nothing stored, no exception for the breaker");
        writer.write(spans(51, 52));
        Batch stored = replay.replayOldest();
        assertEquals(List.of(traceId(1), traceId(2), traceId(3)), stored.spans().stream().map(Span::traceId).toList());
        assertTrue(spool.isEmpty());
        assertEquals(1.0, meter("opa.deadletter.items"));
    }

    @Test
    void aLostConnectionDuringTheSplitKeepsTheRestSpooledAndStoresNothingTwice() throws Exception {
        spool.append(spans(1, 17));
        store.poison.add(traceId(16));
        assertThrows(Exception.class, replay::replayOldest);
        writer.write(spans(50, 51));
        assertNull(replay.replayOldest());
        writer.write(spans(51, 52));
        store.connectionLostAfterWrites = 1; // the first half (1..8) stores, then the connection goes

        Exception e = assertThrows(Exception.class, replay::replayOldest);
        assertEquals(StoreFailure.IO, StoreFailure.of(e));
        assertEquals(1, spool.size());
        assertEquals(8, spool.peekOldest().size(), "the spool file holds only what was not stored");
        assertEquals(0, deadLetterFiles(), "a lost connection quarantines nothing");

        store.connectionLostAfterWrites = -1;
        int traffic = 100;
        while (!spool.isEmpty()) {
            try {
                replay.replayOldest();
            } catch (Exception again) {
                // the rest fails again: a new suspect, which live traffic below turns into a split
            }
            writer.write(spans(traffic, ++traffic)); // live traffic between tries
        }
        assertEquals(15, count("SELECT count(*) FROM spans_min WHERE trace_id < '" + traceId(17) + "'"), "1..15 once each");
        assertEquals(15, count("SELECT count(DISTINCT trace_id) FROM spans_min WHERE trace_id < '" + traceId(17) + "'"));
        assertEquals(1, deadLetterFiles());
    }

    @Test
    void halvesSplitAcrossSpansErrorsAndLogsInOrder() {
        Batch b = new Batch(List.of(s(1), s(2), s(3)),
                List.of(new ErrorEvent("o", "p", traceId(1), null, "svc", 1L, "E", "m", "f.php", 1, "fp", null, null,
                        json("[]"), json("{}"))),
                List.of(new LogEvent("o", "p", null, null, "svc", 1L, "INFO", "a", json("{}")),
                        new LogEvent("o", "p", null, null, "svc", 2L, "INFO", "b", json("{}"))));
        List<Batch> h = SpoolReplay.halves(b);
        assertEquals(3, h.get(0).size());
        assertEquals(3, h.get(0).spans().size());
        assertEquals(1, h.get(1).errors().size());
        assertEquals(2, h.get(1).logs().size());
        assertEquals(b, SpoolReplay.concat(h));
    }
}
