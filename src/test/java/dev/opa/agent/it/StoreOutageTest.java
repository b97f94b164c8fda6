package dev.opa.agent.it;

import static dev.opa.agent.testkit.TestIds.spanId;
import static dev.opa.agent.testkit.TestIds.traceId;
import static dev.opa.agent.testkit.TestSpan.webRequest;
import static dev.opa.agent.testkit.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.testkit.Await;
import dev.opa.agent.testkit.Http;
import dev.opa.agent.testkit.TestAgent;
import dev.opa.agent.testkit.TestIds;
import dev.opa.agent.testkit.Wire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A store that is down, end to end: every write fails the way DuckDB did with its memory limit full (issue 11);
 * the failure is logged once (rate-limited) with its text and counted by reason, the breaker opens, readiness
 * goes DOWN and says why, batches go to the on-disk spool in order and nothing is quarantined however often the
 * replay retries. When the store heals the spool replays in order and every span arrives, once.
 */
@CamelMainTest(properties = {
        "opa.tail.grace-ms=50",
        "opa.tail.check-interval-ms=250", // the batches these tests count are cut at this tick
        "opa.batch.interval-ms=50",
        "opa.batch.max-interval-ms=50", // every batch at its interval, however small
        "opa.store.class=dev.opa.agent.it.FlakyStore",
        "opa.store.breaker.minimum-calls=2",
        "opa.store.breaker.sliding-window-size=2",
        "opa.store.breaker.wait-open-seconds=1",
        "opa.spool.replay-interval-ms=200",
        "opa.spool.split-after-failures=2",
        "opa.log.store-failure-interval-ms=600000"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreOutageTest {

    static final TestAgent AGENT = new TestAgent("outage");
    static final int TCP = AGENT.tcp;
    static final int HTTP = AGENT.http;
    static final String FAILURES = "opa_store_write_failures_total{reason=\"out_of_memory\"}";

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

    @Test
    void aStoreThatIsDownSpoolsInOrderQuarantinesNothingAndReplaysEverythingInOrderWhenBack() throws Exception {
        FlakyStore.reset();
        long now = System.currentTimeMillis();
        Wire.sendOnce(Wire.tcp(TCP), utf8(webRequest(traceId(99), spanId(1), "shop", now, 5, "ok").message() + "\n"));
        Await.until("pipeline running", () -> stored(99, 99), n -> n == 1, 20_000);
        // the store notes a write after it committed: wait for the note too, or reset() may come before it
        Await.until("write noted", () -> FlakyStore.written.contains(traceId(99)), noted -> noted, 20_000);
        FlakyStore.reset();
        FlakyStore.failing = true;
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 6; i++) {
                Wire.sendOnce(Wire.tcp(TCP), utf8(webRequest(traceId(100 + i), spanId(1), "shop", now, 5, "ok").message() + "\n"));
                Thread.sleep(150); // separate batches, so the breaker sees several failures
            }
            Await.until("all spans received", () -> Http.metric(HTTP, "opa_spans_received_total"), n -> n == 7, 20_000);
            Await.until("spooled batches", () -> Http.metric(HTTP, "opa_spool_batches"), n -> n >= 2, 20_000);
            Await.until("breaker open", () -> Http.metric(HTTP,
                    "resilience4j_circuitbreaker_state{name=\"store\",state=\"open\"}"), v -> v == 1.0, 20_000);
            // the replay keeps trying (the breaker half-opens every second): many failures, no quarantine
            Await.until("replay retries", () -> Http.metric(HTTP, FAILURES), n -> n >= 6, 20_000);

            List<String> lines = log.lines("store write failed (out_of_memory)");
            assertEquals(1, lines.size(), "one line per reason and interval, not one per failure: " + lines);
            assertTrue(lines.get(0).contains("WARN") && lines.get(0).contains(FlakyStore.OUT_OF_MEMORY)
                    && lines.get(0).matches(".*for a batch of \\d+ items \\(\\d+ spans, 0 errors, 0 logs\\).*"), lines.get(0));
        }
        var ready = Http.get(HTTP, "/health/ready");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("DOWN") && ready.body().contains("failed to pin block")
                && ready.body().contains("waiting in the spool") && ready.body().contains("store writes failing since"),
                ready.body());
        String details = Http.get(HTTP, "/health/ready?data=true").body();
        assertTrue(details.contains("last.error.reason") && details.contains("out_of_memory")
                && details.contains("spool.batches"), details);
        assertTrue(Http.metric(HTTP, "opa_spool_bytes") > 0);
        assertEquals(0, stored(100, 105), "nothing reaches the failing store");
        assertEquals(0.0, Http.metric(HTTP, "opa_deadletter_items_total"), "a store that is down quarantines nothing");
        assertEquals(0.0, Http.metric(HTTP, "opa_spool_split_batches_total"));
        assertTrue(spoolFiles() >= 2, "batches are files on disk");

        FlakyStore.failing = false;
        Await.until("replayed spans", () -> stored(100, 105), n -> n == 6, 20_000);
        Await.until("empty spool", () -> Http.metric(HTTP, "opa_spool_bytes"), b -> b == 0.0, 10_000);
        assertEquals(0, spoolFiles());
        assertEquals(IntStream.range(100, 106).mapToObj(TestIds::traceId).toList(), List.copyOf(FlakyStore.written),
                "replayed oldest first, in the order they arrived");

        // new data flows through the breaker again, which closes; readiness comes back
        Wire.sendOnce(Wire.tcp(TCP), utf8(webRequest(traceId(106), spanId(1), "shop", now, 5, "ok").message() + "\n"));
        Await.until("span after recovery", () -> stored(106, 106), n -> n == 1, 20_000);
        Await.until("readiness UP", () -> Http.get(HTTP, "/health/ready").statusCode(), c -> c == 200, 20_000);
        assertEquals(7, stored(100, 106), "each span stored exactly once");
        assertEquals(0.0, Http.metric(HTTP, "opa_spool_dropped_batches_total"));
        assertEquals(0.0, Http.metric(HTTP, "opa_deadletter_items_total"));
    }

    private static long spoolFiles() throws Exception {
        try (Stream<Path> files = Files.list(AGENT.dataDir.resolve("spool"))) {
            return files.filter(p -> p.toString().endsWith(".batch.json")).count();
        }
    }
}
