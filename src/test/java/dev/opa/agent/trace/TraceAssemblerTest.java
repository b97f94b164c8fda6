package dev.opa.agent.trace;

import static dev.opa.agent.testkit.TestIds.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Span;
import dev.opa.agent.testkit.TestIds;
import dev.opa.agent.testkit.TestSpan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Completion at root + grace, at TTL, early at the limits; late spans pass through. */
class TraceAssemblerTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private TraceAssembler assembler(int maxTraces, int maxSpans) {
        return new TraceAssembler(new TraceAssembler.Limits(2_000, 30_000, maxTraces, maxSpans, 1_000_000, 1000), meters);
    }

    private double completed(String reason) {
        return meters.find("opa.traces.completed").tag("reason", reason).counter().count();
    }

    @Test
    void completesGraceAfterTheRootWithChildrenFromBothSides() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(child(traceId(1), 1)), 0);
        a.addAt(List.of(root(traceId(1))), 100);
        a.addAt(List.of(child(traceId(1), 2)), 1_500);
        assertTrue(a.drainCompletedAt(2_099).isEmpty(), "still within grace");
        List<CompletedTrace> done = a.drainCompletedAt(2_100);
        assertEquals(1, done.size());
        assertEquals(3, done.get(0).spans().size());
        assertFalse(done.get(0).late());
        assertEquals(0, a.openTraces());
        assertEquals(0, a.bufferedSpans());
        assertEquals(1.0, completed("root"));
    }

    @Test
    void aContinuedTraceCompletesGraceAfterItsEntrySpanNotAtTtl() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(continuedEntry(traceId(3))), 0);
        a.addAt(List.of(child(traceId(3), 7)), 500);
        assertTrue(a.drainCompletedAt(1_999).isEmpty(), "still within grace");
        List<CompletedTrace> done = a.drainCompletedAt(2_000);
        assertEquals(1, done.size());
        assertEquals(2, done.get(0).spans().size());
        assertEquals(1.0, completed("root"));
    }

    @Test
    void completesAtTtlWithoutRoot() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(child(traceId(2), 1)), 0);
        assertTrue(a.drainCompletedAt(29_999).isEmpty());
        assertEquals(1, a.drainCompletedAt(30_000).size());
        assertEquals(1.0, completed("ttl"));
    }

    @Test
    void oldestTracesCompleteEarlyAtTheTraceLimit() {
        TraceAssembler a = assembler(3, 1000);
        for (int i = 0; i < 5; i++) {
            a.addAt(List.of(child(traceId(10 + i), 1)), i);
        }
        assertEquals(3, a.openTraces());
        List<CompletedTrace> early = a.drainCompletedAt(10);
        assertEquals(List.of(traceId(10), traceId(11)), early.stream().map(CompletedTrace::traceId).toList());
        assertEquals(2.0, completed("limit"));
    }

    @Test
    void oldestTracesCompleteEarlyAtTheSpanLimit() {
        TraceAssembler a = assembler(100, 4);
        a.addAt(List.of(child(traceId(20), 1), child(traceId(20), 2), child(traceId(20), 3)), 0);
        a.addAt(List.of(child(traceId(21), 1), child(traceId(21), 2)), 1);
        assertEquals(2, a.bufferedSpans());
        assertEquals(traceId(20), a.drainCompletedAt(2).get(0).traceId());
    }

    @Test
    void oldestTracesCompleteEarlyAtTheByteLimit() {
        long each = child(traceId(50), 1).heapBytes();
        TraceAssembler a = new TraceAssembler(new TraceAssembler.Limits(2_000, 30_000, 100, 100, 5 * each, 1000), meters);
        a.addAt(List.of(child(traceId(50), 1), child(traceId(50), 2), child(traceId(50), 3)), 0);
        assertEquals(3 * each, a.bufferedBytes());
        a.addAt(List.of(child(traceId(51), 1), child(traceId(51), 2), child(traceId(51), 3)), 1);
        assertEquals(1, a.openTraces());
        assertEquals(3 * each, a.bufferedBytes());
        assertEquals(traceId(50), a.drainCompletedAt(2).get(0).traceId());
        assertEquals(1.0, completed("limit"));
    }

    @Test
    void spansOfACompletedTraceComeOutLate() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(root(traceId(30))), 0);
        assertEquals(1, a.drainCompletedAt(2_000).size());
        a.addAt(List.of(child(traceId(30), 9)), 2_500);
        List<CompletedTrace> late = a.drainCompletedAt(2_501);
        assertEquals(1, late.size());
        assertTrue(late.get(0).late());
        assertEquals(0, a.openTraces());
    }

    @Test
    void drainAllEmptiesTheBuffer() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(root(traceId(40)), child(traceId(41), 1)), 0);
        assertEquals(2, a.drainAll().size());
        assertEquals(0, a.openTraces());
        assertEquals(2.0, completed("shutdown"));
    }

    private static final String ROOT = "0000000000000001";

    private static Span root(String traceId) {
        return TestSpan.of(traceId, ROOT).toSpan();
    }

    /** Span {@code n} under the root: 2 ms. */
    private static Span child(String traceId, int n) {
        return TestSpan.of(traceId, TestIds.spanId(n + 1)).parent(ROOT).duration(2).toSpan();
    }

    /** The span a downstream service records for a request that continued the caller's trace (W3C). */
    private static Span continuedEntry(String traceId) {
        return TestSpan.of(traceId, "00000000000000aa").parent("00000000000000ff").service("backend")
                .name("GET /api/ping").duration(5).http("GET", "/api/ping", 200).toSpan();
    }
}
