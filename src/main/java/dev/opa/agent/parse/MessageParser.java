package dev.opa.agent.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.wire.Frames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses JSON lines with Jackson into typed messages by {@code type} (missing or unknown: span, legacy).
 * A line that is not a JSON object counts as a rejected frame ({@code invalid_json}); a message that fails
 * validation counts as a rejected message by reason. Either way the rest of the frame is still accepted.
 */
public class MessageParser {

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final SpanReader spans;
    private final EventReader events;
    private final IngestMetrics metrics;

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
                JsonNode msg = mapper.readTree(line);
                if (msg == null || !msg.isObject()) {
                    metrics.frameRejected("invalid_json", "not a JSON object");
                    continue;
                }
                JsonNode type = msg.get("type");
                String kind = type != null && type.isTextual() ? type.textValue() : "span";
                switch (kind) {
                    case "error" -> errors.add(events.error(msg, arrival));
                    case "log" -> logs.add(events.log(msg, arrival));
                    default -> spanList.add(spans.read(msg, arrival));
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
}
