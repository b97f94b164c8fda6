package dev.opa.agent.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/** Truncates over-long strings in place (protocol §4: truncated, not rejected). */
public record Limits(int maxQueryChars, int maxDumpChars, int maxTagChars) {

    static final long MIN_VALID_MS = 978_307_200_000L; // 2001-01-01T00:00:00Z
    static final long MAX_FUTURE_MS = 24L * 3600 * 1000;

    /** Returns true when something was cut. */
    boolean truncateField(JsonNode record, String field, int max) {
        if (record instanceof ObjectNode obj) {
            JsonNode v = obj.get(field);
            if (v != null && v.isTextual() && v.textValue().length() > max) {
                obj.put(field, v.textValue().substring(0, max));
                return true;
            }
        }
        return false;
    }

    boolean truncateTagValues(ObjectNode tags) {
        boolean cut = false;
        Iterator<Map.Entry<String, JsonNode>> it = tags.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual() && e.getValue().textValue().length() > maxTagChars) {
                e.setValue(tags.textNode(e.getValue().textValue().substring(0, maxTagChars)));
                cut = true;
            } else if (e.getValue() instanceof ObjectNode nested) {
                cut |= truncateTagValues(nested);
            }
        }
        return cut;
    }

    static boolean plausibleEpochMs(double ms, long arrivalMs) {
        return ms >= MIN_VALID_MS && ms <= arrivalMs + MAX_FUTURE_MS;
    }
}
