package dev.opa.agent.pipeline;

import dev.opa.agent.model.Batch;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.StoreWriter;
import dev.opa.agent.trace.TailSampler;
import dev.opa.agent.trace.TraceAssembler;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On shutdown (SIGTERM), after the routes have stopped: completes every buffered trace, samples it, and hands
 * the pending batches to {@link StoreWriter#writeOrSpool} (the same bean and breaker the {@code store} route
 * uses: stored, or spooled when the store fails or the breaker is open), then closes the store. Nothing
 * accepted is lost.
 */
public class ShutdownFlusher extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownFlusher.class);

    private final TraceAssembler assembler;
    private final TailSampler sampler;
    private final BatchAccumulator accumulator;
    private final StoreWriter writer;
    private final SpanStore store;

    public ShutdownFlusher(TraceAssembler assembler, TailSampler sampler, BatchAccumulator accumulator,
            StoreWriter writer, SpanStore store) {
        this.assembler = assembler;
        this.sampler = sampler;
        this.accumulator = accumulator;
        this.writer = writer;
        this.store = store;
    }

    @Override
    protected void doStop() {
        flush();
        store.close();
    }

    /** Moves everything buffered to the store or the spool. */
    public void flush() {
        accumulator.addSpans(sampler.sample(assembler.drainAll()));
        int stored = 0;
        int spooled = 0;
        for (Batch batch : accumulator.takeAll()) {
            if (writer.writeOrSpool(batch)) {
                stored += batch.size();
            } else {
                spooled += batch.size();
            }
        }
        LOG.info("shutdown flush: {} items stored, {} spooled", stored, spooled);
    }
}
