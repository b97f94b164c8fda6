package dev.opa.agent.it;

import static dev.opa.agent.testkit.TestIds.spanId;
import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.webRequest;
import static dev.opa.agent.testkit.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A store that rejects one span forever while it takes everything else, end to end with the default breaker:
 * the batch holding it is spooled, new traffic keeps being stored meanwhile, and after
 * opa.spool.split-after-failures attempts the batch is split: its good spans are stored, the bad one goes to
 * the dead-letter directory (counted, logged once with the reason), and the spool empties.
 */
@CamelMainTest(properties = {
        "opa.tail.grace-ms=50",
        "opa.tail.check-interval-ms=250", // the batches these tests count are cut at this tick
        "opa.batch.interval-ms=50",
        "opa.batch.max-interval-ms=50", // every batch at its interval, however small
        "opa.store.class=dev.opa.agent.it.FlakyStore",
        "opa.store.breaker.wait-open-seconds=1",
        "opa.spool.replay-interval-ms=1500",
        "opa.spool.split-after-failures=4",
        "opa.log.store-failure-interval-ms=120000"}) // one line per reason for the whole test, however slow the machine
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonBatchTest {

    static final TestAgent AGENT = new TestAgent("poison");
    static final int TCP = AGENT.tcp;
    static final int HTTP = AGENT.http;

    @BeanInject("dataSource")
    DataSource dataSource;

    @AfterAll
    void heal() {
        FlakyStore.reset();
        AGENT.clear();
    }

    private long stored(int from, int to) {
        return new Db(dataSource).count("SELECT count(*) FROM spans_min WHERE trace_id BETWEEN ? AND ?",
                traceId(from), traceId(to));
    }

    private void send(int... traces) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int t : traces) {
            lines.append(webRequest(traceId(t), spanId(1), "shop", System.currentTimeMillis(), 5, "ok").message()).append('\n');
        }
        Wire.sendOnce(Wire.tcp(TCP), utf8(lines.toString()));
    }

    @Test
    void aBatchTheStoreAlwaysRejectsIsSplitItsBadSpanQuarantinedAndNothingBehindItWaits() throws Exception {
        FlakyStore.reset();
        send(299);
        Await.until("pipeline running", () -> stored(299, 299), n -> n == 1, 20_000);
        FlakyStore.poisonTraceId = traceId(300);
        try (LogCapture log = LogCapture.start()) {
            send(300, 301, 302, 303); // one frame: one batch with the poison span among good ones
            Await.until("poison batch spooled", () -> Http.metric(HTTP, "opa_spool_batches"), n -> n == 1, 20_000);

            send(304);
            Await.until("new traffic stored while the poison batch waits", () -> stored(304, 304), n -> n == 1, 20_000);
            assertEquals(1.0, Http.metric(HTTP, "opa_spool_batches"), "not split yet: new traffic did not wait for it");
            assertEquals(0, stored(301, 303));

            int next = 305;
            long deadline = System.currentTimeMillis() + 30_000;
            while (Http.metric(HTTP, "opa_deadletter_items_total") < 1 && System.currentTimeMillis() < deadline) {
                send(next++); // live traffic: the evidence that the store takes other data
                Thread.sleep(300);
            }
            int last = next - 1;
            assertEquals(1.0, Http.metric(HTTP, "opa_deadletter_items_total"), "the poison span is quarantined");
            Await.until("the rest of the poison batch stored", () -> stored(301, 303), n -> n == 3, 20_000);
            Await.until("everything sent afterwards stored", () -> stored(304, last), n -> n == last - 303, 20_000);
            Await.until("empty spool", () -> Http.metric(HTTP, "opa_spool_batches"), n -> n == 0.0, 20_000);
            assertEquals(0, stored(300, 300));
            assertEquals(1.0, Http.metric(HTTP, "opa_spool_split_batches_total"));
            assertTrue(Http.metric(HTTP, "opa_store_write_failures_total{reason=\"constraint\"}") >= 4 + 2,
                    "the whole batch's attempts and the failing halves are counted");

            List<String> quarantined = log.lines("quarantined span trace_id=" + traceId(300));
            assertEquals(1, quarantined.size(), "logged once per item");
            assertTrue(quarantined.get(0).contains("(constraint)") && quarantined.get(0).contains(FlakyStore.POISON),
                    quarantined.get(0));
            List<String> failed = log.lines("store write failed (constraint) for a batch of 4 items");
            assertEquals(1, failed.size(), "rate-limited: " + log.lines("store write failed"));
            assertTrue(failed.get(0).contains(FlakyStore.POISON), failed.get(0));
        }

        List<Path> letters = deadLetterFiles();
        assertEquals(1, letters.size());
        JsonNode letter = new ObjectMapper().readTree(letters.get(0).toFile());
        assertEquals(traceId(300), letter.at("/spans/0/traceId").asText());
        assertEquals("constraint", letter.at("/quarantine/reason").asText());
        assertTrue(letter.at("/quarantine/error").asText().contains(FlakyStore.POISON));
        assertEquals(1.0, Http.metric(HTTP, "opa_deadletter_files"));

        var ready = Http.get(HTTP, "/health/ready?exposureLevel=full");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("1 items quarantined in"), ready.body());
        assertEquals(0.0, Http.metric(HTTP, "opa_spool_dropped_batches_total"));
        assertEquals(0.0, Http.metric(HTTP, "resilience4j_circuitbreaker_not_permitted_calls_total{kind=\"not_permitted\",name=\"store\"}"),
                "the poison batch never opened the breaker, so no healthy batch was diverted to the spool");
    }

    private static List<Path> deadLetterFiles() throws Exception {
        try (Stream<Path> files = Files.list(AGENT.dataDir.resolve("dead-letter"))) {
            return files.filter(p -> p.toString().endsWith(".batch.json")).toList();
        }
    }
}
