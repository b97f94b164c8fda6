package dev.opa.agent.store;

import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Creates the store chosen by {@code opa.store.type} ({@code duckdb} or {@code clickhouse}), or the class
 * named by {@code opa.store.class} when set (the type then still names the SQL dialect the REST API reads
 * with). Stores other than DuckDB plug in by class name: a public class
 * with a constructor taking the {@code opa.store.*} settings (keys without the prefix, e.g.
 * {@code clickhouse.url}) as a {@code Map<String, String>}.
 */
public final class SpanStoreFactory {

    static final Map<String, String> PLUGGED = Map.of(
            "clickhouse", "dev.opa.agent.store.clickhouse.ClickHouseSpanStore");

    private SpanStoreFactory() {
    }

    public static SpanStore create(Map<String, String> storeSettings) {
        String type = storeSettings.getOrDefault("type", "duckdb").trim().toLowerCase(java.util.Locale.ROOT);
        String customClass = storeSettings.getOrDefault("class", "").trim();
        if (!customClass.isEmpty()) {
            return instantiate(type, customClass, storeSettings);
        }
        if (type.equals("duckdb")) {
            return new DuckDbSpanStore(java.nio.file.Path.of(storeSettings.get("duckdb.file")),
                    Integer.parseInt(storeSettings.getOrDefault("duckdb.read-pool-size", "4")),
                    DuckDbSpanStore.settings(storeSettings.getOrDefault("duckdb.memory-limit", ""),
                            storeSettings.getOrDefault("duckdb.checkpoint-threshold", ""),
                            storeSettings.getOrDefault("duckdb.threads", "")));
        }
        String className = PLUGGED.get(type);
        if (className == null) {
            throw new IllegalArgumentException("unknown store type '" + type + "' (opa.store.type / OPA_STORE): use "
                    + "duckdb or clickhouse");
        }
        return instantiate(type, className, storeSettings);
    }

    private static SpanStore instantiate(String type, String className, Map<String, String> storeSettings) {
        try {
            return (SpanStore) Class.forName(className).getConstructor(Map.class).newInstance(storeSettings);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("store type '" + type + "' needs " + className
                    + "(Map<String,String>), which is not available in this build", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create the " + type + " store: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the " + type + " store", e);
        }
    }
}
