package dev.opa.agent.it;

import static dev.opa.agent.it.Messages.root;
import static dev.opa.agent.it.Messages.spanId;
import static dev.opa.agent.it.Messages.traceId;
import static dev.opa.agent.it.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A store outage end to end: writes fail, the breaker opens, readiness goes DOWN, batches go to the on-disk
 * spool; when the store heals the spool replays and every span arrives, once.
 */
@CamelMainTest(properties = {
        "opa.tail.grace-ms=50",
        "opa.batch.interval-ms=50",
        "opa.store.class=dev.opa.agent.it.FlakyStore",
        "opa.store.breaker.minimum-calls=2",
        "opa.store.breaker.sliding-window-size=2",
        "opa.store.breaker.wait-open-seconds=1",
        "opa.spool.replay-interval-ms=200"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreOutageTest {

    static final AgentPorts AGENT = new AgentPorts("outage");
    static final int TCP = AGENT.tcp;
    static final int HTTP = AGENT.http;

    @BeanInject("dataSource")
    DataSource dataSource;

    @AfterAll
    void heal() {
        FlakyStore.failing = false;
        AGENT.clear();
    }

    private long stored(int from, int to) {
        return new Db(dataSource).count("SELECT count(*) FROM spans_min WHERE trace_id BETWEEN ? AND ?",
                traceId(from), traceId(to));
    }

    @Test
    void outageSpoolsAndReplaysEverything() throws Exception {
        FlakyStore.failing = true;
        long now = System.currentTimeMillis();
        for (int i = 0; i < 6; i++) {
            Wire.sendOnce(Wire.tcp(TCP), utf8(root(traceId(100 + i), spanId(1), "shop", now, 5, "ok") + "\n"));
            Thread.sleep(150); // separate batches, so the breaker sees several failures
        }
        Await.until("all spans received", () -> Http.metric(HTTP, "opa_spans_received_total"), n -> n == 6, 20_000);
        Await.until("spooled batches", () -> Http.metric(HTTP, "opa_spool_batches"), n -> n >= 1, 20_000);
        Await.until("breaker open", () -> Http.metric(HTTP,
                "resilience4j_circuitbreaker_state{name=\"store\",state=\"open\"}"), v -> v == 1.0, 20_000);
        Await.until("readiness DOWN", () -> Http.get(HTTP, "/health/ready").statusCode(), c -> c == 503, 20_000);
        assertTrue(Http.get(HTTP, "/health/ready").body().contains("DOWN"));
        assertTrue(Http.metric(HTTP, "opa_spool_bytes") > 0);
        assertEquals(0, stored(100, 105), "nothing reaches the failing store");
        assertTrue(spoolFiles() >= 1, "batches are files on disk");
        assertTrue(Http.metric(HTTP, "opa_store_write_failures_total") >= 2, "replay trials count as failures");

        FlakyStore.failing = false;
        Await.until("replayed spans", () -> stored(100, 105), n -> n == 6, 20_000);
        Await.until("empty spool", () -> Http.metric(HTTP, "opa_spool_bytes"), b -> b == 0.0, 10_000);
        assertEquals(0, spoolFiles());

        // new data flows through the breaker again, which closes; readiness comes back
        Wire.sendOnce(Wire.tcp(TCP), utf8(root(traceId(106), spanId(1), "shop", now, 5, "ok") + "\n"));
        Await.until("span after recovery", () -> stored(106, 106), n -> n == 1, 20_000);
        Await.until("readiness UP", () -> Http.get(HTTP, "/health/ready").statusCode(), c -> c == 200, 20_000);
        assertEquals(7, stored(100, 106), "each span stored exactly once");
        assertEquals(0.0, Http.metric(HTTP, "opa_spool_dropped_batches_total"));
    }

    private static long spoolFiles() throws Exception {
        try (Stream<Path> files = Files.list(AGENT.dataDir.resolve("spool"))) {
            return files.filter(p -> p.toString().endsWith(".batch.json")).count();
        }
    }
}
