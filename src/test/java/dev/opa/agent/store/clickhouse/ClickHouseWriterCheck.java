package dev.opa.agent.store.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Batch;
import dev.opa.agent.testkit.RealisticTraces;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives the real {@link ClickHouseSpanStore} against a ClickHouse HTTP endpoint, as the agent does:
 * init (DDL over HTTP), then realistic batches, then the first batch again (a spool replay). Prints a
 * JSON summary (rows per table as encoded, payloads = inserts, health); on failure prints {@code {"error": ...}} and exits 1.
 * Used by src/test/clickhouse/test_writer_http.py with chDB behind a ClickHouse HTTP interface.
 *
 * <pre>ClickHouseWriterCheck --url http://127.0.0.1:8123 --user u --password p --database opa_http --spans 5000</pre>
 */
public final class ClickHouseWriterCheck {

    public static void main(String[] args) {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        ObjectNode out = mapper.createObjectNode();
        Map<String, String> settings = Map.of(
                "clickhouse.url", opt.get("url"),
                "clickhouse.database", opt.getOrDefault("database", "opa"),
                "clickhouse.user", opt.getOrDefault("user", "default"),
                "clickhouse.password", opt.getOrDefault("password", ""),
                "clickhouse.async-insert", opt.getOrDefault("async-insert", "true"),
                "clickhouse.init-dir", opt.getOrDefault("init-dir", "clickhouse-init"),
                "clickhouse.timeout-ms", "20000",
                "clickhouse.retention-days", opt.getOrDefault("retention-days", ""));
        int spans = Integer.parseInt(opt.getOrDefault("spans", "5000"));
        int batchSize = Integer.parseInt(opt.getOrDefault("batch-size", "5000"));
        RealisticTraces traces = new RealisticTraces(Long.parseLong(opt.getOrDefault("seed", "42")),
                opt.containsKey("start-ms") ? Long.parseLong(opt.get("start-ms")) : ClickHouseDatasetExport.defaultStartMs(),
                40);
        ClickHouseBatchEncoder encoder = new ClickHouseBatchEncoder(mapper);
        try (ClickHouseSpanStore store = new ClickHouseSpanStore(settings)) {
            store.init();
            out.put("healthy", store.isHealthy());
            Map<String, Long> rows = new HashMap<>();
            int payloadsPerPass = 0;
            Batch first = null;
            int written = 0;
            int batches = 0;
            while (written < spans) {
                Batch batch = traces.nextBatch(Math.min(batchSize, spans - written));
                first = first == null ? batch : first;
                store.write(batch);
                written += batch.spans().size();
                batches++;
                List<InsertPayload> payloads = encoder.encode(batch);
                payloads.forEach(p -> rows.merge(p.table(), (long) p.rows(), Long::sum));
                payloadsPerPass += payloads.size();
            }
            store.write(first);
            out.put("batches", batches);
            out.put("payloads", payloadsPerPass);
            out.put("replayed_first_batch", true);
            ObjectNode tableRows = out.putObject("rows");
            rows.forEach(tableRows::put);
            System.out.println(out.toPrettyString());
        } catch (Exception e) {
            out.removeAll();
            out.put("error", e.toString());
            System.out.println(out.toPrettyString());
            System.exit(1);
        }
    }
}
