package dev.opa.agent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.opa.agent.api.ApiParams;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.testkit.TestIds;
import dev.opa.agent.testkit.TestSpan;
import dev.opa.agent.wire.Frames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantTest {

    @Test
    void dataThatNamesNoTenantIsStoredWhereAnApiRequestThatNamesNoneReads() {
        MessageParser parser = new MessageParser(new Limits(100, 100, 100),
                new IngestMetrics(new SimpleMeterRegistry(), new RateLimitedLog(60_000)));
        String line = TestSpan.of(TestIds.traceId(1), TestIds.spanId(1)).start(System.currentTimeMillis()).message()
                .toString();
        Span parsed = parser.parse(Frames.of("test", List.of(line.getBytes(StandardCharsets.UTF_8)))).spans().get(0);
        Map<String, Object> read = ApiParams.of(Map.of()).tenant();
        assertEquals(read.get("org"), parsed.organizationId());
        assertEquals(read.get("project"), parsed.projectId());
        assertEquals(Tenant.DEFAULT_ORG, parsed.organizationId());
        assertEquals(Tenant.DEFAULT_PROJECT, parsed.projectId());
    }
}
