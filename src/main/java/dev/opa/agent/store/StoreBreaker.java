package dev.opa.agent.store;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The one Resilience4j circuit breaker in front of the store, shared by the store route and the spool
 * replay route (both reference it as {@code storeBreaker}), so replay trials count like any write. Failures
 * about the data ({@link StoreFailure#aboutTheData()}: constraint, invalid_data) are not counted: a poison batch
 * must not divert healthy traffic to the spool.
 * Exported as {@code resilience4j_circuitbreaker_state{name="store"}} and friends.
 */
public final class StoreBreaker {

    private StoreBreaker() {
    }

    public static CircuitBreaker create(float failureRatePercent, int minimumCalls, int slidingWindowSize,
            long waitOpenSeconds, MeterRegistry meters) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .minimumNumberOfCalls(minimumCalls)
                .slidingWindowSize(slidingWindowSize)
                .waitDurationInOpenState(Duration.ofSeconds(waitOpenSeconds))
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                // a constraint or conversion error is about one batch's data: it says nothing about the store
                .recordException(e -> !StoreFailure.of(e).aboutTheData())
                .build();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry.circuitBreaker("store");
    }
}
