package dev.opa.agent.beans;

import dev.opa.agent.boot.StoreStart;
import dev.opa.agent.ops.StoreReadinessCheck;
import dev.opa.agent.store.DeadLetters;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.SpanStoreFactory;
import dev.opa.agent.store.Spool;
import dev.opa.agent.store.SpoolReplay;
import dev.opa.agent.store.StoreBreaker;
import dev.opa.agent.store.StoreFailures;
import dev.opa.agent.store.StoreWriter;
import dev.opa.agent.store.duckdb.DuckDbMemoryMetrics;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.Locale;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * The beans of the store end of routes/pipeline.camel.yaml: the store (opened when created), its circuit
 * breaker, the writer that stores or spools, the spool, its replay and dead letters, the readiness check; and the
 * store's read {@code dataSource} for the REST API. At start: the readiness check joins /health.
 */
public class StoreBeans extends AgentBeans {

    @BindToRegistry(value = "spanStore", lazy = true)
    public SpanStore spanStore(PrometheusMeterRegistry meters) {
        SpanStore store = SpanStoreFactory.create(cfg.section("opa.store"));
        String type = cfg.string("opa.store.type").trim().toLowerCase(Locale.ROOT);
        String where = "duckdb".equals(type) ? cfg.string("opa.store.duckdb.file")
                : cfg.section("opa.store." + type).getOrDefault("url", type);
        StoreStart.open(store, type, where, StoreStart.policy(cfg.string("opa.store.clickhouse.start-policy")),
                cfg.longValue("opa.store.clickhouse.start-wait-ms"));
        if (store instanceof DuckDbSpanStore duckdb) {
            DuckDbMemoryMetrics.register(meters, store.readDataSource());
            duckdb.registerMetrics(meters);
        }
        return store;
    }

    /** Connections for reads of the stored data (REST API). */
    @BindToRegistry(value = "dataSource", lazy = true)
    public DataSource dataSource(SpanStore store) {
        return store.readDataSource();
    }

    @BindToRegistry(value = "storeBreaker", lazy = true)
    public CircuitBreaker storeBreaker(PrometheusMeterRegistry meters) {
        return StoreBreaker.create((float) cfg.doubleValue("opa.store.breaker.failure-rate-threshold"),
                cfg.intValue("opa.store.breaker.minimum-calls"), cfg.intValue("opa.store.breaker.sliding-window-size"),
                cfg.longValue("opa.store.breaker.wait-open-seconds"), meters);
    }

    @BindToRegistry(value = "spool", lazy = true)
    public Spool spool(PrometheusMeterRegistry meters) {
        return new Spool(Path.of(cfg.string("opa.spool.dir")), cfg.longValue("opa.spool.max-bytes"), meters);
    }

    @BindToRegistry(value = "storeFailures", lazy = true)
    public StoreFailures storeFailures(PrometheusMeterRegistry meters) {
        return new StoreFailures(cfg.longValue("opa.log.store-failure-interval-ms"), meters);
    }

    @BindToRegistry(value = "storeWriter", lazy = true)
    public StoreWriter storeWriter(SpanStore store, Spool spool, StoreFailures failures, CircuitBreaker breaker,
            PrometheusMeterRegistry meters) {
        return new StoreWriter(store, spool, failures, breaker, meters);
    }

    @BindToRegistry(value = "deadLetters", lazy = true)
    public DeadLetters deadLetters(PrometheusMeterRegistry meters) {
        return new DeadLetters(Path.of(cfg.string("opa.spool.dead-letter.dir")),
                cfg.longValue("opa.spool.dead-letter.max-bytes"), meters);
    }

    @BindToRegistry(value = "spoolReplay", lazy = true)
    public SpoolReplay spoolReplay(Spool spool, StoreWriter writer, StoreFailures failures, DeadLetters deadLetters,
            PrometheusMeterRegistry meters) {
        return new SpoolReplay(spool, writer, failures, deadLetters, cfg.intValue("opa.spool.split-after-failures"),
                meters);
    }

    @BindToRegistry(value = "storeReadiness", lazy = true)
    public StoreReadinessCheck storeReadiness(StoreWriter writer, CircuitBreaker breaker, StoreFailures failures,
            Spool spool, DeadLetters deadLetters, CamelContext camelContext) {
        StoreReadinessCheck readiness = new StoreReadinessCheck(writer, breaker, failures, spool, deadLetters);
        readiness.setCamelContext(camelContext);
        return readiness;
    }

    @Override
    public void configure(CamelContext camelContext) {
        HealthCheckRegistry health = HealthCheckRegistry.get(camelContext);
        if (health != null) {
            health.register(bean(StoreReadinessCheck.class));
        }
    }
}
