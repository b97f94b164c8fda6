package dev.opa.agent.parse;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.wire.Frames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses JSON lines with Jackson into typed messages by {@code type} (missing or unknown: span, legacy).
 * A line that is not a JSON object counts as a rejected frame ({@code invalid_json}); a message that fails
 * validation counts as a rejected message by reason. Either way the rest of the frame is still accepted.
 * The text of a message's detail fields ({@link #DETAIL_FIELDS}) is kept as received next to the tree, so the
 * store writes it without serialising the tree again.
 */
public class MessageParser {

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Reads one value out of a parser that goes on (FAIL_ON_TRAILING_TOKENS would reject the next field). */
    private final ObjectMapper valueMapper = new ObjectMapper();
    private final SpanReader spans;
    private final EventReader events;
    private final IngestMetrics metrics;

    /** Top-level fields whose JSON text is kept as received (objects/arrays; see {@link Span.ReceivedJson}). */
    static final Set<String> DETAIL_FIELDS = Set.of("tags", "net", "sql", "http", "cache", "redis", "dumps", "stack");

    public MessageParser(Limits limits, IngestMetrics metrics) {
        this.spans = new SpanReader(limits, metrics);
        this.events = new EventReader(limits);
        this.metrics = metrics;
    }

    public Parsed parse(Frames frames) {
        long arrival = System.currentTimeMillis();
        List<Span> spanList = new ArrayList<>(frames.lines().size());
        List<ErrorEvent> errors = new ArrayList<>(0);
        List<LogEvent> logs = new ArrayList<>(0);
        for (byte[] line : frames.lines()) {
            try {
                Map<String, String> received = new HashMap<>(8);
                JsonNode msg = readObject(line, received);
                if (msg == null || !msg.isObject()) {
                    metrics.frameRejected("invalid_json", "not a JSON object");
                    continue;
                }
                JsonNode type = msg.get("type");
                String kind = type != null && type.isTextual() ? type.textValue() : "span";
                switch (kind) {
                    case "error" -> errors.add(events.error(msg, arrival));
                    case "log" -> logs.add(events.log(msg, arrival));
                    default -> spanList.add(spans.read(msg, received, arrival));
                }
            } catch (InvalidMessageException e) {
                metrics.messageRejected(e.reason(), e.getMessage());
            } catch (JsonProcessingException e) {
                metrics.frameRejected("invalid_json", e.getOriginalMessage());
            } catch (IOException e) {
                metrics.frameRejected("invalid_json", e.getMessage());
            }
        }
        metrics.spansReceived(spanList.size());
        metrics.errorsReceived(errors.size());
        metrics.logsReceived(logs.size());
        return new Parsed(spanList, errors, logs);
    }

    /**
     * The line as a tree; for an object, also the exact text of its container-valued detail fields (byte
     * offsets of a UTF-8 parse). Anything but an object is read as before (and then rejected by the caller).
     */
    private JsonNode readObject(byte[] line, Map<String, String> received) throws IOException {
        try (JsonParser p = valueMapper.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return mapper.readTree(line);
            }
            ObjectNode msg = mapper.getNodeFactory().objectNode();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                long start = p.getTokenLocation().getByteOffset();
                JsonNode node = valueMapper.readTree(p);
                msg.set(name, node == null ? NullNode.getInstance() : node);
                if (DETAIL_FIELDS.contains(name)) {
                    long end = p.getCurrentLocation().getByteOffset();
                    boolean container = value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY;
                    received.put(name, container && start >= 0 && end > start && end <= line.length
                            ? new String(line, (int) start, (int) (end - start), StandardCharsets.UTF_8) : null);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new JsonParseException(p, "unexpected token " + t + " in an object");
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "trailing token after the JSON object");
            }
            return msg;
        }
    }
}
