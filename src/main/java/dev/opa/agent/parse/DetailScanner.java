package dev.opa.agent.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.SpanDetail;
import dev.opa.agent.model.SpanDetail.DumpRecord;
import dev.opa.agent.model.SpanDetail.HttpRecord;
import dev.opa.agent.model.SpanDetail.SqlRecord;
import dev.opa.agent.model.StackCodec;
import dev.opa.agent.ops.IngestMetrics;
import dev.opa.agent.wire.Frames.Line;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the detail fields of a span message (tags, net, sql, http, cache, redis, dumps, stack) in the same
 * streaming pass as the rest of the message and keeps them as the JSON text they arrived in, extracting only
 * what the stores derive rows from. The call stack — most of a realistic span — is never built as a tree: its
 * call nodes are skipped token by token, only their nested {@code sql_queries} / {@code http_requests}
 * records are read, and its received bytes are LZ4-compressed on the spot ({@link StackCodec}). Over-long values are truncated per protocol §4 (then, and only then, the field is
 * serialised again from a tree).
 */
public final class DetailScanner {

    /** The fields this class reads. */
    public static final Set<String> FIELDS = Set.of("tags", "net", "sql", "http", "cache", "redis", "dumps",
            "file_io", "stack");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final byte[] EMPTY_STACK = StackCodec.encode("[]");

    private final Limits limits;
    private final IngestMetrics metrics;

