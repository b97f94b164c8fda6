package dev.opa.agent.testkit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Span;
import dev.opa.agent.model.SpanDetail;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.model.Tenant;
import dev.opa.agent.parse.DetailScanner;
import dev.opa.agent.parse.Limits;
import dev.opa.agent.wire.Frames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The test kit's one span builder: a span as the extension sends it ({@link #message()}, docs/protocol.md §3.1) and as
 * the pipeline hands it to a store ({@link #toSpan()}, its detail read by the parser's {@link DetailScanner}), from
 * the same fields. Unset fields keep neutral defaults; the starting points ({@link #of}, {@link #request},
 * {@link #webRequest}) only differ in which fields they fill.
 */
public final class TestSpan {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String ORG = Tenant.DEFAULT_ORG;
    public static final String PROJECT = Tenant.DEFAULT_PROJECT;
    /** A fixed start (2023-11-14T22:13:20Z) for tests that do not go through the parser's time repair. */
    public static final long T0 = 1_700_000_000_000L;

    private static final DetailScanner NO_LIMITS =
            new DetailScanner(new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), null);
    private static final String[] DETAIL = {"tags", "net", "sql", "http", "cache", "redis", "dumps", "file_io", "stack"};

    private String org = ORG;
    private String project = PROJECT;
    private final String traceId;
    private final String spanId;
    private String parentId;
    private String service = "svc";
    private String name = "GET /";
    private long startMs = T0;
    private double durationMs = 10;
    private Long endMs;
    private double cpuMs;
    private String status = "ok";
    private String httpMethod;
    private String httpRoute;
    private Integer httpStatus;
    private String language;
    private String languageVersion;
    private String framework;
    private String frameworkVersion;
    private final ObjectNode detail = JSON.createObjectNode();
    private final ObjectNode extra = JSON.createObjectNode();
    private double weight = 1.0;

    private TestSpan(String traceId, String spanId) {
        this.traceId = traceId;
        this.spanId = spanId;
        for (String field : DETAIL) {
            if (field.equals("tags") || field.equals("net")) {
                detail.putObject(field);
            } else {
                detail.putArray(field);
            }
        }
    }

    /** A bare span: service "svc", "GET /" at {@link #T0} for 10 ms, ok, nothing recorded. */
    public static TestSpan of(String traceId, String spanId) {
        return new TestSpan(traceId, spanId);
    }

    /** A span named "child" under {@code parentId}. */
    public static TestSpan child(String traceId, String spanId, String parentId, String service, long startMs,
            double durationMs) {
        return of(traceId, spanId).parent(parentId).service(service).name("child").start(startMs).duration(durationMs);
    }

    /**
     * A span serving a request named "METHOD /route": CPU half the duration, HTTP method from the name, status
     * 500 when it failed else 200, PHP 8.3.
     */
    public static TestSpan request(String traceId, String spanId, String service, String name, long startMs,
            double durationMs, String status) {
        int space = name.indexOf(' ');
        return of(traceId, spanId).service(service).name(name).start(startMs).duration(durationMs).cpu(durationMs / 2)
                .status(status).http(space > 0 ? name.substring(0, space) : null, null, "error".equals(status) ? 500 : 200)
                .language("php", "8.3");
    }

    /**
     * Span number {@code n} of the store tests: trace and span id {@code n}, "GET /x" of "svc" at {@link #T0} + n for
     * 10 ms (2 ms CPU), GET /x 200, PHP 8.2, tag env=t and one dump.
     */
    public static TestSpan numbered(int n) {
        TestSpan s = of(TestIds.traceId(n), TestIds.spanId(n)).name("GET /x").start(T0 + n).duration(10).cpu(2)
                .http("GET", "/x", 200).language("php", "8.2").tag("env", "t");
        s.dumpsArray().addObject().put("timestamp", T0 + n).put("file", "a.php").put("line", 3).put("data", "{\"k\":1}")
                .put("text", "k=1");
        return s;
    }

    /**
     * A web root span as the extension reports one: "GET /users/{id}" with request and response tags, one SQL
     * statement, one outgoing call, one dump, a two-node call stack and a field the agent ignores.
     */
    public static TestSpan webRequest(String traceId, String spanId, String service, long startMs, double durationMs,
            String status) {
        TestSpan s = of(traceId, spanId).service(service).name("GET /users/{id}").start(startMs).duration(durationMs)
                .cpu(1.5).status(status).language("php", "8.2.7");
        s.extra.putObject("unknown_field").put("ignored", true);
        ObjectNode tags = s.tags();
        tags.putObject("http_request").put("method", "GET").put("uri", "/users/42");
        tags.putObject("http_response").put("status_code", 200);
        tags.put("env", "test");
        s.net().put("bytes_sent", 10).put("bytes_received", 20);
        s.sqlArray().addObject().put("query", "SELECT * FROM users WHERE id = 42 AND name = 'bob'").put("db_system", "mysql")
                .put("duration_ms", 0.8).put("rows", 1).put("timestamp", startMs / 1000);
        s.httpCall("POST", "https://api.example.com/v1/orders/12345?x=1", 201, 3.5);
        s.dumpsArray().addObject().put("timestamp", startMs).put("file", "/app/x.php").put("line", 7)
                .put("data", "{\"a\":1}").put("text", "a=1");
        ArrayNode stack = s.stackArray();
        stack.addObject().put("call_id", "0000000000000001").putNull("parent_id").put("function", "main")
                .put("duration_ms", durationMs).put("cpu_ms", 1).put("memory_delta", 0);
        stack.addObject().put("call_id", "0000000000000002").put("parent_id", "0000000000000001").put("function", "find")
                .put("class", "Repo").put("duration_ms", 1).put("cpu_ms", 0.5).put("memory_delta", 16);
        return s;
    }

    public TestSpan tenant(String organizationId, String projectId) {
        this.org = organizationId;
        this.project = projectId;
        return this;
    }

    public TestSpan parent(String parentId) {
        this.parentId = parentId;
        return this;
    }

    public TestSpan service(String service) {
        this.service = service;
        return this;
    }

    public TestSpan name(String name) {
        this.name = name;
        return this;
    }

    public TestSpan start(long startMs) {
        this.startMs = startMs;
        return this;
    }

    public TestSpan duration(double durationMs) {
        this.durationMs = durationMs;
        return this;
    }

    /** The end, when it is not start + the whole milliseconds of the duration. */
    public TestSpan end(long endMs) {
        this.endMs = endMs;
        return this;
    }

    public TestSpan cpu(double cpuMs) {
        this.cpuMs = cpuMs;
        return this;
    }

    public TestSpan status(String status) {
        this.status = status;
        return this;
    }

    /** The span's own request: method, route and response status (null for none). */
    public TestSpan http(String method, String route, Integer status) {
        this.httpMethod = method;
        this.httpRoute = route;
        this.httpStatus = status;
        return this;
    }

    public TestSpan language(String language, String version) {
        this.language = language;
        this.languageVersion = version;
        return this;
    }

    public TestSpan framework(String framework, String version) {
        this.framework = framework;
        this.frameworkVersion = version;
        return this;
    }

    public TestSpan weight(double sampleWeight) {
        this.weight = sampleWeight;
        return this;
    }

    public TestSpan tag(String key, String value) {
        tags().put(key, value);
        return this;
    }

    /** The tags the extension reports for the request it served ({@code http_request}, {@code http_response}). */
    public TestSpan requestTags(String uri, String host) {
        int space = name.indexOf(' ');
        ObjectNode request = tags().putObject("http_request").put("method", space > 0 ? name.substring(0, space) : "GET")
                .put("uri", uri);
        if (host != null) {
            request.put("host", host);
        }
        tags().putObject("http_response").put("status_code", "error".equals(status) ? 500 : 200);
        return this;
    }

    /** One record per statement: the given db system and duration each. */
    public TestSpan sql(String dbSystem, double durationMs, String... queries) {
        for (String q : queries) {
            sqlArray().addObject().put("query", q).put("db_system", dbSystem).put("duration_ms", durationMs);
        }
        return this;
    }

    public TestSpan httpCall(String method, String url, int status, double durationMs) {
        ((ArrayNode) detail.get("http")).addObject().put("url", url).put("method", method).put("status_code", status)
                .put("duration_ms", durationMs).put("bytes_sent", 10).put("bytes_received", 200);
        return this;
    }

    public TestSpan dump(long tsMs, String file, int line, String data, String text) {
        dumpsArray().addObject().put("start_ts", tsMs).put("file", file).put("line", line).put("data", data)
                .put("text", text);
        return this;
    }

    /** Sets one detail field (tags, net, sql, http, cache, redis, dumps, file_io, stack) to the given JSON as received. */
    public TestSpan detail(String field, JsonNode value) {
        if (!detail.has(field)) {
            throw new IllegalArgumentException("not a detail field: " + field);
        }
        detail.set(field, value);
        return this;
    }

    /** Sets detail fields from JSON text, e.g. {@code detail(Map.of("sql", "[...]"))}. */
    public TestSpan detail(Map<String, String> fields) {
        fields.forEach((field, text) -> detail(field, json(text)));
        return this;
    }

    public String traceId() {
        return traceId;
    }

    public String spanId() {
        return spanId;
    }

    /** As the pipeline hands it to a store (validated; sample weight as set). */
    public Span toSpan() {
        return new Span(org, project, traceId, spanId, parentId, service, name, startMs, end(),
                durationMs, cpuMs, status, httpMethod, httpRoute, httpStatus, language, languageVersion, framework,
                frameworkVersion, scan(), weight);
    }

    /** As the extension sends it: a protocol §3.1 span message (organisation and project as tags' defaults). */
    public ObjectNode message() {
        ObjectNode m = JSON.createObjectNode();
        m.put("type", "span").put("trace_id", traceId).put("span_id", spanId);
        if (parentId != null) {
            m.put("parent_id", parentId);
        } else {
            m.putNull("parent_id");
        }
        if (!ORG.equals(org) || !PROJECT.equals(project)) {
            m.put("organization_id", org).put("project_id", project);
        }
        m.put("service", service).put("name", name).put("start_ts", startMs).put("end_ts", end())
                .put("duration_ms", durationMs).put("cpu_ms", cpuMs).put("status", status);
        if (language != null) {
            m.put("language", language).put("language_version", languageVersion);
        }
        if (framework != null) {
            m.put("framework", framework).put("framework_version", frameworkVersion);
        }
        m.setAll(extra);
        for (String field : DETAIL) {
            if (!detail.get(field).isEmpty()) {
                m.set(field, detail.get(field).deepCopy());
            }
        }
        return m;
    }

    /**
     * As the extension sends a span with an attached stack (docs/protocol.md §2.1): the message without its stack as
     * the envelope, the stack's JSON in stored form.
     */
    public byte[] attached() {
        return attached(message().toString());
    }

    /**
     * A span message whose last field is {@code stack}, as a span with an attached stack: the message without the
     * field as the envelope, the field's array as the stored-form stack (the text need not be valid JSON otherwise).
     */
    public static byte[] attached(String spanWithStack) {
        int at = spanWithStack.lastIndexOf(",\"stack\":");
        String envelope = spanWithStack.substring(0, at) + "}\n";
        String stack = spanWithStack.substring(at + ",\"stack\":".length(), spanWithStack.length() - 1);
        return Wire.attached(Wire.utf8(envelope), StackCodec.encode(stack));
    }

    /** {@link #message()} as one JSON line (with its newline). */
    public String line() {
        return message().toString() + "\n";
    }

    private long end() {
        return endMs != null ? endMs : startMs + (long) durationMs;
    }

    private ObjectNode tags() {
        return (ObjectNode) detail.get("tags");
    }

    private ObjectNode net() {
        return (ObjectNode) detail.get("net");
    }

    private ArrayNode sqlArray() {
        return (ArrayNode) detail.get("sql");
    }

    private ArrayNode dumpsArray() {
        return (ArrayNode) detail.get("dumps");
    }

    private ArrayNode stackArray() {
        return (ArrayNode) detail.get("stack");
    }

    private SpanDetail scan() {
        DetailScanner.Collector c = NO_LIMITS.collector();
        try {
            for (String field : DETAIL) {
                JsonNode value = detail.get(field);
                if (value.isMissingNode()) {
                    continue;
                }
                byte[] text = value.toString().getBytes(StandardCharsets.UTF_8);
                try (JsonParser p = JSON.createParser(text)) {
                    p.nextToken();
                    c.field(field, p, Frames.Line.of(text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c.detail();
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
