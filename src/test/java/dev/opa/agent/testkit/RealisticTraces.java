package dev.opa.agent.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Batch;
import dev.opa.agent.model.ErrorEvent;
import dev.opa.agent.model.LogEvent;
import dev.opa.agent.model.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Deterministic generator of realistic PHP traffic as the pipeline hands it to a store: web root spans
 * ("METHOD /route") of a few services with W3C child spans in downstream services, SQL (with N+1 loops),
 * outgoing HTTP, cache and redis calls, call trees, errors (~3%), logs and dumps, two tenants, and a
 * mix of sample weights (1 and 10) as tail sampling leaves them. Durations are log-normal with
 * microsecond resolution, as the extension reports them.
 */
public final class RealisticTraces {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String[][] SERVICES = {
            {"shop-web", "GET /", "GET /products/{id}", "GET /category/{slug}", "POST /cart", "GET /search",
                    "POST /checkout", "GET /account/orders"},
            {"checkout-api", "POST /api/orders", "GET /api/orders/{id}", "POST /api/payments"},
            {"catalog-api", "GET /api/products/{id}", "GET /api/products", "GET /api/stock/{sku}"},
            {"auth-svc", "POST /login", "GET /session"},
    };
    private static final String[] SQL = {
            "SELECT * FROM products WHERE id = %d",
            "SELECT id, name, price FROM products WHERE category_id = %d ORDER BY name LIMIT 20",
            "SELECT * FROM users WHERE email = 'user%d@example.com'",
            "INSERT INTO orders (user_id, total) VALUES (%d, 19.99)",
            "UPDATE stock SET qty = qty - 1 WHERE sku = 'SKU-%d'",
            "SELECT o.* FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.user_id = %d",
            "SELECT value FROM settings WHERE name = 'opt_%d'",
    };
    private static final String[] FUNCTIONS = {"handle", "render", "query", "fetch", "load", "validate", "serialize"};
    private static final String[] CLASSES = {"App\\Http\\Controller", "App\\Repository\\ProductRepository",
            "App\\Service\\Cart", "Twig\\Environment", "Doctrine\\DBAL\\Connection", null};
    private static final String[] LEVELS = {"DEBUG", "INFO", "INFO", "INFO", "WARNING", "ERROR"};
    private static final String[] ERRORS = {"RuntimeException|Payment gateway timeout after %d ms",
            "PDOException|SQLSTATE[40001]: Deadlock found when trying to get lock; try restarting transaction",
            "TypeError|Argument #1 ($id) must be of type int, string given",
            "ErrorException|Undefined array key \"sku_%d\""};

    private final Random random;
    private long clockMs;
    private final double spansPerSecond;

    /**
     * @param startMs        first root start (epoch ms)
     * @param spansPerSecond traffic density (sets the time between traces)
     */
    public RealisticTraces(long seed, long startMs, double spansPerSecond) {
        this.random = new Random(seed);
        this.clockMs = startMs;
        this.spansPerSecond = spansPerSecond;
    }

    public long clockMs() {
        return clockMs;
    }

    /** The next batch of whole traces with at least {@code minSpans} spans. */
    public Batch nextBatch(int minSpans) {
        List<Span> spans = new ArrayList<>();
        List<ErrorEvent> errors = new ArrayList<>();
        List<LogEvent> logs = new ArrayList<>();
        while (spans.size() < minSpans) {
            trace(spans, errors, logs);
        }
        return new Batch(spans, errors, logs);
    }

