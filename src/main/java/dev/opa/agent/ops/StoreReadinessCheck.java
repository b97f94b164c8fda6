package dev.opa.agent.ops;

import dev.opa.agent.store.SpanStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness: DOWN while the store is unhealthy or the store circuit breaker is not CLOSED. */
public class StoreReadinessCheck extends AbstractHealthCheck {

    private final SpanStore store;
    private final CircuitBreaker breaker;

    public StoreReadinessCheck(SpanStore store, CircuitBreaker breaker) {
        super("opa", "store");
        this.store = store;
        this.breaker = breaker;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        CircuitBreaker.State state = breaker.getState();
        boolean storeUp = store.isHealthy();
        builder.detail("store.healthy", storeUp).detail("breaker.state", state.name());
        if (storeUp && state == CircuitBreaker.State.CLOSED) {
            builder.up();
        } else {
            builder.message("store " + (storeUp ? "up" : "down") + ", circuit breaker " + state).down();
        }
    }
}
