package dev.opa.agent.beans;

import dev.opa.agent.config.HeapBudget;
import dev.opa.agent.pipeline.BatchAccumulator;
import dev.opa.agent.pipeline.ShutdownFlusher;
import dev.opa.agent.pipeline.Wakeup;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.Spool;
import dev.opa.agent.store.StoreWriter;
import dev.opa.agent.trace.KeepMarks;
import dev.opa.agent.trace.TailSampler;
import dev.opa.agent.trace.TraceAssembler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans of routes/pipeline.camel.yaml up to the store: tail buffer, sampler, batcher, and the heap budget
 * their limits share with the ingest gate. At start: the stages that run a route when they have work
 * ({@code direct:tail-complete}, {@code direct:batch-flush}, {@code direct:spool-replay}) get their wakeups, and
 * what is still buffered at shutdown is flushed to the store.
 */
public class PipelineBeans extends AgentBeans {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineBeans.class);

    @BindToRegistry(value = "heapBudget", lazy = true)
    public HeapBudget heapBudget() {
        HeapBudget heap = HeapBudget.fit(cfg.longValue("opa.tail.max-bytes"), cfg.longValue("opa.batch.max-pending-bytes"),
                cfg.longValue("opa.ingest.max-buffered-bytes"), cfg.longValue("opa.ingest.max-decoding-bytes"),
                Runtime.getRuntime().maxMemory());
        if (heap.scaled()) {
            LOG.warn("heap of {} MB: buffer limits scaled down to opa.tail.max-bytes={} opa.batch.max-pending-bytes={}"
                    + " opa.ingest.max-buffered-bytes={} opa.ingest.max-decoding-bytes={} (at most {}% of the heap; give"
                    + " more -Xmx for the configured ones)", Runtime.getRuntime().maxMemory() >> 20, heap.tailBytes(),
                    heap.pendingBytes(), heap.bufferedBytes(), heap.decodingBytes(), Math.round(HeapBudget.SHARE * 100));
        }
        return heap;
    }

    @BindToRegistry(value = "keepMarks", lazy = true)
    public KeepMarks keepMarks() {
        return new KeepMarks(cfg.longValue("opa.sampling.keep-mark-ttl-ms"));
    }

    @BindToRegistry(value = "traceAssembler", lazy = true)
    public TraceAssembler traceAssembler(HeapBudget heap, PrometheusMeterRegistry meters) {
        return new TraceAssembler(new TraceAssembler.Limits(cfg.longValue("opa.tail.grace-ms"),
                cfg.longValue("opa.tail.ttl-ms"), cfg.intValue("opa.tail.max-traces"), cfg.intValue("opa.tail.max-spans"),
                heap.tailBytes(), cfg.intValue("opa.tail.remember-completed")), meters);
    }

    @BindToRegistry(value = "tailSampler", lazy = true)
    public TailSampler tailSampler(KeepMarks keepMarks, PrometheusMeterRegistry meters) {
        return new TailSampler(cfg.doubleValue("opa.sampling.rate"), cfg.doubleValue("opa.sampling.slow-threshold-ms"),
                keepMarks, meters);
    }

    @BindToRegistry(value = "batchAccumulator", lazy = true)
    public BatchAccumulator batchAccumulator(HeapBudget heap, StoreWriter writer, PrometheusMeterRegistry meters) {
        return new BatchAccumulator(cfg.intValue("opa.batch.max-size"), cfg.longValue("opa.batch.max-bytes"),
                cfg.longValue("opa.batch.interval-ms"),
                new BatchAccumulator.Small(cfg.intValue("opa.batch.min-size"), cfg.longValue("opa.batch.min-bytes"),
                        cfg.longValue("opa.batch.max-interval-ms")),
                cfg.intValue("opa.batch.max-pending"), heap.pendingBytes(), writer::spool, meters);
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        TraceAssembler assembler = bean(TraceAssembler.class);
        BatchAccumulator accumulator = bean(BatchAccumulator.class);
        Spool spool = bean(Spool.class);
        camelContext.addService(new ShutdownFlusher(assembler, bean(TailSampler.class), accumulator,
                bean(StoreWriter.class), bean(SpanStore.class)), true, true);
        assembler.wakeup(routeWakeup(camelContext, "tail-complete", cfg.longValue("opa.tail.check-interval-ms")));
        accumulator.wakeup(routeWakeup(camelContext, "batch-flush", cfg.longValue("opa.batch.flush-check-ms")));
        long replayMs = cfg.longValue("opa.spool.replay-interval-ms");
        Wakeup replay = routeWakeup(camelContext, "spool-replay", replayMs);
        spool.onAppend(at -> replay.at(at + replayMs));
        replay.after(() -> {
            if (!spool.isEmpty()) {
                replay.at(System.currentTimeMillis() + replayMs); // again until the spool is empty
            }
        });
    }

    /** Runs route {@code direct:<name>} when the stage asks for it (no polling timer), at most every minPeriodMs. */
    private static Wakeup routeWakeup(CamelContext context, String name, long minPeriodMs) throws Exception {
        Wakeup wakeup = new Wakeup(name, minPeriodMs);
        context.addService(wakeup, true, true);
        context.addStartupListener((ctx, alreadyStarted) -> {
            ProducerTemplate route = ctx.createProducerTemplate();
            wakeup.task(() -> {
                if (ctx.getStatus().isStarted()) {
                    route.sendBody("direct:" + name, null);
                }
            });
        });
        return wakeup;
    }
}
