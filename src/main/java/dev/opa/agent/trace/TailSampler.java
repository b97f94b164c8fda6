package dev.opa.agent.trace;

import dev.opa.agent.model.Fingerprint;
import dev.opa.agent.model.Span;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides at trace completion: keep errors, slow traces and keep-marked ones; keep the rest with
 * probability {@code rate}, decided by a hash of the trace id so several agents agree. Kept spans carry
 * weight 1/rate (1 for the always-kept kinds). The rate can change at run time ({@code PUT /api/sampling}).
 */
public class TailSampler {

    private static final int REMEMBERED_DECISIONS = 200_000;

    private final KeepMarks keepMarks;
    private final double slowThresholdMs;
    private final Counter sampledOut;
    private final Counter kept;
    private volatile double rate;
    private final Map<String, Double> decisions = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > REMEMBERED_DECISIONS;
        }
    };

    public TailSampler(double rate, double slowThresholdMs, KeepMarks keepMarks, MeterRegistry meters) {
        setRate(rate);
        this.slowThresholdMs = slowThresholdMs;
        this.keepMarks = keepMarks;
        this.sampledOut = Counter.builder("opa.traces.sampled.out").description("traces dropped by tail sampling")
                .register(meters);
        this.kept = Counter.builder("opa.traces.kept").description("traces kept by tail sampling").register(meters);
    }

    public double getRate() {
        return rate;
    }

    public void setRate(double rate) {
        if (Double.isNaN(rate) || rate < 0 || rate > 1) {
            throw new IllegalArgumentException("sampling rate must be between 0.0 and 1.0, got " + rate);
        }
        this.rate = rate;
    }

    /** The kept spans of the completed traces, with their sample weight set. */
    public List<Span> sample(List<CompletedTrace> traces) {
        List<Span> out = new ArrayList<>();
        for (CompletedTrace trace : traces) {
            double weight = weightFor(trace);
            if (weight > 0) {
                for (Span s : trace.spans()) {
                    out.add(s.withSampleWeight(weight));
                }
            }
        }
        return out;
    }

    private synchronized double weightFor(CompletedTrace trace) {
        Double earlier = trace.late() ? decisions.get(trace.traceId()) : null;
        if (earlier != null) {
            return earlier;
        }
        double weight = decide(trace);
        decisions.put(trace.traceId(), weight);
        if (!trace.late()) {
            (weight > 0 ? kept : sampledOut).increment();
        }
        return weight;
    }

    /** 0 to drop, else the sample weight. */
    double decide(CompletedTrace trace) {
        if (mustKeep(trace)) {
            return 1.0;
        }
        double r = rate;
        if (r >= 1.0) {
            return 1.0;
        }
        return r > 0 && hashFraction(trace.traceId()) < r ? 1.0 / r : 0.0;
    }

    private boolean mustKeep(CompletedTrace trace) {
        Double rootDuration = null;
        double longest = 0;
        for (Span s : trace.spans()) {
            if (s.isError()) {
                return true;
            }
            if (s.isRoot()) {
                rootDuration = s.durationMs();
            }
            longest = Math.max(longest, s.durationMs());
        }
        double traceDuration = rootDuration != null ? rootDuration : longest;
        return traceDuration >= slowThresholdMs || keepMarks.isMarked(trace.traceId());
    }

    /** Uniform in [0, 1) from the trace id (FNV-1a 64, top 53 bits): the same on every agent. */
    static double hashFraction(String traceId) {
        long h = Fingerprint.fnv1a64(traceId);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }
}
