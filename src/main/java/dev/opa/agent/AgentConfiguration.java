package dev.opa.agent;

import dev.opa.agent.boot.HttpServerCheck;
import dev.opa.agent.boot.ListenerPreflight;
import dev.opa.agent.boot.StartupFailure;
import dev.opa.agent.boot.StoreStart;
import dev.opa.agent.config.HeapBudget;
import dev.opa.agent.config.Settings;
import dev.opa.agent.config.YamlConfigSource;
import dev.opa.agent.ops.DuckDbMemoryMetrics;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.ops.StoreReadinessCheck;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.parse.MessageParser;
import dev.opa.agent.pipeline.BatchAccumulator;
import dev.opa.agent.pipeline.IngestGate;
import dev.opa.agent.pipeline.ShutdownFlusher;
import dev.opa.agent.pipeline.Wakeup;
import dev.opa.agent.store.DeadLetters;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.SpanStoreFactory;
import dev.opa.agent.store.StoreBreaker;
import dev.opa.agent.store.Spool;
import dev.opa.agent.store.SpoolReplay;
import dev.opa.agent.store.StoreFailures;
import dev.opa.agent.store.StoreWriter;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import dev.opa.agent.trace.KeepMarks;
import dev.opa.agent.trace.TailSampler;
import dev.opa.agent.trace.TraceAssembler;
import dev.opa.agent.wire.ConnectionBudgetFactory;
import dev.opa.agent.wire.FrameDecoderFactory;
import dev.opa.agent.wire.SocketFile;
import dev.opa.agent.wire.TlsHandlerFactory;
import io.netty.handler.ssl.SslContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StartupListener;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the agent's beans from the configuration and binds them under the names the routes use.
 * Names other parts rely on: {@code spanStore}, {@code dataSource}, {@code tailSampler}, {@code keepMarks},
 * {@code metricsRegistry}.
 */
