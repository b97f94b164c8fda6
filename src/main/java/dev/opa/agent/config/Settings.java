package dev.opa.agent.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Typed, fail-fast access to configuration keys through Camel's properties component. */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public String string(String key) {
        return properties.resolveProperty(key)
                .map(v -> v.contains("{{") ? properties.parseUri(v) : v)
                .orElseThrow(() -> new IllegalStateException("missing configuration key " + key
                        + " (application.yaml or " + YamlConfigSource.envName(key) + ")"));
    }

    public long longValue(String key) {
        return parse(key, Long::parseLong);
    }

    public int intValue(String key) {
        return parse(key, Integer::parseInt);
    }

    public double doubleValue(String key) {
        return parse(key, Double::parseDouble);
    }

    public boolean bool(String key) {
        return Boolean.parseBoolean(string(key).trim());
    }

    /** Every key below {@code prefix.}, with the prefix removed (for store plug-ins). */
    public Map<String, String> section(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        String p = prefix + ".";
        properties.loadProperties(k -> k.startsWith(p)).stringPropertyNames()
                .forEach(k -> out.put(k.substring(p.length()), string(k)));
        return out;
    }

    private <T> T parse(String key, java.util.function.Function<String, T> parser) {
        String v = string(key).trim();
        try {
            return parser.apply(v);
        } catch (RuntimeException e) {
            throw new IllegalStateException("configuration key " + key + " has a bad value '" + v + "'", e);
        }
    }
}
