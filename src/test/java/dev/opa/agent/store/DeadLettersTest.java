package dev.opa.agent.store;

import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.numbered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.model.Batch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dead-letter directory: what a file holds, the operator's replay (docs/store-failures.md), the size bound. */
class DeadLettersTest {

    @TempDir
    Path dir;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static final ObjectMapper JSON = new ObjectMapper();


    private static Batch item(int n) {
        return new Batch(List.of(numbered(n).weight(3.0).toSpan()), List.of(), List.of());
    }

    private List<Path> files(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aQuarantinedItemSaysWhyAndReplaysByMovingItIntoTheSpool() throws Exception {
        DeadLetters letters = new DeadLetters(dir.resolve("dead-letter"), 1_000_000, meters);
        letters.quarantine(item(7), StoreFailure.INVALID_DATA, new SQLException("Conversion Error: bad value"));
        letters.quarantine(item(8), StoreFailure.CONSTRAINT, new SQLException("Constraint Error: duplicate key"));
        List<Path> written = files(dir.resolve("dead-letter"));
        assertEquals(2, written.size());
        JsonNode doc = JSON.readTree(written.get(0).toFile());
        assertEquals("invalid_data", doc.at("/quarantine/reason").asText());
        assertEquals("SQLException: Conversion Error: bad value", doc.at("/quarantine/error").asText());
        assertEquals(2.0, meters.find("opa.deadletter.items").counter().count());
        assertEquals(2, new DeadLetters(dir.resolve("dead-letter"), 1_000_000, new SimpleMeterRegistry()).count(),
                "a restart still counts what waits there");

        // the documented replay: agent stopped, files moved into the spool directory, agent started
        Spool before = new Spool(dir.resolve("spool"), 10_000_000, new SimpleMeterRegistry());
        before.append(item(1));
        for (Path p : written) {
            Files.move(p, dir.resolve("spool").resolve(p.getFileName()));
        }
        Spool spool = new Spool(dir.resolve("spool"), 10_000_000, new SimpleMeterRegistry());
        assertEquals(3, spool.size());
        spool.removeOldest(); // the spool's own batch comes first
        Batch replayed = spool.peekOldest();
        assertEquals(JSON.writeValueAsString(item(7)), JSON.writeValueAsString(replayed), "the same span, weight included");
        spool.removeOldest();
        assertEquals(traceId(8), spool.peekOldest().spans().get(0).traceId());
        spool.append(item(9));
        spool.removeOldest();
        assertEquals(traceId(9), spool.peekOldest().spans().get(0).traceId(), "new batches go after the replayed ones");
    }

    @Test
    void aFullDirectoryDropsTheItemAndCountsIt() throws Exception {
        DeadLetters letters = new DeadLetters(dir.resolve("small"), 100, meters);
        letters.quarantine(item(1), StoreFailure.OTHER, new SQLException("no"));
        assertTrue(files(dir.resolve("small")).isEmpty());
        assertEquals(1.0, meters.find("opa.deadletter.dropped.items").counter().count());
        assertEquals(0.0, meters.find("opa.deadletter.items").counter().count());
    }
}
