package dev.opa.agent.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.Fingerprint;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Tenant;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validates {@code error} (§3.2) and {@code log} (§3.3) messages. */
final class EventReader {

    private static final Pattern VARIABLE_PARTS = Pattern.compile(
            "'[^']*'|\"[^\"]*\"|0x[0-9a-fA-F]+|[0-9a-fA-F]{8,}|\\d+");

    private final Limits limits;

    EventReader(Limits limits) {
        this.limits = limits;
    }

    ErrorEvent error(JsonNode msg, long arrivalMs) throws InvalidMessageException {
        String service = Fields.requiredString(msg, "service");
        String type = Fields.requiredString(msg, "error_type");
        JsonNode messageNode = msg.get("error_message");
        if (messageNode == null || messageNode.isNull()) {
            throw new InvalidMessageException("missing_field", "missing error_message");
        }
        String message = messageNode.isTextual() ? messageNode.textValue() : messageNode.toString();
        String file = Fields.optionalString(msg, "file");
        Integer line = Fields.optionalInt(msg, "line");
        String fingerprint = Fields.optionalString(msg, "fingerprint");
        if (fingerprint == null) {
            fingerprint = fingerprint(type, message, file, line); // from the whole message, before truncation
        }
        message = message.length() > limits.maxDumpChars() ? message.substring(0, limits.maxDumpChars()) : message;
        ObjectNode tags = Fields.object(msg, "tags");
        limits.truncateTagValues(tags);
        return new ErrorEvent(Fields.tenant(msg, tags, "organization_id", Tenant.DEFAULT_ORG),
                Fields.tenant(msg, tags, "project_id", Tenant.DEFAULT_PROJECT), optionalTrace(msg),
                optionalSpan(msg), service, time(msg, "occurred_at_ms", arrivalMs), type, message, file, line,
                fingerprint, Fields.optionalString(msg, "environment"), Fields.optionalString(msg, "release"),
                Fields.array(msg, "stack_trace"), tags);
    }

    LogEvent log(JsonNode msg, long arrivalMs) throws InvalidMessageException {
        String service = Fields.requiredString(msg, "service");
        String level = Fields.requiredString(msg, "level").toUpperCase(Locale.ROOT);
        JsonNode messageNode = msg.get("message");
        if (messageNode == null || messageNode.isNull()) {
            throw new InvalidMessageException("missing_field", "missing message");
        }
        String message = messageNode.isTextual() ? messageNode.textValue() : messageNode.toString();
        if (message.length() > limits.maxDumpChars()) {
            message = message.substring(0, limits.maxDumpChars());
        }
        ObjectNode fields = Fields.object(msg, "fields");
        return new LogEvent(Fields.tenant(msg, fields, "organization_id", Tenant.DEFAULT_ORG),
                Fields.tenant(msg, fields, "project_id", Tenant.DEFAULT_PROJECT), optionalTrace(msg), optionalSpan(msg),
                service, time(msg, "timestamp_ms", arrivalMs), level, message, fields);
    }

    /** Stable grouping key: type, message with variable parts removed, and location. */
    static String fingerprint(String type, String message, String file, Integer line) {
        String normalized = VARIABLE_PARTS.matcher(message).replaceAll("?");
        return Fingerprint.of(type + '\n' + normalized + '\n' + file + ':' + line);
    }

    private static String optionalTrace(JsonNode msg) throws InvalidMessageException {
        String raw = Fields.optionalString(msg, "trace_id");
        return raw == null ? null : Fields.traceId(raw);
    }

    private static String optionalSpan(JsonNode msg) throws InvalidMessageException {
        String raw = Fields.optionalString(msg, "span_id");
        return raw == null ? null : Fields.spanId(raw, "span_id");
    }

    private static long time(JsonNode msg, String field, long arrivalMs) throws InvalidMessageException {
        Double v = Fields.optionalNumber(msg, field);
        return v == null || !Limits.plausibleEpochMs(v, arrivalMs) ? arrivalMs : v.longValue();
    }
}
