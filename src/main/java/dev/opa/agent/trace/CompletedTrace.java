package dev.opa.agent.trace;

import dev.opa.agent.model.Span;
import java.util.List;

/**
 * The spans of one trace leaving the tail buffer. {@code late} marks spans that arrived after their trace
 * had completed: they follow the decision already taken for it.
 */
public record CompletedTrace(String traceId, List<Span> spans, boolean late) {
}
