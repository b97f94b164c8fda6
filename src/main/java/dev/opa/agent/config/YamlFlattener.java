package dev.opa.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Reads a nested YAML document into flat dotted keys ({@code a: {b: 1}} becomes {@code a.b=1}). */
public final class YamlFlattener {

    private YamlFlattener() {
    }

    public static Map<String, String> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Object doc = new Load(LoadSettings.builder().build()).loadFromInputStream(in);
            Map<String, String> out = new LinkedHashMap<>();
            if (doc != null && !(doc instanceof Map)) {
                throw new IOException(file + ": top level must be a mapping");
            }
            flatten("", doc, out);
            return out;
        }
    }

    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
                flatten(key, e.getValue(), out);
            }
        } else if (node instanceof List<?> list) {
            out.put(prefix, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
        } else if (!prefix.isEmpty()) {
            out.put(prefix, node == null ? "" : String.valueOf(node));
        }
    }
}
