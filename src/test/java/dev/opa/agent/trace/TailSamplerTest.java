package dev.opa.agent.trace;

import static dev.opa.agent.testkit.TestIds.traceId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.model.Span;
import dev.opa.agent.testkit.TestSpan;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keep rules, hash-based probability, weights and run-time rate changes. */
class TailSamplerTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final KeepMarks marks = new KeepMarks(60_000);

    private TailSampler sampler(double rate) {
        return new TailSampler(rate, 1000, marks, meters);
    }

    private static CompletedTrace trace(Span... spans) {
        return new CompletedTrace(spans[0].traceId(), List.of(spans), false);
    }

    @Test
    void defaultRateKeepsEverythingAtWeightOne() {
        List<Span> kept = sampler(1.0).sample(List.of(trace(root(traceId(1))), trace(root(traceId(2)))));
        assertEquals(2, kept.size());
        assertTrue(kept.stream().allMatch(s -> s.sampleWeight() == 1.0));
    }

    @Test
    void errorsSlowAndMarkedTracesAreAlwaysKept() {
        TailSampler s = sampler(0.0);
        marks.keep(traceId(3));
        List<CompletedTrace> traces = List.of(
                trace(root(traceId(1)), span(traceId(1), "0000000000000002", "0000000000000001", 1, "error")),
                trace(span(traceId(2), "0000000000000001", null, 1500, "ok")),
                trace(root(traceId(3))),
                trace(root(traceId(4))));
        List<Span> kept = s.sample(traces);
        assertEquals(List.of(traceId(1), traceId(1), traceId(2), traceId(3)), kept.stream().map(Span::traceId).toList());
        assertTrue(kept.stream().allMatch(x -> x.sampleWeight() == 1.0));
        assertEquals(1.0, meters.find("opa.traces.sampled.out").counter().count());
    }

    @Test
    void probabilityFollowsTheTraceIdHashAndWeightsAreTheInverse() {
        TailSampler a = sampler(0.25);
        TailSampler b = new TailSampler(0.25, 1000, new KeepMarks(60_000), new SimpleMeterRegistry());
        List<CompletedTrace> traces = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            traces.add(trace(root(traceId((long) i * 2654435761L))));
        }
        List<Span> keptA = a.sample(traces);
        List<Span> keptB = b.sample(traces);
        assertEquals(keptA.stream().map(Span::traceId).toList(), keptB.stream().map(Span::traceId).toList(),
                "two agents agree");
        assertTrue(keptA.size() > 850 && keptA.size() < 1150, "about a quarter kept: " + keptA.size());
        assertTrue(keptA.stream().allMatch(x -> x.sampleWeight() == 4.0));
    }

    @Test
    void lateSpansFollowTheEarlierDecision() {
        TailSampler s = sampler(0.5);
        String dropped = null;
        for (int i = 0; dropped == null; i++) {
            String id = traceId(100 + i);
            if (s.sample(List.of(trace(root(id)))).isEmpty()) {
                dropped = id;
            }
        }
        s.setRate(1.0);
        CompletedTrace late = new CompletedTrace(dropped, List.of(span(dropped, "00000000000000ff", "0000000000000001", 1, "ok")), true);
        assertTrue(s.sample(List.of(late)).isEmpty(), "a late span of a dropped trace is dropped too");
    }

    @Test
    void rateChangesAtRunTimeAndIsValidated() {
        TailSampler s = sampler(1.0);
        s.setRate(0.0);
        assertEquals(0.0, s.getRate());
        assertTrue(s.sample(List.of(trace(root(traceId(9))))).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> s.setRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> s.setRate(Double.NaN));
    }

    private static Span root(String traceId) {
        return span(traceId, "0000000000000001", null, 10, "ok");
    }

    private static Span span(String traceId, String spanId, String parentId, double durationMs, String status) {
        return TestSpan.of(traceId, spanId).parent(parentId).duration(durationMs).status(status).toSpan();
    }
}