    public DetailScanner(Limits limits, IngestMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    /** A collector for one message. */
    public Collector collector() {
        return new Collector();
    }

    /** Collects the detail fields of one message, in any order. */
    public final class Collector {
        private ObjectNode tagsTree;
        private String tags = "{}";
        private String net = "{}";
        private String sql = "[]";
        private String http = "[]";
        private String cache = "[]";
        private String redis = "[]";
        private String dumps = "[]";
        private String fileIo = "[]";
        private byte[] stack = EMPTY_STACK;
        private final List<SqlRecord> sqlDirect = new ArrayList<>(0);
        private final List<SqlRecord> sqlNested = new ArrayList<>(0);
        private final List<HttpRecord> httpDirect = new ArrayList<>(0);
        private final List<HttpRecord> httpNested = new ArrayList<>(0);
        private final List<DumpRecord> dumpList = new ArrayList<>(0);
        private int sqlDirectCount;
        private int sqlNestedCount;
        private int httpDirectCount;
        private int httpNestedCount;
        private int cacheDirectCount;
        private int cacheNestedCount;
        private int redisDirectCount;
        private int redisNestedCount;

        private Collector() {
        }

        /**
         * Reads the value of detail field {@code name}; the parser is on the value's first token and is left on
         * its last. The parser reads {@code line} (the value's text is cut out of it by byte offsets).
         */
        public void field(String name, JsonParser p, Line line) throws IOException {
            JsonToken first = p.currentToken();
            long start = p.currentTokenLocation().getByteOffset();
            switch (name) {
                case "tags" -> tags(p, line, start);
                case "net" -> net = first == JsonToken.START_OBJECT ? skip(p, line, start) : skipWrongKind(p, "{}");
                case "sql" -> sql(p, line, start);
                case "http" -> http(p, line, start);
                case "cache" -> {
                    cacheDirectCount = countElements(p);
                    cache = cacheDirectCount < 0 ? "[]" : cut(p, line, start);
                    cacheDirectCount = Math.max(0, cacheDirectCount);
                }
                case "redis" -> {
                    redisDirectCount = countElements(p);
                    redis = redisDirectCount < 0 ? "[]" : cut(p, line, start);
                    redisDirectCount = Math.max(0, redisDirectCount);
                }
                case "dumps" -> dumps(p, line, start);
                case "file_io" -> fileIo = countElements(p) < 0 ? "[]" : cut(p, line, start);
                case "stack" -> stack(p, line, start);
                default -> throw new IllegalArgumentException("not a detail field: " + name);
            }
        }

        /** The tags as a tree (small; the span's HTTP method, status and tenant come from them). */
        public ObjectNode tagsTree() {
            return tagsTree != null ? tagsTree : NODES.objectNode();
        }

        /** The text of a field read so far (for a message that turns out not to be a span). */
        public String fieldText(String name) {
            return switch (name) {
                case "tags" -> tags;
                case "net" -> net;
                case "sql" -> sql;
                case "http" -> http;
                case "cache" -> cache;
                case "redis" -> redis;
                case "dumps" -> dumps;
                case "file_io" -> fileIo;
                case "stack" -> StackCodec.decode(stack);
                default -> throw new IllegalArgumentException("not a detail field: " + name);
            };
        }

        public SpanDetail detail() {
            boolean sqlListed = sqlDirectCount > 0;
            boolean httpListed = httpDirectCount > 0;
            int cacheCount = (cacheDirectCount > 0 ? cacheDirectCount : cacheNestedCount)
                    + (redisDirectCount > 0 ? redisDirectCount : redisNestedCount);
            List<SqlRecord> sqlRecords = List.copyOf(sqlListed ? sqlDirect : sqlNested);
            List<HttpRecord> httpRecords = List.copyOf(httpListed ? httpDirect : httpNested);
            int sqlCount = sqlListed ? sqlDirectCount : sqlNestedCount;
            int httpCount = httpListed ? httpDirectCount : httpNestedCount;
            // a request summary (unsampled) has no records, only the request's counts in its RED tags (protocol §6)
            ObjectNode tagValues = tagsTree();
            return new SpanDetail(tags, net, sql, http, cache, redis, dumps, fileIo, stack, sqlRecords, httpRecords,
                    List.copyOf(dumpList),
                    sqlCount > 0 ? sqlCount : (int) redTag(tagValues, "opa.sql_count"),
                    httpCount > 0 ? httpCount : (int) redTag(tagValues, "opa.http_count"), cacheCount,
                    sqlCount > 0 ? SpanDetail.sqlMs(sqlRecords) : redTag(tagValues, "opa.sql_ms"),
                    httpCount > 0 ? SpanDetail.httpMs(httpRecords) : redTag(tagValues, "opa.http_ms"));
        }

        /** A RED tag's value (a number, or its text as the extension sends it); 0 when absent or not a count. */
        private static double redTag(ObjectNode tags, String name) {
            JsonNode v = tags.get(name);
            double d = 0;
            if (v != null && v.isNumber()) {
                d = v.doubleValue();
            } else if (v != null && v.isTextual()) {
                try {
                    d = Double.parseDouble(v.textValue().trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            return Double.isFinite(d) && d > 0 ? Math.min(d, Integer.MAX_VALUE) : 0;
        }

        private void tags(JsonParser p, Line line, long start) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                tags = skipWrongKind(p, "{}");
                tagsTree = null;
                return;
            }
            ObjectNode tree = (ObjectNode) MAPPER.readTree(p);
            if (limits.truncateTagValues(tree)) {
                repaired("tag_value");
                tags = tree.toString();
            } else {
                tags = cut(p, line, start);
            }
            tagsTree = tree;
        }

        private void sql(JsonParser p, Line line, long start) throws IOException {
            sqlDirect.clear();
            ArrayNode records = list(p);
            sqlDirectCount = records == null ? 0 : records.size();
            sql = records == null ? "[]" : sqlRecords(records, sqlDirect) ? records.toString() : cut(p, line, start);
        }

        private void http(JsonParser p, Line line, long start) throws IOException {
            httpDirect.clear();
            ArrayNode records = list(p);
            httpDirectCount = records == null ? 0 : records.size();
            if (records != null) {
                httpRecords(records, httpDirect);
            }
            http = records == null ? "[]" : cut(p, line, start);
        }

        private void dumps(JsonParser p, Line line, long start) throws IOException {
            dumpList.clear();
            ArrayNode records = list(p);
            if (records == null) {
                dumps = "[]";
                return;
            }
            boolean cut = false;
            for (JsonNode d : records) {
                cut |= truncate(d, "data", limits.maxDumpChars(), "dump");
                cut |= truncate(d, "text", limits.maxDumpChars(), "dump");
                if (d.isObject()) {
                    JsonNode data = d.get("data");
                    JsonNode lineNo = d.get("line");
                    dumpList.add(new DumpRecord(recordStart(d), str(d, "file"),
                            lineNo != null && lineNo.canConvertToInt() ? lineNo.intValue() : null,
                            data == null || data.isNull() ? null : data.isTextual() ? data.textValue() : data.toString(),
                            str(d, "text")));
                }
            }
            dumps = cut ? records.toString() : cut(p, line, start);
        }

        /** The call stack, token by token: only nested SQL/HTTP records are read, everything else skipped. */
        private void stack(JsonParser p, Line line, long start) throws IOException {
            sqlNested.clear();
            httpNested.clear();
            sqlNestedCount = httpNestedCount = cacheNestedCount = redisNestedCount = 0;
            if (p.currentToken() != JsonToken.START_ARRAY) {
                stack = EMPTY_STACK;
                p.skipChildren();
                return;
            }
            boolean cut = false;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value != JsonToken.START_ARRAY) {
                        p.skipChildren();
                        continue;
                    }
                    switch (field) {
                        case "sql_queries" -> {
                            ArrayNode records = (ArrayNode) MAPPER.readTree(p);
                            sqlNestedCount += records.size();
                            cut |= sqlRecords(records, sqlNested);
                        }
                        case "http_requests" -> {
                            ArrayNode records = (ArrayNode) MAPPER.readTree(p);
                            httpNestedCount += records.size();
                            httpRecords(records, httpNested);
                        }
                        case "cache_operations" -> cacheNestedCount += countElements(p);
                        case "redis_operations" -> redisNestedCount += countElements(p);
                        default -> p.skipChildren();
                    }
                }
            }
            stack = cut ? StackCodec.encode(truncateNestedQueries(cut(p, line, start)))
                    : StackCodec.encode(line.buf(), line.off() + (int) start, length(p, line, start));
        }

