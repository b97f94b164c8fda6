import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.api.DumpsApi;
import dev.opa.agent.api.ErrorsApi;
import dev.opa.agent.api.HttpCallsApi;
import dev.opa.agent.api.LogsApi;
import dev.opa.agent.api.Pages;
import dev.opa.agent.api.QueryRunner;
import dev.opa.agent.api.ServicesApi;
import dev.opa.agent.api.SqlApi;
import dev.opa.agent.api.SqlCatalog;
import dev.opa.agent.api.TracesApi;
import dev.opa.agent.store.duckdb.DuckDbSettings;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * p50/p95 latency of the main API queries (through the API beans: parameter handling, SQL, row mapping) on a
 * DuckDB file written by the agent's own store. See bench/api/run.sh and docs/benchmarks.md.
 *
 * <pre>java -cp "target/classes:target/test-classes:$DEPS" bench/api/ApiBench.java DATASET_DIR [RUNS]</pre>
 */
public class ApiBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        long from = manifest.get("from_ms").asLong();
        long to = manifest.get("to_ms").asLong();
        // DuckDB settings as opa.store.duckdb.* sets them in the agent (empty: DuckDB's default):
        // -Dthreads=N, -Dmemory=64MB
        Map<String, String> settings = DuckDbSettings.pragmas(System.getProperty("memory", ""), "",
                System.getProperty("threads", ""));
        DuckDbSpanStore store = new DuckDbSpanStore(new DuckDbSettings(dir.resolve("opa.duckdb"), 2, settings));
        store.init();
        System.out.println("DuckDB settings: " + settings + " (absent: DuckDB's default)");
        QueryRunner q = new QueryRunner(store::readDataSource, new SqlCatalog("duckdb"));
        ServicesApi services = new ServicesApi(q);
        TracesApi traces = new TracesApi(q, store);
        SqlApi sql = new SqlApi(q);

        Map<String, Object> all = range(from, to);
        Map<String, Object> lastHour = range(to - 3_600_000, to);
        String service = (String) Pages.items(services.services(all)).get(0).get("service");
        String traceId = (String) Pages.items(traces.search(with(lastHour, "sort", "duration", "limit", "1")))
                .get(0).get("trace_id");
        System.out.printf("dataset: %s spans, %s traces, range %d h; service %s%n",
                manifest.get("spans"), manifest.path("traces").asText("?"), (to - from) / 3_600_000, service);

        Map<String, Function<Map<String, Object>, Object>> calls = new LinkedHashMap<>();
        calls.put("services", services::services);
        calls.put("service timeseries", p -> services.timeseries(with(p, "service", service)));
        calls.put("service endpoints", p -> services.endpoints(with(p, "service", service, "sort", "p95")));
        calls.put("traces (newest)", traces::search);
        calls.put("traces (slowest)", p -> traces.search(with(p, "sort", "duration")));
        calls.put("traces (service+min_ms)", p -> traces.search(with(p, "service", service, "min_ms", "200")));
        calls.put("traces (q free text)", p -> traces.search(with(p, "q", "deadlock")));
        calls.put("traces (tag)", p -> traces.search(with(p, "tag", "http_request.method:POST")));
        calls.put("trace detail", p -> traces.detail(with(p, "traceId", traceId)));
        calls.put("sql groups", sql::groups);
        calls.put("sql n+1", sql::nPlusOne);
        calls.put("http groups", new HttpCallsApi(q)::groups);
        calls.put("error groups", new ErrorsApi(q)::groups);
        calls.put("logs (level>=warning)", p -> new LogsApi(q).search(with(p, "level", "warning")));
        calls.put("dumps", new DumpsApi(q)::search);

        System.out.printf("%-26s %14s %14s   %14s %14s%n", "query", "all p50 ms", "all p95 ms", "1h p50 ms", "1h p95 ms");
        for (var call : calls.entrySet()) {
            double[] a = time(call.getValue(), all, runs);
            double[] h = time(call.getValue(), lastHour, runs);
            System.out.printf("%-26s %14.1f %14.1f   %14.1f %14.1f%n", call.getKey(), a[0], a[1], h[0], h[1]);
        }
        store.close();
    }

    static Map<String, Object> range(long from, long to) {
        Map<String, Object> p = new HashMap<>();
        p.put("from", String.valueOf(from));
        p.put("to", String.valueOf(to));
        return p;
    }

    static Map<String, Object> with(Map<String, Object> base, String... kv) {
        Map<String, Object> p = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    /** {p50, p95} in ms over {@code runs} calls after 3 warm-up calls. */
    static double[] time(Function<Map<String, Object>, Object> call, Map<String, Object> params, int runs) {
        for (int i = 0; i < 3; i++) {
            call.apply(params);
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            call.apply(params);
            ms.add((System.nanoTime() - t) / 1e6);
        }
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {pct(sorted, 0.50), pct(sorted, 0.95)};
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
