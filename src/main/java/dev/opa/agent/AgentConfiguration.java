package dev.opa.agent;

import dev.opa.agent.config.Settings;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.SpanStoreFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Creates the agent's beans from the configuration and binds them under the names the routes use.
 * Names other parts rely on: {@code spanStore}, {@code dataSource}, {@code tailSampler}, {@code keepMarks},
 * {@code metricsRegistry}.
 */
public class AgentConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = new Settings(context);
        Registry registry = context.getRegistry();

        PrometheusMeterRegistry meters = metricsRegistry(registry);

        SpanStore store = SpanStoreFactory.create(settings.section("opa.store"));
        store.init();
        registry.bind("spanStore", store);
        registry.bind("dataSource", store.readDataSource());
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