        /**
         * The call stack as located by {@link StackLocator} ({@code stack} is exactly the array's text): stored as
         * received unless a nested record list it holds is the one the span uses (the span-level list is empty or
         * absent), in which case it goes the token way. Called after all other fields, so their counts are known.
         */
        public void stack(Line stack, int nestedKeys) throws IOException {
            boolean nestedUsed = (nestedKeys & StackLocator.SQL_QUERIES) != 0 && sqlDirectCount <= 0
                    || (nestedKeys & StackLocator.HTTP_REQUESTS) != 0 && httpDirectCount <= 0
                    || (nestedKeys & StackLocator.CACHE_OPERATIONS) != 0 && cacheDirectCount <= 0
                    || (nestedKeys & StackLocator.REDIS_OPERATIONS) != 0 && redisDirectCount <= 0;
            if (nestedUsed) {
                try (JsonParser p = MAPPER.createParser(stack.buf(), stack.off(), stack.len())) {
                    p.nextToken();
                    stack(p, stack, p.currentTokenLocation().getByteOffset());
                }
                return;
            }
            sqlNested.clear();
            httpNested.clear();
            sqlNestedCount = httpNestedCount = cacheNestedCount = redisNestedCount = 0;
            this.stack = StackCodec.encode(stack.buf(), stack.off(), stack.len());
        }

        /**
         * A stack that arrived attached, already in {@link StackCodec}'s form and checked by the frame decoder: kept
         * as received. Its call nodes are not read, so their nested records are not either: a producer that
         * attaches the stack lists its records on the span (docs/protocol.md), as the extension does.
         */
        public void attachedStack(byte[] packed) {
            sqlNested.clear();
            httpNested.clear();
            sqlNestedCount = httpNestedCount = cacheNestedCount = redisNestedCount = 0;
            this.stack = packed;
        }

