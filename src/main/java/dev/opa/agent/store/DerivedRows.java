package dev.opa.agent.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opa.agent.model.Span;
import dev.opa.agent.trace.PathTemplater;
import dev.opa.agent.trace.SqlNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Store-neutral derivation of the per-statement, per-call and per-dump rows of a span (and its counts),
 * used by every {@link SpanStore} so DuckDB and ClickHouse fill the same columns the same way.
 * Records listed on the span win; when the span has none, those nested in its call nodes are used.
 */
public final class DerivedRows {

    /** One SQL statement of a span. */
    public record SqlRow(long startMs, String fingerprint, String normalized, String query, String dbSystem,
            double durationMs, Long rows) {
    }

    /** One outgoing HTTP call of a span. */
    public record HttpRow(long startMs, String method, String url, String host, String pathTemplate,
            Integer statusCode, double durationMs, Long bytesSent, Long bytesReceived, String error) {
    }

    /** One dump of a span. */
    public record DumpRow(long tsMs, String file, Integer line, String data, String text) {
    }

    private DerivedRows() {
    }

    public static List<SqlRow> sql(Span span) {
        List<SqlRow> out = new ArrayList<>();
        forEachRecord(span.sql(), span.stack(), "sql_queries", r -> {
            String query = text(r, "query");
            if (query == null) {
                return;
            }
            SqlNormalizer.Result n = SqlNormalizer.of(query);
            out.add(new SqlRow(recordStart(r, span.startMs()), n.fingerprint(), n.normalized(), query,
                    text(r, "db_system"), number(r, "duration_ms"), longOrNull(r, "rows")));
        });
        return out;
    }

    public static List<HttpRow> http(Span span) {
        List<HttpRow> out = new ArrayList<>();
        forEachRecord(span.http(), span.stack(), "http_requests", r -> {
            String url = text(r, "url");
            if (url == null) {
                return;
            }
            PathTemplater.Target t = PathTemplater.of(url);
            JsonNode status = r.get("status_code");
            out.add(new HttpRow(recordStart(r, span.startMs()), text(r, "method"), url, t.host(), t.pathTemplate(),
                    status != null && status.isNumber() ? status.intValue() : null, number(r, "duration_ms"),
                    longOrNull(r, "bytes_sent"), longOrNull(r, "bytes_received"), errorText(r.get("error"))));
        });
        return out;
    }

    public static List<DumpRow> dumps(Span span) {
        List<DumpRow> out = new ArrayList<>();
        for (JsonNode d : span.dumps()) {
            JsonNode data = d.get("data");
            JsonNode line = d.get("line");
            out.add(new DumpRow(recordStart(d, span.startMs()), text(d, "file"),
                    line != null && line.canConvertToInt() ? line.intValue() : null,
                    data == null || data.isNull() ? null : data.isTextual() ? data.textValue() : data.toString(),
                    text(d, "text")));
        }
        return out;
    }

    public static int sqlCount(Span span) {
        return count(span.sql(), span.stack(), "sql_queries");
    }

    public static int httpCount(Span span) {
        return count(span.http(), span.stack(), "http_requests");
    }

    public static int cacheCount(Span span) {
        return count(span.cache(), span.stack(), "cache_operations") + count(span.redis(), span.stack(), "redis_operations");
    }

    private static int count(JsonNode direct, JsonNode stack, String nestedField) {
        if (direct.size() > 0) {
            return direct.size();
        }
        int n = 0;
        for (JsonNode node : stack) {
            JsonNode nested = node.get(nestedField);
            n += nested != null && nested.isArray() ? nested.size() : 0;
        }
        return n;
    }

    private static void forEachRecord(JsonNode direct, JsonNode stack, String nestedField, Consumer<JsonNode> action) {
        if (direct.size() > 0) {
            direct.forEach(r -> { if (r.isObject()) action.accept(r); });
            return;
        }
        for (JsonNode node : stack) {
            JsonNode nested = node.get(nestedField);
            if (nested != null && nested.isArray()) {
                nested.forEach(r -> { if (r.isObject()) action.accept(r); });
            }
        }
    }

    /** {@code start_ts} (epoch ms) or the legacy {@code timestamp} (epoch seconds, or ms when large). */
    static long recordStart(JsonNode r, long fallbackMs) {
        JsonNode start = r.get("start_ts");
        if (start != null && start.isNumber()) {
            return (long) start.doubleValue();
        }
        JsonNode ts = r.get("timestamp");
        if (ts != null && ts.isNumber()) {
            double v = ts.doubleValue();
            return (long) (v < 1e11 ? v * 1000 : v);
        }
        return fallbackMs;
    }

    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    private static double number(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v != null && v.isNumber() ? v.doubleValue() : 0.0;
    }

    private static Long longOrNull(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v != null && v.isNumber() ? v.longValue() : null;
    }

    private static String errorText(JsonNode error) {
        if (error == null || error.isNull() || (error.isBoolean() && !error.booleanValue())) {
            return null;
        }
        return error.isTextual() ? error.textValue() : error.toString();
    }
}
