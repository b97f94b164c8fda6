package dev.opa.agent.store;

import dev.opa.agent.model.Batch;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The one place a batch goes to the store or the spool. The {@code store} route calls {@link #write} inside
 * the store circuit breaker and {@link #spool} as its fallback; the batcher's overflow calls {@link #spool};
 * the shutdown flush (after the routes stopped) calls {@link #writeOrSpool}, which asks the same breaker.
 *
 * <p>Meters: {@code opa_store_write_seconds}, {@code opa_spans_stored_total}, {@code opa_errors_stored_total},
 * {@code opa_logs_stored_total}, {@code opa_store_write_failures_total{reason}} (via {@link StoreFailures}).
 */
public class StoreWriter {

    private final SpanStore store;
    private final Spool spool;
    private final StoreFailures failures;
    private final CircuitBreaker breaker;
    private final Timer writeTime;
    private final Counter spansStored;
    private final Counter errorsStored;
    private final Counter logsStored;

    public StoreWriter(SpanStore store, Spool spool, StoreFailures failures, CircuitBreaker breaker, MeterRegistry meters) {
        this.store = store;
        this.spool = spool;
        this.failures = failures;
        this.breaker = breaker;
        this.writeTime = Timer.builder("opa.store.write").description("time to write one batch")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.spansStored = Counter.builder("opa.spans.stored").register(meters);
        this.errorsStored = Counter.builder("opa.errors.stored").register(meters);
        this.logsStored = Counter.builder("opa.logs.stored").register(meters);
    }

    /**
     * Stores the whole batch or throws (counted and logged by reason) for the circuit breaker. A Java heap too small
     * for the write is such a failure too: the breaker and the spool take it like any other, and without counting
     * it here nothing would say why batches pile up in the spool.
     */
    public void write(Batch batch) throws Exception {
        long start = System.nanoTime();
        try {
            store.write(batch);
        } catch (Exception | OutOfMemoryError e) {
            failures.failed(batch, e);
            throw e;
        } finally {
            writeTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        failures.succeeded();
        spansStored.increment(batch.spans().size());
        errorsStored.increment(batch.errors().size());
        logsStored.increment(batch.logs().size());
    }

    /** Keeps the batch on disk for the spool replay (store failed, breaker open, batcher full). */
    public void spool(Batch batch) {
        spool.append(batch);
    }

    /**
     * Without the routes (shutdown): writes through the breaker; when the breaker refuses or the write fails,
     * spools. Returns true when stored.
     */
    public boolean writeOrSpool(Batch batch) {
        try {
            breaker.executeCheckedSupplier(() -> {
                write(batch);
                return null;
            });
            return true;
        } catch (Throwable e) {
            spool(batch);
            return false;
        }
    }

    public boolean isHealthy() {
        return store.isHealthy();
    }

    /** {@link SpanStore#problem()}. */
    public String storeProblem() {
        return store.problem();
    }
}
