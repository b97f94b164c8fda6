package dev.opa.agent.beans;

import dev.opa.agent.config.Settings;
import dev.opa.agent.config.YamlConfigSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.Registry;

/**
 * What every bean class shares: typed settings from application.yaml ({@link #cfg}) and the one Prometheus
 * registry. The bean classes are Camel configuration classes ({@code camel.main.configuration-classes}, one per
 * routes file). Each bean is one {@code @BindToRegistry(value = "<the name the routes use>", lazy = true)} method
 * whose parameters are the beans it needs (found in the registry by type); {@code lazy} makes Camel create a bean
 * on its first lookup, after its own parameters, so the methods may be written in any order. A class's
 * {@code configure} does the start-time work (checks, services); it runs after every class has bound its beans.
 */
abstract class AgentBeans implements CamelConfiguration, CamelContextAware {

    /** camel-micrometer-prometheus serves the registry bound under this name on /metrics. */
    static final String METRICS_REGISTRY = "metricsRegistry";

    protected CamelContext context;
    protected Settings cfg;

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
        if (context.getPropertiesComponent().getPropertiesSource(YamlConfigSource.NAME) == null) {
            // runtimes that do not auto-discover properties sources (Camel JBang) still get application.yaml
            YamlConfigSource yaml = new YamlConfigSource();
            yaml.setCamelContext(context);
            context.getPropertiesComponent().addPropertiesSource(yaml);
        }
        this.cfg = new Settings(context);
        sharedMeterRegistry(context.getRegistry());
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        // nothing to do at start unless a bean class says so
    }

    /**
     * camel-micrometer-prometheus binds its registry as {@value #METRICS_REGISTRY} (and serves it) when it starts
     * first; otherwise this one is bound under that name and it serves this one. Bound eagerly (not a lazy bean):
     * two registries of the same type would make injection by type ambiguous.
     */
    static synchronized PrometheusMeterRegistry sharedMeterRegistry(Registry registry) {
        PrometheusMeterRegistry meters = registry.lookupByNameAndType(METRICS_REGISTRY, PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(METRICS_REGISTRY, meters);
        }
        return meters;
    }

    /** A bean that start-time work needs; created now if nothing asked for it yet. */
    protected <T> T bean(Class<T> type) {
        return context.getRegistry().mandatoryFindSingleByType(type);
    }
}
