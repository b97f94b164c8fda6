package dev.opa.agent.store;

import dev.opa.agent.store.clickhouse.ClickHouseSettings;
import dev.opa.agent.store.clickhouse.ClickHouseSpanStore;
import dev.opa.agent.store.duckdb.DuckDbSettings;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Map;

/**
 * Creates the store chosen by {@code opa.store.type} ({@code duckdb} or {@code clickhouse}) from its own settings
 * ({@link DuckDbSettings}, {@link ClickHouseSettings}), or the class named by {@code opa.store.class} when set (the
 * type then still names the SQL dialect the REST API reads with): a public class with a constructor taking the
 * {@code opa.store.*} settings (keys without the prefix, e.g. {@code duckdb.file}) as a {@code Map<String, String>}.
 */
public final class SpanStoreFactory {

    private SpanStoreFactory() {
    }

    public static SpanStore create(Map<String, String> storeSettings) {
        String type = storeSettings.getOrDefault("type", "duckdb").trim().toLowerCase(Locale.ROOT);
        String customClass = storeSettings.getOrDefault("class", "").trim();
        if (!customClass.isEmpty()) {
            return plugIn(type, customClass, storeSettings);
        }
        return switch (type) {
            case "duckdb" -> new DuckDbSpanStore(DuckDbSettings.fromStoreSettings(storeSettings));
            case "clickhouse" -> new ClickHouseSpanStore(storeSettings);
            default -> throw new IllegalArgumentException("unknown store type '" + type
                    + "' (opa.store.type / OPA_STORE): use duckdb or clickhouse");
        };
    }

    private static SpanStore plugIn(String type, String className, Map<String, String> storeSettings) {
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
