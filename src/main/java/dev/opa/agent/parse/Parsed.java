package dev.opa.agent.parse;

import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import java.util.List;

/** The accepted messages of one {@link dev.opa.agent.wire.Frames}. */
public record Parsed(List<Span> spans, List<ErrorEvent> errors, List<LogEvent> logs) {

    public List<Span> getSpans() {
        return spans;
    }

    public List<ErrorEvent> getErrors() {
        return errors;
    }

    public List<LogEvent> getLogs() {
        return logs;
    }
}
