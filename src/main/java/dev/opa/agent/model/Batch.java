package dev.opa.agent.model;

import java.util.List;

/** What one store write receives: kept spans (weights set), errors and logs, in arrival order. */
public record Batch(List<Span> spans, List<ErrorEvent> errors, List<LogEvent> logs) {

    public int size() {
        return spans.size() + errors.size() + logs.size();
    }
}
