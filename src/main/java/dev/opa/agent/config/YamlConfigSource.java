package dev.opa.agent.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Ordered;
import org.apache.camel.spi.LoadablePropertiesSource;

/**
 * Makes application.yaml the Camel property source (camel-main reads only .properties). Discovered by
 * Camel's properties component through META-INF/services/org/apache/camel/properties-source-factory, so
 * the same file configures {@code java -jar}, tests and Camel JBang.
 *
 * <p>Each key can be overridden by {@code -Dkey} or by the environment variable named by {@link #envName};
 * {@code OPA_STORE} is an alias of {@code opa.store.type}. {@code opa.tcp.host} and {@code opa.tcp.port}
 * are derived from {@code opa.tcp.listen} (whatever source won for it).
 */
public class YamlConfigSource implements LoadablePropertiesSource, CamelContextAware, Ordered {

    public static final String NAME = "opa-application-yaml";
    private static final Map<String, String> ENV_ALIASES = Map.of("opa.store.type", "OPA_STORE");

    private final Map<String, String> values;
    private CamelContext camelContext;

    public YamlConfigSource() {
        this(configFile());
    }

    public YamlConfigSource(Path file) {
        try {
            this.values = Files.exists(file) ? YamlFlattener.read(file) : Map.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + file.toAbsolutePath(), e);
        }
    }

    public static Path configFile() {
        String explicit = System.getProperty("opa.config", System.getenv("OPA_CONFIG"));
        return Path.of(explicit == null || explicit.isBlank() ? "application.yaml" : explicit);
    }

    /** The environment variable that overrides a key: upper case, '.' and '-' become '_'. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getProperty(String name) {
        if ("opa.tcp.host".equals(name) || "opa.tcp.port".equals(name)) {
            ListenAddress address = ListenAddress.parse(listenValue());
            return name.endsWith("host") ? address.host() : String.valueOf(address.port());
        }
        return values.containsKey(name) ? effective(name) : null;
    }

    private String listenValue() {
        if (camelContext != null) {
            return camelContext.getPropertiesComponent().resolveProperty("opa.tcp.listen").orElse("127.0.0.1:9090");
        }
        String v = effective("opa.tcp.listen");
        return v == null ? "127.0.0.1:9090" : v;
    }

    /** The value after -D and environment overrides. */
    String effective(String key) {
        String v = System.getProperty(key);
        if (v == null) {
            v = System.getenv(envName(key));
        }
        if (v == null && ENV_ALIASES.containsKey(key)) {
            v = System.getenv(ENV_ALIASES.get(key));
        }
        return v != null ? v : values.get(key);
    }

    @Override
    public Properties loadProperties() {
        return loadProperties(k -> true);
    }

    @Override
    public Properties loadProperties(Predicate<String> filter) {
        Properties p = new Properties();
        for (String key : values.keySet()) {
            if (filter.test(key)) {
                p.setProperty(key, effective(key));
            }
        }
        return p;
    }

    @Override
    public void reloadProperties(String location) {
        // the file is read once at start
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST - 100;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }
}
