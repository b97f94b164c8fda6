package dev.opa.agent.store.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import dev.opa.agent.store.DerivedRows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a {@link Batch} into the JSONEachRow body of one INSERT per table (clickhouse-init/ schema).
 * Pure: no I/O, no clock; the same batch always gives the same bytes (the writer's deduplication
 * token relies on it). Times are sent as epoch seconds with milliseconds ({@code 1700000000.123}),
 * which DateTime64(3) parses exactly whatever the server time zone; span durations as integer
 * microseconds (the schema's {@code duration_us}); JSON detail as JSON, stored as its text.
 *
 * <p>A table's rows of one batch go into as many payloads as needed to keep each at most about
 * {@link #MAX_PAYLOAD_BYTES} (a row larger than that is a payload of its own), and the writer gets them one at a
 * time ({@link #encode(Batch, PayloadSink)}): a batch of real full captures is 100+ MB of JSON detail (a batch
 * cut at {@code opa.batch.max-bytes}, 8 MB of heap, held 353 WordPress requests, their call stacks LZ4-compressed),
 * so one body per table made the write need several times the agent's heap.
 */
public final class ClickHouseBatchEncoder {

    /** Input settings every insert of these payloads needs (the writer sends them; so does the harness). */
    public static final Map<String, String> INSERT_SETTINGS = Map.of(
            "input_format_json_read_objects_as_strings", "1",
            "input_format_json_read_arrays_as_strings", "1");

    /** A payload is cut once it holds this many bytes (4 MiB): the heap one insert needs stays a few MB. */
    public static final int MAX_PAYLOAD_BYTES = 4 << 20;

    private final ObjectMapper mapper;
    private final JsonFactory factory;
    private final int maxPayloadBytes;

    public ClickHouseBatchEncoder(ObjectMapper mapper) {
        this(mapper, MAX_PAYLOAD_BYTES);
    }

    /** @param maxPayloadBytes a payload is cut once it holds this many bytes */
    public ClickHouseBatchEncoder(ObjectMapper mapper, int maxPayloadBytes) {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + maxPayloadBytes);
        }
        this.mapper = mapper;
        this.factory = mapper.getFactory();
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Takes each payload as soon as it is encoded (the writer sends it before the next is encoded). */
    @FunctionalInterface
    public interface PayloadSink {
        void accept(InsertPayload payload) throws Exception;
    }

    /**
     * The payloads of the batch, one at a time into {@code sink}: tables with no rows left out, in a fixed table
     * order, a table's rows in batch order. Stops at the first exception of the sink and throws it.
     */
    public void encode(Batch batch, PayloadSink sink) throws Exception {
        add(sink, "spans_min", batch.spans(), this::spanMin);
        add(sink, "spans_full", batch.spans(), this::spanFull);
        add(sink, "sql_queries", derived(batch, DerivedRows::sql), this::sqlRow);
        add(sink, "http_calls", derived(batch, DerivedRows::http), this::httpRow);
        add(sink, "dumps", derived(batch, DerivedRows::dumps), this::dumpRow);
        add(sink, "errors", batch.errors(), this::error);
        add(sink, "logs", batch.logs(), this::log);
    }

    /** All payloads of the batch at once (tests, the data set export); the writer uses {@link #encode(Batch, PayloadSink)}. */
    public List<InsertPayload> encode(Batch batch) {
        List<InsertPayload> out = new ArrayList<>();
        try {
            encode(batch, out::add);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // out::add throws nothing checked
        }
        return out;
    }

    /** A row derived from a span (DerivedRows), with the span it belongs to. */
    record Derived<R>(Span span, R row) {
    }

    private static <R> List<Derived<R>> derived(Batch batch, Function<Span, List<R>> rows) {
        List<Derived<R>> out = new ArrayList<>();
        for (Span span : batch.spans()) {
            for (R row : rows.apply(span)) {
                out.add(new Derived<>(span, row));
            }
        }
        return out;
    }

    @FunctionalInterface
    interface RowWriter<T> {
        void write(JsonGenerator g, T row) throws IOException;
    }

    <T> void add(PayloadSink sink, String table, List<T> rows, RowWriter<T> writer) throws Exception {
        if (rows.isEmpty()) {
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(Math.min(rows.size() * 256, maxPayloadBytes) + 1024);
        int inBuf = 0;
        try (JsonGenerator g = factory.createGenerator(buf)) {
            g.setRootValueSeparator(null);
            for (T row : rows) {
                g.writeStartObject();
                writer.write(g, row);
                g.writeEndObject();
                g.writeRaw('\n');
                inBuf++;
                if (buf.size() + g.getOutputBuffered() >= maxPayloadBytes) {
                    g.flush();
                    sink.accept(new InsertPayload(table, buf.toByteArray(), inBuf));
                    buf.reset();
                    inBuf = 0;
                }
            }
            g.flush();
        }
        if (inBuf > 0) {
            sink.accept(new InsertPayload(table, buf.toByteArray(), inBuf));
        }
    }

    private void spanMin(JsonGenerator g, Span s) throws IOException {
        tenant(g, s.organizationId(), s.projectId());
        g.writeStringField("trace_id", s.traceId());
        g.writeStringField("span_id", s.spanId());
        g.writeStringField("parent_id", s.parentId());
        g.writeStringField("service", s.service());
        g.writeStringField("name", s.name());
        time(g, "start_ts", s.startMs());
        time(g, "end_ts", s.endMs());
        g.writeNumberField("duration_us", micros(s.durationMs()));
        g.writeNumberField("cpu_us", micros(s.cpuMs()));
        g.writeStringField("status", s.status());
        g.writeStringField("http_method", s.httpMethod());
        g.writeStringField("http_route", s.httpRoute());
        nullableInt(g, "http_status", httpStatus(s.httpStatus()));
        g.writeNumberField("sql_count", DerivedRows.sqlCount(s));
        g.writeNumberField("http_count", DerivedRows.httpCount(s));
        g.writeNumberField("cache_count", DerivedRows.cacheCount(s));
        g.writeNumberField("sample_weight", s.sampleWeight());
        g.writeNumberField("is_entry", s.isEntry() ? 1 : 0);
        g.writeNumberField("sql_us", micros(s.detail().sqlMs()));
        g.writeNumberField("http_us", micros(s.detail().httpMs()));
    }

    private void spanFull(JsonGenerator g, Span s) throws IOException {
        tenant(g, s.organizationId(), s.projectId());
        g.writeStringField("trace_id", s.traceId());
        g.writeStringField("span_id", s.spanId());
        g.writeStringField("service", s.service());
        time(g, "start_ts", s.startMs());
        g.writeStringField("language", s.language());
        g.writeStringField("language_version", s.languageVersion());
        g.writeStringField("framework", s.framework());
        g.writeStringField("framework_version", s.frameworkVersion());
        // the text as received when the parser kept it (no second serialisation), else the tree
        jsonText(g, "tags", s.detail().tags(), "{}");
        jsonText(g, "net", s.detail().net(), "{}");
        jsonText(g, "sql", s.detail().sql(), "[]");
        jsonText(g, "http", s.detail().http(), "[]");
        jsonText(g, "cache", s.detail().cache(), "[]");
        jsonText(g, "redis", s.detail().redis(), "[]");
        jsonText(g, "dumps", s.detail().dumps(), "[]");
        jsonText(g, "stack", s.detail().stack(), "[]");
        jsonText(g, "file_io", s.detail().fileIo(), "[]");
    }

    private void sqlRow(JsonGenerator g, Derived<DerivedRows.SqlRow> d) throws IOException {
        DerivedRows.SqlRow r = d.row();
        spanKeys(g, d.span());
        time(g, "start_ts", r.startMs());
        g.writeStringField("fingerprint", r.fingerprint());
        g.writeStringField("normalized", r.normalized());
        g.writeStringField("query", r.query());
        g.writeStringField("db_system", r.dbSystem());
        g.writeNumberField("duration_ms", r.durationMs());
        nullableInt(g, "rows", r.rows());
        g.writeNumberField("sample_weight", d.span().sampleWeight());
    }

    private void httpRow(JsonGenerator g, Derived<DerivedRows.HttpRow> d) throws IOException {
        DerivedRows.HttpRow r = d.row();
        spanKeys(g, d.span());
        time(g, "start_ts", r.startMs());
        g.writeStringField("method", r.method());
        g.writeStringField("url", r.url());
        g.writeStringField("host", r.host());
        g.writeStringField("path_template", r.pathTemplate());
        nullableInt(g, "status_code", r.statusCode());
        g.writeNumberField("duration_ms", r.durationMs());
        nullableInt(g, "bytes_sent", r.bytesSent());
        nullableInt(g, "bytes_received", r.bytesReceived());
        g.writeStringField("error", r.error());
        g.writeNumberField("sample_weight", d.span().sampleWeight());
    }

    private void dumpRow(JsonGenerator g, Derived<DerivedRows.DumpRow> d) throws IOException {
        DerivedRows.DumpRow r = d.row();
        spanKeys(g, d.span());
        time(g, "ts", r.tsMs());
        g.writeStringField("file", r.file());
        nullableInt(g, "line", r.line());
        g.writeStringField("data", r.data());
        g.writeStringField("text", r.text());
    }

    /** Tenant, trace, span and service of the span a derived row belongs to. */
    private static void spanKeys(JsonGenerator g, Span s) throws IOException {
        tenant(g, s.organizationId(), s.projectId());
        g.writeStringField("trace_id", s.traceId());
        g.writeStringField("span_id", s.spanId());
        g.writeStringField("service", s.service());
    }

    private void error(JsonGenerator g, ErrorEvent e) throws IOException {
        tenant(g, e.organizationId(), e.projectId());
        g.writeStringField("trace_id", e.traceId());
        g.writeStringField("span_id", e.spanId());
        g.writeStringField("service", e.service());
        time(g, "occurred_at", e.occurredAtMs());
        g.writeStringField("error_type", e.errorType());
        g.writeStringField("error_message", e.errorMessage());
        g.writeStringField("file", e.file());
        nullableInt(g, "line", e.line());
        g.writeStringField("fingerprint", e.fingerprint());
        g.writeStringField("environment", e.environment());
        g.writeStringField("release", e.release());
        json(g, "stack_trace", e.stackTrace(), null);
        json(g, "tags", e.tags(), null);
    }

    private void log(JsonGenerator g, LogEvent l) throws IOException {
        tenant(g, l.organizationId(), l.projectId());
        g.writeStringField("trace_id", l.traceId());
        g.writeStringField("span_id", l.spanId());
        g.writeStringField("service", l.service());
        time(g, "ts", l.timestampMs());
        g.writeStringField("level", l.level());
        g.writeStringField("message", l.message());
        json(g, "fields", l.fields(), null);
    }

    static void tenant(JsonGenerator g, String org, String project) throws IOException {
        g.writeStringField("organization_id", org);
        g.writeStringField("project_id", project);
    }

    /** Epoch ms as epoch seconds with three decimals, written as a JSON number. */
    static void time(JsonGenerator g, String field, long epochMs) throws IOException {
        g.writeFieldName(field);
        long millis = Math.floorMod(epochMs, 1000);
        String fraction = millis < 10 ? ".00" : millis < 100 ? ".0" : ".";
        g.writeNumber(Math.floorDiv(epochMs, 1000) + fraction + millis);
    }

    static void nullableInt(JsonGenerator g, String field, Number value) throws IOException {
        g.writeFieldName(field);
        if (value == null) {
            g.writeNull();
        } else {
            g.writeNumber(value.longValue());
        }
    }

    /**
     * The column is UInt16: a value outside it would make the server refuse the whole batch (negative) or
     * store a wrapped number, so it is stored as unknown.
     */
    static Integer httpStatus(Integer status) {
        return status == null || status < 0 || status > 65535 ? null : status;
    }

    /** Milliseconds to whole microseconds, never negative. */
    static long micros(double ms) {
        return Double.isFinite(ms) && ms > 0 ? Math.round(ms * 1000.0) : 0L;
    }

    /**
     * JSON text of a detail field: an object or array goes in raw (stored verbatim, see
     * {@link #INSERT_SETTINGS}); anything else as a JSON string holding the text.
     */
    private static void jsonText(JsonGenerator g, String field, String text, String whenMissing) throws IOException {
        g.writeFieldName(field);
        String t = text == null ? whenMissing : text.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            g.writeRawValue(t);
        } else {
            g.writeString(t);
        }
    }

    /**
     * JSON detail written as JSON (not as an escaped string): with {@link #INSERT_SETTINGS} the server
     * stores an object or array value's text verbatim in the String column. One serialisation pass and
     * no escaping of every quote. {@code whenMissing} ({@code "{}"}, {@code "[]"} or null) for a missing node.
     */
    private void json(JsonGenerator g, String field, JsonNode node, String whenMissing) throws IOException {
        g.writeFieldName(field);
        if (node != null && !node.isNull() && !node.isMissingNode()) {
            if (node.isContainerNode()) {
                g.writeTree(node);
            } else {
                g.writeString(mapper.writeValueAsString(node)); // a scalar detail: keep it as JSON text
            }
        } else if (whenMissing == null) {
            g.writeNull();
        } else {
            g.writeRawValue(whenMissing);
        }
    }
}
