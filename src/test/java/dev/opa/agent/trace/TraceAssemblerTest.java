package dev.opa.agent.trace;

import static dev.opa.agent.trace.Spans.continuedEntry;
import static dev.opa.agent.trace.Spans.child;
import static dev.opa.agent.trace.Spans.id;
import static dev.opa.agent.trace.Spans.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        a.addAt(List.of(child(id(1), 1)), 0);
        a.addAt(List.of(root(id(1))), 100);
        a.addAt(List.of(child(id(1), 2)), 1_500);
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
        a.addAt(List.of(continuedEntry(id(3))), 0);
        a.addAt(List.of(child(id(3), 7)), 500);
        assertTrue(a.drainCompletedAt(1_999).isEmpty(), "still within grace");
        List<CompletedTrace> done = a.drainCompletedAt(2_000);
        assertEquals(1, done.size());
        assertEquals(2, done.get(0).spans().size());
        assertEquals(1.0, completed("root"));
    }

    @Test
    void completesAtTtlWithoutRoot() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(child(id(2), 1)), 0);
        assertTrue(a.drainCompletedAt(29_999).isEmpty());
        assertEquals(1, a.drainCompletedAt(30_000).size());
        assertEquals(1.0, completed("ttl"));
    }

    @Test
    void oldestTracesCompleteEarlyAtTheTraceLimit() {
        TraceAssembler a = assembler(3, 1000);
        for (int i = 0; i < 5; i++) {
            a.addAt(List.of(child(id(10 + i), 1)), i);
        }
        assertEquals(3, a.openTraces());
        List<CompletedTrace> early = a.drainCompletedAt(10);
        assertEquals(List.of(id(10), id(11)), early.stream().map(CompletedTrace::traceId).toList());
        assertEquals(2.0, completed("limit"));
    }

    @Test
    void oldestTracesCompleteEarlyAtTheSpanLimit() {
        TraceAssembler a = assembler(100, 4);
        a.addAt(List.of(child(id(20), 1), child(id(20), 2), child(id(20), 3)), 0);
        a.addAt(List.of(child(id(21), 1), child(id(21), 2)), 1);
        assertEquals(2, a.bufferedSpans());
        assertEquals(id(20), a.drainCompletedAt(2).get(0).traceId());
    }

    @Test
    void oldestTracesCompleteEarlyAtTheByteLimit() {
        long each = child(id(50), 1).heapBytes();
        TraceAssembler a = new TraceAssembler(new TraceAssembler.Limits(2_000, 30_000, 100, 100, 5 * each, 1000), meters);
        a.addAt(List.of(child(id(50), 1), child(id(50), 2), child(id(50), 3)), 0);
        assertEquals(3 * each, a.bufferedBytes());
        a.addAt(List.of(child(id(51), 1), child(id(51), 2), child(id(51), 3)), 1);
        assertEquals(1, a.openTraces());
        assertEquals(3 * each, a.bufferedBytes());
        assertEquals(id(50), a.drainCompletedAt(2).get(0).traceId());
        assertEquals(1.0, completed("limit"));
    }

    @Test
    void spansOfACompletedTraceComeOutLate() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(root(id(30))), 0);
        assertEquals(1, a.drainCompletedAt(2_000).size());
        a.addAt(List.of(child(id(30), 9)), 2_500);
        List<CompletedTrace> late = a.drainCompletedAt(2_501);
        assertEquals(1, late.size());
        assertTrue(late.get(0).late());
        assertEquals(0, a.openTraces());
    }

    @Test
    void drainAllEmptiesTheBuffer() {
        TraceAssembler a = assembler(100, 1000);
        a.addAt(List.of(root(id(40)), child(id(41), 1)), 0);
        assertEquals(2, a.drainAll().size());
        assertEquals(0, a.openTraces());
        assertEquals(2.0, completed("shutdown"));
    }
}
