package dev.opa.agent.parse;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.wire.Frames;
import dev.opa.agent.wire.Frames.Line;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses JSON lines with Jackson into typed messages by {@code type} (missing or unknown: span, legacy).
 * A line that is not a JSON object counts as a rejected frame ({@code invalid_json}); a message that fails
 * validation counts as a rejected message by reason. Either way the rest of the frame is still accepted.
 * A span's detail fields are never built as trees: {@link DetailScanner} keeps their text as received.
 */
public class MessageParser {

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Reads one value out of a parser that goes on (FAIL_ON_TRAILING_TOKENS would reject the next field). */
    private final ObjectMapper valueMapper = new ObjectMapper();
    private final boolean locateStack;
    private final int maxQueryChars;
    private final SpanReader spans;
    private final DetailScanner scanner;
    private final EventReader events;
    private final IngestMetrics metrics;

    public MessageParser(Limits limits, IngestMetrics metrics) {
        this(limits, metrics, true);
    }

    /** @param locateStack false: every line takes the token path (the reference the tests compare against) */
    MessageParser(Limits limits, IngestMetrics metrics, boolean locateStack) {
        this.locateStack = locateStack;
        this.maxQueryChars = limits.maxQueryChars();
        this.spans = new SpanReader(metrics);
        this.scanner = new DetailScanner(limits, metrics);
        this.events = new EventReader(limits);
        this.metrics = metrics;
    }

    public Parsed parse(Frames frames) {
        long arrival = System.currentTimeMillis();
        List<Span> spanList = new ArrayList<>(frames.lines().size());
        List<ErrorEvent> errors = new ArrayList<>(0);
        List<LogEvent> logs = new ArrayList<>(0);
        for (Line line : frames.lines()) {
            try {
                Message m = readObject(line);
                if (m == null) {
                    metrics.frameRejected("invalid_json", "not a JSON object");
                    continue;
                }
                switch (m.kind()) {
                    case "error" -> errors.add(events.error(m.fields(), arrival));
                    case "log" -> logs.add(events.log(m.fields(), arrival));
                    default -> spanList.add(spans.read(m.fields(), m.detail(), arrival));
                }
            } catch (InvalidMessageException e) {
                metrics.messageRejected(e.reason(), e.getMessage());
            } catch (JsonProcessingException e) {
                metrics.frameRejected("invalid_json", e.getOriginalMessage());
            } catch (IOException e) {
                metrics.frameRejected("invalid_json", e.getMessage());
            } catch (RuntimeException e) { // no input seen in fuzzing gets here; if one does, it costs one line, not the frame
                metrics.frameRejected("invalid_json", "unreadable message: " + e);
            }
        }
        metrics.spansReceived(spanList.size());
        metrics.errorsReceived(errors.size());
        metrics.logsReceived(logs.size());
        return new Parsed(spanList, errors, logs);
    }

    /** A message: its kind, its other fields as a (small) tree, and a span's detail fields as text. */
    private record Message(String kind, ObjectNode fields, DetailScanner.Collector detail) {
    }

    /**
     * One streaming pass over the line. A span's detail fields go to the {@link DetailScanner} (text plus the few
     * values stores need, no trees); everything else becomes a small tree for validation. The kind is known only
     * once {@code type} is read (missing or unknown: span, so detail fields before it are scanned as a span's; an
     * error or log message gets them back as trees). Null when the line is valid JSON but not an object.
     */
    private Message readObject(Line line) throws IOException, InvalidMessageException {
        if (line.stack() != null) {
            return readObject(line, null); // the stack came attached: only the small envelope is read
        }
        StackLocator.Located stack = locateStack
                ? StackLocator.locate(line.buf(), line.off(), line.len(), maxQueryChars) : null;
        return stack == null ? readObject(line, null) : readObject(withoutStack(line, stack), stack);
    }

    /**
     * The line with the stack's text replaced by {@code []}: the rest of a real span is small, so Jackson reads
     * that copy and the stack's bytes are handed over as they are.
     */
    private static Line withoutStack(Line line, StackLocator.Located stack) {
        Line text = stack.text();
        int before = text.off() - line.off();
        int after = line.len() - before - text.len();
        byte[] copy = new byte[before + 2 + after];
        System.arraycopy(line.buf(), line.off(), copy, 0, before);
        copy[before] = '[';
        copy[before + 1] = ']';
        System.arraycopy(line.buf(), text.off() + text.len(), copy, before + 2, after);
        return Line.of(copy);
    }

    /** @param stack the located stack (then {@code line} holds {@code []} in its place), or null */
    private Message readObject(Line line, StackLocator.Located stack) throws IOException, InvalidMessageException {
        try (JsonParser p = mapper.createParser(line.buf(), line.off(), line.len())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                mapper.readTree(line.buf(), line.off(), line.len()); // the JSON error, if any, is the reason; else the caller rejects a non-object
                return null;
            }
            ObjectNode msg = mapper.getNodeFactory().objectNode();
            DetailScanner.Collector detail = scanner.collector();
            boolean scanned = false;
            String kind = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (line.stack() != null && "stack".equals(name)) {
                    throw new InvalidMessageException("attached_stack", "a span with an attached stack has an inline stack too");
                }
                if (stack != null && "stack".equals(name)) {
                    p.skipChildren(); // the [] in its place; the located text is read once the other fields are
                    scanned = true;
                    continue;
                }
                if (DetailScanner.FIELDS.contains(name) && !isEvent(kind)) {
                    detail.field(name, p, line);
                    scanned = true;
                    continue;
                }
                JsonNode node = value(p);
                msg.set(name, node);
                if ("type".equals(name)) {
                    kind = node != null && node.isTextual() ? node.textValue() : null;
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new JsonParseException(p, "unexpected token " + t + " in an object");
            }
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "trailing token after the JSON object");
            }
            if (stack != null) {
                detail.stack(stack.text(), stack.nestedKeys());
            }
            if (line.stack() != null) {
                if (isEvent(kind)) {
                    throw new InvalidMessageException("attached_stack", "a stack is attached to a " + kind + " message");
                }
                detail.attachedStack(line.stack());
            }
            if (isEvent(kind) && scanned) {
                for (String name : DetailScanner.FIELDS) {
                    if (!msg.has(name)) {
                        msg.set(name, mapper.readTree(detail.fieldText(name)));
                    }
                }
            }
            return new Message(isEvent(kind) ? kind : "span", msg, detail);
        }
    }

    /**
     * The value the parser is on as a node: scalars directly (what {@code readTree} gives, without the
     * deserialisation context it sets up per call), containers through {@code readTree}.
     */
    private JsonNode value(JsonParser p) throws IOException {
        JsonNodeFactory nodes = mapper.getNodeFactory();
        return switch (p.currentToken()) {
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> nodes.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> NullNode.getInstance();
            default -> {
                JsonNode node = valueMapper.readTree(p);
                yield node == null ? NullNode.getInstance() : node;
            }
        };
    }

    private static boolean isEvent(String kind) {
        return "error".equals(kind) || "log".equals(kind);
    }
}