    private void trace(List<Span> spans, List<ErrorEvent> errors, List<LogEvent> logs) {
        String org = random.nextInt(10) < 8 ? "default-org" : "acme";
        String project = org.equals("acme") ? "storefront" : "default-project";
        String traceId = hex(16);
        double weight = random.nextInt(4) == 0 ? 1.0 : 10.0;
        int before = spans.size();
        long start = clockMs;
        span(spans, errors, logs, org, project, traceId, null, 0, start, weight);
        double avgSpans = 1.8;
        clockMs += Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * 1000.0 * avgSpans / spansPerSecond));
        if (spans.size() == before) {
            throw new IllegalStateException("no span generated");
        }
    }

    private Span span(List<Span> spans, List<ErrorEvent> errors, List<LogEvent> logs, String org, String project,
                      String traceId, String parentId, int serviceIndex, long startMs, double weight) {
        String[] service = SERVICES[serviceIndex];
        String name = service[1 + random.nextInt(service.length - 1)];
        String spanId = hex(8);
        double durationMs = round3(Math.exp(3.2 + 0.9 * random.nextGaussian()) + 0.3);
        boolean error = random.nextInt(100) < 3;
        int status = error ? 500 : random.nextInt(50) == 0 ? 404 : name.startsWith("POST") ? 201 : 200;
        String method = name.substring(0, name.indexOf(' '));
        String route = name.substring(name.indexOf(' ') + 1);
        String uri = route.replace("{id}", String.valueOf(random.nextInt(5000)))
                .replace("{slug}", "c" + random.nextInt(40)).replace("{sku}", "SKU-" + random.nextInt(900));

        ArrayNode sql = sql(startMs, durationMs);
        ArrayNode http = JSON.arrayNode();
        ArrayNode cache = JSON.arrayNode();
        ArrayNode redis = JSON.arrayNode();
        ArrayNode dumps = JSON.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
            ObjectNode c = cache.addObject();
            c.put("operation", random.nextBoolean() ? "get" : "set");
            c.put("key", "product:" + random.nextInt(500));
            c.put("hit", random.nextBoolean());
            c.put("duration_ms", round3(random.nextDouble() * 0.8));
        }
        if (random.nextInt(3) == 0) {
            ObjectNode r = redis.addObject();
            r.put("command", "GET");
            r.put("key", "session:" + hex(4));
            r.put("hit", true);
            r.put("duration_ms", round3(random.nextDouble() * 0.5));
        }
        if (random.nextInt(50) == 0) {
            ObjectNode d = dumps.addObject();
            d.put("timestamp", startMs + 2);
            d.put("file", "/var/www/src/Controller/CartController.php");
            d.put("line", 40 + random.nextInt(30));
            d.put("data", "{\"cart\":{\"items\":" + random.nextInt(9) + "}}");
            d.put("text", "cart = array(items => " + random.nextInt(9) + ")");
        }
        ObjectNode tags = JSON.objectNode();
        tags.put("organization_id", org);
        tags.put("project_id", project);
        tags.put("env", random.nextInt(5) == 0 ? "staging" : "prod");
        ObjectNode req = tags.putObject("http_request");
        req.put("method", method);
        req.put("uri", uri);
        req.put("host", service[0] + ".example.com");
        req.put("scheme", "https");
        req.put("ip", "10.0." + random.nextInt(255) + "." + random.nextInt(255));
        req.put("user_agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/12" + random.nextInt(10));
        tags.putObject("http_response").put("status_code", status).put("size", 200 + random.nextInt(90000));
        ObjectNode net = JSON.objectNode();
        net.put("bytes_sent", 500 + random.nextInt(90000));
        net.put("bytes_received", 200 + random.nextInt(4000));

        List<Runnable> children = new ArrayList<>();
        if (serviceIndex == 0 && random.nextInt(100) < 45) {
            int downstream = 1 + random.nextInt(SERVICES.length - 1);
            long childStart = startMs + 1 + random.nextInt((int) Math.max(1, durationMs / 3));
            String url = "http://" + SERVICES[downstream][0] + ".internal" + route.replace("{id}", "" + random.nextInt(900));
            http.add(httpCall(url, method, childStart, error));
            children.add(() -> span(spans, errors, logs, org, project, traceId, spanId, downstream, childStart, weight));
        }
        if (random.nextInt(6) == 0) {
            http.add(httpCall("https://api.stripe.com/v1/charges/ch_" + hex(6), "POST", startMs + 3, false));
        }

        long endMs = startMs + Math.round(durationMs);
        Span span = TestSpan.of(traceId, spanId).tenant(org, project).parent(parentId).service(service[0]).name(name)
                .start(startMs).end(endMs).duration(durationMs).cpu(round3(durationMs * (0.2 + 0.6 * random.nextDouble())))
                .status(error ? "error" : "ok").http(method, route, status).language("php", "8.2." + random.nextInt(20))
                .framework(random.nextBoolean() ? "laravel" : "symfony", "10.4").detail("tags", tags).detail("net", net)
                .detail("sql", sql).detail("http", http).detail("cache", cache).detail("redis", redis)
                .detail("dumps", dumps).detail("stack", stack(startMs, durationMs, sql)).weight(weight).toSpan();
        spans.add(span);
        if (error) {
            errors.add(error(span));
        }
        for (int i = random.nextInt(3); i > 0; i--) {
            ObjectNode fields = JSON.objectNode().put("request_id", hex(4)).put("user", random.nextInt(1000));
            logs.add(new LogEvent(org, project, traceId, spanId, service[0], startMs + random.nextInt(10),
                    LEVELS[random.nextInt(LEVELS.length)], random.nextInt(100) == 0
                            ? "coupon it's 100% \\ _x_ off for Ünïcode user " + random.nextInt(9)  // quoting / LIKE / UTF-8 cases
                            : "handled " + uri + " in " + Math.round(durationMs) + " ms",
                    fields));
        }
        children.forEach(Runnable::run);
        return span;
    }

    private ArrayNode sql(long startMs, double durationMs) {
        ArrayNode sql = JSON.arrayNode();
        int n = random.nextInt(8);
        boolean nPlusOne = random.nextInt(12) == 0;
        if (nPlusOne) {
            n += 10 + random.nextInt(15);
        }
        for (int i = 0; i < n; i++) {
            String template = nPlusOne && i >= 2 ? SQL[0] : SQL[random.nextInt(SQL.length)];
            ObjectNode q = sql.addObject();
            q.put("query", String.format(template, random.nextInt(5000)));
            q.put("db_system", random.nextInt(5) == 0 ? "sqlite" : "mysql");
            q.put("duration_ms", round3(Math.exp(-0.5 + 0.8 * random.nextGaussian())));
            q.put("rows", random.nextInt(40));
            q.put("start_ts", startMs + (long) (durationMs * i / Math.max(1, n)));
        }
        return sql;
    }

    private ObjectNode httpCall(String url, String method, long startMs, boolean failed) {
        ObjectNode h = JSON.objectNode();
        h.put("url", url);
        h.put("method", method);
        h.put("status_code", failed ? 502 : 200);
        h.put("duration_ms", round3(Math.exp(2.5 + 0.6 * random.nextGaussian())));
        h.put("bytes_sent", 100 + random.nextInt(2000));
        h.put("bytes_received", 100 + random.nextInt(20000));
        h.put("start_ts", startMs);
        if (failed) {
            h.put("error", "upstream returned 502");
        }
        return h;
    }

    private ArrayNode stack(long startMs, double durationMs, ArrayNode sql) {
        ArrayNode stack = JSON.arrayNode();
        int nodes = 2 + random.nextInt(10);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ObjectNode node = stack.addObject();
            String callId = hex(8);
            String parent = i == 0 ? null : ids.get(random.nextInt(ids.size()));
            node.put("call_id", callId);
            node.put("parent_id", parent);
            String cls = CLASSES[random.nextInt(CLASSES.length)];
            node.put("function", FUNCTIONS[random.nextInt(FUNCTIONS.length)] + (i % 7));
            if (cls != null) {
                node.put("class", cls);
            }
            node.put("file", "/var/www/src/" + (cls == null ? "helpers" : cls.replace('\\', '/')) + ".php");
            node.put("line", 10 + random.nextInt(400));
            node.put("start_ts", startMs + (long) (durationMs * i / nodes));
            node.put("duration_ms", round3(durationMs / (i + 1)));
            node.put("cpu_ms", round3(durationMs / (i + 2)));
            node.put("memory_delta", random.nextInt(200000) - 20000);
            node.put("depth", parent == null ? 0 : 1 + random.nextInt(6));
            node.put("function_type", cls == null ? 0 : 2);
            if (i == 1 && !sql.isEmpty()) {
                node.set("sql_queries", sql.deepCopy());
            }
            ids.add(callId);
        }
        return stack;
    }

    private ErrorEvent error(Span span) {
        String[] kind = ERRORS[random.nextInt(ERRORS.length)].split("\\|");
        String message = kind[1].contains("%d") ? String.format(kind[1], 1000 + random.nextInt(9000)) : kind[1];
        ArrayNode trace = JSON.arrayNode();
        for (int i = 0; i < 4; i++) {
            trace.addObject().put("file", "/var/www/src/Service/Payment.php").put("line", 80 + i)
                    .put("function", FUNCTIONS[i]).put("class", "App\\Service\\Payment");
        }
        String fingerprint = HexFormat.of().formatHex(
                java.nio.ByteBuffer.allocate(8).putLong((kind[0] + span.service()).hashCode() * 31L + 7).array());
        return new ErrorEvent(span.organizationId(), span.projectId(), span.traceId(), span.spanId(), span.service(),
                span.startMs() + Math.round(span.durationMs() / 2), kind[0], message, "/var/www/src/Service/Payment.php",
                81, fingerprint, "prod", "v1." + random.nextInt(4), trace, JSON.objectNode().put("url", span.name()));
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