        /** Rare path: a nested query was too long, so the stack is rebuilt as a tree with it cut. */
        private String truncateNestedQueries(String received) throws IOException {
            JsonNode tree = MAPPER.readTree(received);
            for (JsonNode node : tree) {
                JsonNode nested = node.get("sql_queries");
                if (nested instanceof ArrayNode records) {
                    for (JsonNode r : records) {
                        limits.truncateField(r, "query", limits.maxQueryChars());
                    }
                }
            }
            return tree.toString();
        }

        /** Adds the statements of {@code records} (truncating long queries); true when one was cut. */
        private boolean sqlRecords(ArrayNode records, List<SqlRecord> out) {
            boolean cut = false;
            for (JsonNode r : records) {
                cut |= truncate(r, "query", limits.maxQueryChars(), "query");
                String query = r.isObject() ? str(r, "query") : null;
                if (query != null) {
                    out.add(new SqlRecord(recordStart(r), query, str(r, "db_system"), number(r, "duration_ms"),
                            longOrNull(r, "rows")));
                }
            }
            return cut;
        }

        private void httpRecords(ArrayNode records, List<HttpRecord> out) {
            for (JsonNode r : records) {
                String url = r.isObject() ? str(r, "url") : null;
                if (url != null) {
                    JsonNode status = r.get("status_code");
                    out.add(new HttpRecord(recordStart(r), str(r, "method"), url,
                            status != null && status.isNumber() ? status.intValue() : null, number(r, "duration_ms"),
                            longOrNull(r, "bytes_sent"), longOrNull(r, "bytes_received"), errorText(r.get("error"))));
                }
            }
        }

        private boolean truncate(JsonNode record, String field, int max, String repairTag) {
            if (limits.truncateField(record, field, max)) {
                repaired(repairTag);
                return true;
            }
            return false;
        }

        private void repaired(String what) {
            if (metrics != null) {
                metrics.repaired(what);
            }
        }
    }

    /** The record list the parser is on as a (small) tree, or null when it is not an array (skipped: absent). */
    private static ArrayNode list(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return (ArrayNode) MAPPER.readTree(p);
    }

    /** Elements of the array the parser is on (left on its end), or -1 when it is not an array (skipped). */
    private static int countElements(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return -1;
        }
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            n++;
            p.skipChildren();
        }
        return n;
    }

    private static String skip(JsonParser p, Line line, long start) throws IOException {
        p.skipChildren();
        return cut(p, line, start);
    }

    /** A value of the wrong JSON kind is treated as absent. */
    private static String skipWrongKind(JsonParser p, String empty) throws IOException {
        p.skipChildren();
        return empty;
    }

    /** The text from {@code start} to the end of the token the parser is on. */
    private static String cut(JsonParser p, Line line, long start) {
        return new String(line.buf(), line.off() + (int) start, length(p, line, start), StandardCharsets.UTF_8);
    }

    /** Bytes from {@code start} (an offset in the line) to the end of the token the parser is on. */
    private static int length(JsonParser p, Line line, long start) {
        long end = p.currentLocation().getByteOffset();
        if (start < 0 || end <= start || end > line.len()) {
            throw new IllegalStateException("no byte offsets from the JSON parser");
        }
        return (int) (end - start);
    }

    /** {@code start_ts} (epoch ms) or the legacy {@code timestamp} (epoch seconds, or ms when large). */
    static long recordStart(JsonNode r) {
        JsonNode start = r.get("start_ts");
        if (start != null && start.isNumber()) {
            return (long) start.doubleValue();
        }
        JsonNode ts = r.get("timestamp");
        if (ts != null && ts.isNumber()) {
            double v = ts.doubleValue();
            return (long) (v < 1e11 ? v * 1000 : v);
        }
        return SpanDetail.NO_TIME;
    }

    private static String str(JsonNode r, String field) {
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
