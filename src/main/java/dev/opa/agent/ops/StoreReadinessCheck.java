package dev.opa.agent.ops;

import dev.opa.agent.store.SpanStore;
import java.util.Map;
import org.apache.camel.Processor;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness: DOWN while the store is unhealthy or the store circuit breaker is not CLOSED. */
public class StoreReadinessCheck extends AbstractHealthCheck {

    private final SpanStore store;
    private final String breakerId;

    public StoreReadinessCheck(SpanStore store, String breakerId) {
        super("opa", "store");
        this.store = store;
        this.breakerId = breakerId;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String breaker = breakerState();
        boolean storeUp = store.isHealthy();
        builder.detail("store.healthy", storeUp).detail("breaker.state", breaker);
        if (storeUp && ("CLOSED".equals(breaker) || "UNKNOWN".equals(breaker))) {
            builder.up();
        } else {
            builder.message("store " + (storeUp ? "up" : "down") + ", circuit breaker " + breaker).down();
        }
    }

    /** CLOSED, OPEN, HALF_OPEN... or UNKNOWN before the store route exists. */
    public String breakerState() {
        Processor p = getCamelContext() == null ? null : getCamelContext().getProcessor(breakerId);
        if (p instanceof ResilienceProcessor r) {
            return r.getCircuitBreakerState();
        }
        return "UNKNOWN";
    }
}
