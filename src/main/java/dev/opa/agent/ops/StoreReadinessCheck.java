package dev.opa.agent.ops;

import dev.opa.agent.store.DeadLetters;
import dev.opa.agent.store.Spool;
import dev.opa.agent.store.StoreFailures;
import dev.opa.agent.store.StoreWriter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: DOWN while the store is unhealthy or the store circuit breaker is not CLOSED. The message says why
 * (what the store reports wrong, since when writes fail, the last error, what waits in the spool, what was
 * quarantined); the same facts are in the details ({@code /health?data=true}): store.healthy, store.problem,
 * breaker.state, failing.since, failed.writes,
 * last.error, last.error.reason, last.error.at, spool.batches, spool.bytes, quarantined.items.
 */
public class StoreReadinessCheck extends AbstractHealthCheck {

    private final StoreWriter writer;
    private final CircuitBreaker breaker;
    private final StoreFailures failures;
    private final Spool spool;
    private final DeadLetters deadLetters;

    public StoreReadinessCheck(StoreWriter writer, CircuitBreaker breaker, StoreFailures failures, Spool spool,
            DeadLetters deadLetters) {
        super("opa", "store");
        this.writer = writer;
        this.breaker = breaker;
        this.failures = failures;
        this.spool = spool;
        this.deadLetters = deadLetters;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CircuitBreaker.State state = breaker.getState();
        boolean storeUp = writer.isHealthy();
        StoreFailures.Status s = failures.status();
        builder.detail("store.healthy", storeUp).detail("breaker.state", state.name())
                .detail("spool.batches", spool.size()).detail("spool.bytes", spool.bytes())
                .detail("quarantined.items", deadLetters.count());
        List<String> why = new ArrayList<>();
        String problem = writer.storeProblem();
        if (problem != null) {
            builder.detail("store.problem", problem);
            why.add(problem);
        } else if (!storeUp) {
            why.add("store down");
        }
        if (state != CircuitBreaker.State.CLOSED) {
            why.add("circuit breaker " + state);
        }
        if (s.failingSinceMs() != 0) {
            builder.detail("failing.since", Instant.ofEpochMilli(s.failingSinceMs()).toString())
                    .detail("failed.writes", s.failedWrites());
            why.add("store writes failing since " + Instant.ofEpochMilli(s.failingSinceMs()) + " (" + s.failedWrites()
                    + " failed)");
        }
        if (s.lastError() != null) {
            builder.detail("last.error", s.lastError()).detail("last.error.reason", s.lastReason().tag())
                    .detail("last.error.at", Instant.ofEpochMilli(s.lastFailureMs()).toString());
            if (s.failingSinceMs() != 0) {
                why.add("last error (" + s.lastReason().tag() + "): " + s.lastError());
            }
        }
        if (spool.size() > 0) {
            why.add(spool.size() + " batches (" + spool.bytes() + " bytes) waiting in the spool");
        }
        if (deadLetters.count() > 0) {
            why.add(deadLetters.count() + " items quarantined in " + deadLetters.dir());
        }
        if (!why.isEmpty()) {
            builder.message(String.join("; ", why));
        }
        if (storeUp && state == CircuitBreaker.State.CLOSED) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
