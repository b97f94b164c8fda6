package dev.opa.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.opa.agent.model.SqlNormalizer;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.model.TraceId;
import dev.opa.agent.ops.RateLimitedLog;
import dev.opa.agent.store.SpanStore;
import dev.opa.agent.store.UnreadableDetailException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.ExchangeProperty;

/** GET /api/traces (search) and /api/traces/{traceId} (one trace with everything recorded for it). */
public final class TracesApi {

    private static final RateLimitedLog UNREADABLE = new RateLimitedLog(60_000);
    private static final Pattern TAG_KEY = Pattern.compile("[A-Za-z0-9_.\\-]{1,100}");

    private final QueryRunner queries;
    private final SpanStore store;
    private final Pages pages;

    /** @param store decodes the call stack of each span row the way it keeps them */
    public TracesApi(QueryRunner queries, SpanStore store) {
        this.queries = queries;
        this.store = store;
        this.pages = new Pages(queries);
    }

    public Map<String, Object> search(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("service", in.text("service"));
        p.put("name", in.text("name"));
        p.put("status", in.choice("status", null, Set.of("ok", "error")));
        Double min = in.nonNegative("min_ms");
        Double max = in.nonNegative("max_ms");
        if (min != null && max != null && min > max) {
            throw new BadRequestException("min_ms must not be greater than max_ms");
        }
        p.put("min_ms", min);
        p.put("max_ms", max);
        p.put("tags", tagFilter(in.all("tag")));
        p.put("q", in.text("q"));
        p.put("sort", in.choice("sort", "time", Set.of("time", "duration")));
        p.put("order", in.choice("order", "desc", Set.of("desc", "asc")));
        return pages.page("traces", p);
    }

    public Map<String, Object> detail(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.tenant();
        String traceId = traceId(in.required("traceId"));
        p.put("trace_id", traceId);
        List<Map<String, Object>> spans = queries.query("trace_spans", p);
        if (spans.isEmpty()) {
            throw new NotFoundException();
        }
        for (Map<String, Object> span : spans) {
            try {
                store.details(span); // record lists the store keeps outside their columns
            } catch (UnreadableDetailException e) {
                for (String column : SpanStore.RECORD_LISTS) {
                    span.put(column, null);
                }
                span.put("detail_error", e.getMessage());
                UNREADABLE.warn("detail", "unreadable", "trace " + traceId + ": " + e.getMessage());
            }
            try {
                span.put("stack", store.stack(span)); // each store keeps stacks its own way
            } catch (StackCodec.UnreadableStackException e) {
                // the rest of the trace is still worth showing; the client is told why the call tree is missing
                span.put("stack", null);
                span.put("stack_error", e.getMessage());
                UNREADABLE.warn("stack", "unreadable", "trace " + traceId + ": " + e.getMessage());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trace_id", traceId);
        out.put("spans", withSqlFingerprints(JsonColumns.parse(spans, "tags", "net", "sql", "http", "cache", "redis",
                "dumps", "file_io", "stack")));
        out.put("n_plus_one_threshold", SqlApi.N_PLUS_ONE_THRESHOLD);
        out.put("errors", JsonColumns.parse(queries.query("trace_errors", p), "stack_trace", "tags"));
        out.put("logs", JsonColumns.parse(queries.query("trace_logs", p), "fields"));
        return out;
    }

    /**
     * Each SQL record of the spans gets the {@code fingerprint} and {@code normalized} text the SQL page groups by
     * ({@link SqlNormalizer}, as the store derived them), so the trace view groups statements as that page does.
     */
    static List<Map<String, Object>> withSqlFingerprints(List<Map<String, Object>> spans) {
        for (Map<String, Object> span : spans) {
            if (span.get("sql") instanceof ArrayNode records) {
                for (JsonNode record : records) {
                    if (record instanceof ObjectNode r && r.get("query") instanceof TextNode query) {
                        SqlNormalizer.Result n = SqlNormalizer.of(query.textValue());
                        r.put("fingerprint", n.fingerprint()).put("normalized", n.normalized());
                    }
                }
            }
        }
        return spans;
    }

    /** The stored form ({@link TraceId#canonical}). */
    static String traceId(String raw) {
        String id = TraceId.canonical(raw);
        if (id == null) {
            throw new BadRequestException("traceId " + TraceId.RULE);
        }
        return id;
    }

    /** {@code key:value} pairs as the JSON array the queries take ({@code [{"k":..,"v":..}]}), NULL when none. */
    static String tagFilter(List<String> tags) {
        if (tags.isEmpty()) {
            return null;
        }
        if (tags.size() > 20) {
            throw new BadRequestException("at most 20 tag filters");
        }
        ArrayNode array = JsonColumns.mapper().createArrayNode();
        for (String tag : tags) {
            int colon = tag.indexOf(':');
            String key = colon < 0 ? "" : tag.substring(0, colon);
            if (!TAG_KEY.matcher(key).matches()) {
                throw new BadRequestException("tag must be key:value with a key of letters, digits, '_', '.', '-'");
            }
            array.addObject().put("k", key).put("v", tag.substring(colon + 1));
        }
        try {
            return JsonColumns.mapper().writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
