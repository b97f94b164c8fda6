package dev.opa.agent.store;

import dev.opa.agent.model.Batch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Writes a batch to the active {@link SpanStore} and counts it: {@code opa_store_write_seconds},
 * {@code opa_spans_stored_total}, {@code opa_errors_stored_total}, {@code opa_logs_stored_total},
 * {@code opa_store_write_failures_total}. A failure is rethrown for the circuit breaker.
 */
public class StoreWriter {

    private final SpanStore store;
    private final Timer writeTime;
    private final Counter spansStored;
    private final Counter errorsStored;
    private final Counter logsStored;
    private final Counter failures;

    public StoreWriter(SpanStore store, MeterRegistry meters) {
        this.store = store;
        this.writeTime = Timer.builder("opa.store.write").description("time to write one batch")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.spansStored = Counter.builder("opa.spans.stored").register(meters);
        this.errorsStored = Counter.builder("opa.errors.stored").register(meters);
        this.logsStored = Counter.builder("opa.logs.stored").register(meters);
        this.failures = Counter.builder("opa.store.write.failures").register(meters);
    }

    public void write(Batch batch) throws Exception {
        long start = System.nanoTime();
        try {
            store.write(batch);
        } catch (Exception e) {
            failures.increment();
            throw e;
        } finally {
            writeTime.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        spansStored.increment(batch.spans().size());
        errorsStored.increment(batch.errors().size());
        logsStored.increment(batch.logs().size());
    }

    public boolean isHealthy() {
        return store.isHealthy();
    }
}
