package dev.opa.agent.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

    @Test
    void totalsSumTheCountersOfEveryTransportAndReason() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IngestMetrics metrics = new IngestMetrics(registry, new RateLimitedLog(60_000));
        metrics.frameReceived("tcp");
        metrics.frameReceived("tcp");
        metrics.frameReceived("unix");
        metrics.frameRejected("garbage", "first bytes 0x00");
        metrics.frameRejected("oversize", "2 MB");
        metrics.spansReceived(5);
        assertEquals(3, metrics.framesReceived());
        assertEquals(2, metrics.framesRejected());
        assertEquals(5, metrics.spansReceived());
        assertEquals(3, registry.find("opa.frames.received").counters().stream().mapToDouble(Counter::count).sum(),
                "the totals are those of the counters /metrics shows");
    }
}
