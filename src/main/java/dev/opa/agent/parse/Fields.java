package dev.opa.agent.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.TraceId;
import java.util.Locale;

/** Typed reads of message fields: required ones throw {@link InvalidMessageException}, optional ones default. */
final class Fields {


    private Fields() {
    }

    static String requiredString(JsonNode msg, String field) throws InvalidMessageException {
        JsonNode v = msg.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidMessageException("missing_field", "missing " + field);
        }
        if (!v.isTextual() || v.textValue().isEmpty()) {
            throw new InvalidMessageException("wrong_type", field + " must be a non-empty string");
        }
        return v.textValue();
    }

    static String optionalString(JsonNode msg, String field) throws InvalidMessageException {
        JsonNode v = msg.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue().isEmpty() ? null : v.textValue();
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        throw new InvalidMessageException("wrong_type", field + " must be a string");
    }

    static Double optionalNumber(JsonNode msg, String field) throws InvalidMessageException {
        JsonNode v = msg.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new InvalidMessageException("wrong_type", field + " must be a number");
        }
        return v.doubleValue();
    }

    static Integer optionalInt(JsonNode msg, String field) {
        JsonNode v = msg == null ? null : msg.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static ObjectNode object(JsonNode msg, String field) {
        JsonNode v = msg.get(field);
        return v != null && v.isObject() ? (ObjectNode) v : JsonNodeFactory.instance.objectNode();
    }

    static ArrayNode array(JsonNode msg, String field) {
        JsonNode v = msg.get(field);
        return v != null && v.isArray() ? (ArrayNode) v : JsonNodeFactory.instance.arrayNode();
    }

    /** The stored form ({@link TraceId#canonical}). */
    static String traceId(String raw) throws InvalidMessageException {
        String id = TraceId.canonical(raw);
        if (id == null) {
            throw new InvalidMessageException("bad_id", "trace_id " + TraceId.RULE);
        }
        return id;
    }

    static String spanId(String raw, String field) throws InvalidMessageException {
        String id = raw.toLowerCase(Locale.ROOT);
        if (!isHex(id) || id.length() > 32) {
            throw new InvalidMessageException("bad_id", field + " must be hex (16 digits)");
        }
        return id;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** The tenant from top-level fields, else from tags, else the defaults. */
    static String tenant(JsonNode msg, JsonNode tags, String field, String fallback) {
        JsonNode v = msg.get(field);
        if (v == null || !v.isTextual() || v.textValue().isEmpty()) {
            v = tags == null ? null : tags.get(field);
        }
        return v != null && v.isTextual() && !v.textValue().isEmpty() ? v.textValue() : fallback;
    }
}