public class AgentConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(AgentConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        if (context.getPropertiesComponent().getPropertiesSource(YamlConfigSource.NAME) == null) {
            // runtimes that do not auto-discover properties sources (Camel JBang) still get application.yaml
            YamlConfigSource yaml = new YamlConfigSource();
            yaml.setCamelContext(context);
            context.getPropertiesComponent().addPropertiesSource(yaml);
        }
        Settings cfg = new Settings(context);
        Registry registry = context.getRegistry();
        PrometheusMeterRegistry meters = metricsRegistry(registry);

        IngestMetrics ingestMetrics = new IngestMetrics(meters, new RateLimitedLog(cfg.longValue("opa.log.reject-interval-ms")));
        registry.bind("ingestMetrics", ingestMetrics);
        int maxFrame = cfg.intValue("opa.frames.max-frame-bytes");
        registry.bind("unixFrameDecoder", new FrameDecoderFactory("unix", maxFrame, ingestMetrics));
        registry.bind("tcpFrameDecoder", new FrameDecoderFactory("tcp", maxFrame, ingestMetrics));
        registry.bind("tcpTls", tcpTls(cfg, meters));
        int connectionBudget = cfg.intValue("opa.ingest.connection-bytes-per-second");
        registry.bind("unixConnectionBudget", new ConnectionBudgetFactory(connectionBudget, ingestMetrics));
        registry.bind("tcpConnectionBudget", new ConnectionBudgetFactory(connectionBudget, ingestMetrics));
        Path socket = Path.of(cfg.string("opa.socket.path"));
        failFastOnListeners(cfg, socket, context);
        String socketMode = cfg.string("opa.socket.mode");
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // bind happens when the routes start; the mode is applied once fully started
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                SocketFile.applyMode(socket, socketMode);
            }
        });

        registry.bind("messageParser", new MessageParser(new Limits(cfg.intValue("opa.limits.max-query-chars"),
                cfg.intValue("opa.limits.max-dump-chars"), cfg.intValue("opa.limits.max-tag-chars")), ingestMetrics));

        KeepMarks keepMarks = new KeepMarks(cfg.longValue("opa.sampling.keep-mark-ttl-ms"));
        registry.bind("keepMarks", keepMarks);
        HeapBudget heap = HeapBudget.fit(cfg.longValue("opa.tail.max-bytes"), cfg.longValue("opa.batch.max-pending-bytes"),
                cfg.longValue("opa.ingest.max-buffered-bytes"), Runtime.getRuntime().maxMemory());
        if (heap.scaled()) {
            LOG.warn("heap of {} MB: buffer limits scaled down to opa.tail.max-bytes={} opa.batch.max-pending-bytes={}"
                    + " opa.ingest.max-buffered-bytes={} (at most {}% of the heap; give more -Xmx for the configured ones)",
                    Runtime.getRuntime().maxMemory() >> 20, heap.tailBytes(), heap.pendingBytes(), heap.bufferedBytes(),
                    Math.round(HeapBudget.SHARE * 100));
        }
        TraceAssembler assembler = new TraceAssembler(new TraceAssembler.Limits(cfg.longValue("opa.tail.grace-ms"),
                cfg.longValue("opa.tail.ttl-ms"), cfg.intValue("opa.tail.max-traces"), cfg.intValue("opa.tail.max-spans"),
                heap.tailBytes(), cfg.intValue("opa.tail.remember-completed")), meters);
        registry.bind("traceAssembler", assembler);
        TailSampler sampler = new TailSampler(cfg.doubleValue("opa.sampling.rate"),
                cfg.doubleValue("opa.sampling.slow-threshold-ms"), keepMarks, meters);
        registry.bind("tailSampler", sampler);

        SpanStore store = SpanStoreFactory.create(cfg.section("opa.store"));
        openStore(cfg, store);
        registry.bind("spanStore", store);
        registry.bind("dataSource", store.readDataSource());
        if (store instanceof DuckDbSpanStore) {
            DuckDbMemoryMetrics.register(meters, store.readDataSource());
        }
        CircuitBreaker breaker = StoreBreaker.create((float) cfg.doubleValue("opa.store.breaker.failure-rate-threshold"),
                cfg.intValue("opa.store.breaker.minimum-calls"), cfg.intValue("opa.store.breaker.sliding-window-size"),
                cfg.longValue("opa.store.breaker.wait-open-seconds"), meters);
        registry.bind("storeBreaker", breaker);
        Spool spool = new Spool(Path.of(cfg.string("opa.spool.dir")), cfg.longValue("opa.spool.max-bytes"), meters);
        registry.bind("spool", spool);
        StoreFailures failures = new StoreFailures(cfg.longValue("opa.log.store-failure-interval-ms"), meters);
        StoreWriter writer = new StoreWriter(store, spool, failures, breaker, meters);
        registry.bind("storeWriter", writer);
        DeadLetters deadLetters = new DeadLetters(Path.of(cfg.string("opa.spool.dead-letter.dir")),
                cfg.longValue("opa.spool.dead-letter.max-bytes"), meters);
        registry.bind("spoolReplay", new SpoolReplay(spool, writer, failures, deadLetters,
                cfg.intValue("opa.spool.split-after-failures"), meters));
        BatchAccumulator accumulator = new BatchAccumulator(cfg.intValue("opa.batch.max-size"),
                cfg.longValue("opa.batch.max-bytes"), cfg.longValue("opa.batch.interval-ms"), cfg.intValue("opa.batch.max-pending"),
                heap.pendingBytes(), writer::spool, meters);
        registry.bind("batchAccumulator", accumulator);
        registry.bind("ingestGate", new IngestGate(assembler, accumulator, heap.bufferedBytes(),
                cfg.longValue("opa.ingest.max-wait-ms"), meters));

        StoreReadinessCheck readiness = new StoreReadinessCheck(writer, breaker, failures, spool, deadLetters);
        readiness.setCamelContext(context);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(readiness);
        }
        registry.bind("storeReadiness", readiness);
        context.addService(new ShutdownFlusher(assembler, sampler, accumulator, writer, store), true, true);
        assembler.wakeup(routeWakeup(context, "tail-complete", cfg.longValue("opa.tail.check-interval-ms")));
        accumulator.wakeup(routeWakeup(context, "batch-flush", cfg.longValue("opa.batch.flush-check-ms")));
        long replayMs = cfg.longValue("opa.spool.replay-interval-ms");
        Wakeup replay = routeWakeup(context, "spool-replay", replayMs);
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

    // --- fail fast at start (boot/): a listener or store that cannot start ends the process with the setting to change

    private static void failFastOnListeners(Settings cfg, Path socket, CamelContext context) throws Exception {
        ListenerPreflight.unixSocketUsable("opa.socket.path", socket);
        ListenerPreflight.tcpPortFree("TCP ingest listener", "opa.tcp.listen", cfg.string("opa.tcp.host"),
                cfg.intValue("opa.tcp.port"));
        if (cfg.bool("camel.server.enabled")) {
            String host = cfg.string("camel.server.host");
            int port = cfg.intValue("camel.server.port");
            ListenerPreflight.tcpPortFree("HTTP server", "opa.http.port / opa.http.host", host, port);
            context.addStartupListener(new HttpServerCheck(host, port));
        }
    }

    private static TlsHandlerFactory tcpTls(Settings cfg, PrometheusMeterRegistry meters) {
        SslContext context = null;
        if (cfg.bool("opa.tcp.tls.enabled")) {
            try {
                context = TlsHandlerFactory.serverContext(cfg.string("opa.tcp.tls.cert-file"),
                        cfg.string("opa.tcp.tls.key-file"), cfg.string("opa.tcp.tls.client-ca-file"));
            } catch (Exception e) {
                throw new StartupFailure("TLS for the TCP listener cannot load its PEM files",
                        "opa.tcp.tls.cert-file / key-file / client-ca-file", e);
            }
        }
        return new TlsHandlerFactory(context, cfg.longValue("opa.tcp.tls.handshake-timeout-ms"), meters,
                new RateLimitedLog(cfg.longValue("opa.log.reject-interval-ms")));
    }

    private static void openStore(Settings cfg, SpanStore store) {
        String type = cfg.string("opa.store.type").trim().toLowerCase(java.util.Locale.ROOT);
        String where = "duckdb".equals(type) ? cfg.string("opa.store.duckdb.file")
                : cfg.section("opa.store." + type).getOrDefault("url", type);
        StoreStart.open(store, type, where, StoreStart.policy(cfg.string("opa.store.clickhouse.start-policy")),
                cfg.longValue("opa.store.clickhouse.start-wait-ms"));
    }

    /** camel-micrometer-prometheus binds its registry as metricsRegistry (and serves it); share that one. */
    static PrometheusMeterRegistry metricsRegistry(Registry registry) {
        PrometheusMeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        return meters;
    }
}
