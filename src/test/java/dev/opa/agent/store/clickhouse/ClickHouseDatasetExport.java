package dev.opa.agent.store.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.api.SqlCatalog;
import dev.opa.agent.model.Batch;
import dev.opa.agent.store.duckdb.DuckDbSpanStore;
import dev.opa.agent.testkit.RealisticTraces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a realistic generated data set the way the two stores would receive it: every batch's
 * ClickHouse insert payloads (the exact bytes {@link ClickHouseSpanStore} sends) into
 * {@code <out>/payloads/<batch>-<table>-<part>.jsonl} (a table's rows of a batch in parts of at most
 * {@link ClickHouseBatchEncoder#MAX_PAYLOAD_BYTES}), and — unless {@code --duckdb false} — the same batches
 * into {@code <out>/opa.duckdb} through the agent's DuckDB store. {@code <out>/manifest.json} tells the
 * time range and counts; {@code <out>/sql/<dialect>/api/<name>.sql} are the API's queries as the agent runs them
 * (fragments expanded by {@link SqlCatalog}). The chDB harness (src/test/clickhouse/) loads both and compares.
 *
 * <pre>java -cp target/classes:target/test-classes:$(deps) dev.opa.agent.store.clickhouse.ClickHouseDatasetExport \
 *     --out target/ch-dataset --spans 20000 [--batch-size 5000] [--spans-per-second 40] [--duckdb true]
 *     [--start-ms <epoch ms, default yesterday 00:00 UTC>] [--tables spans_min,errors]   (only these tables' payloads: the 1M-span size benchmark needs spans_min)</pre>
 */
public final class ClickHouseDatasetExport {

    /**
     * Yesterday 00:00 UTC: recent enough that no retention TTL expires the data while tests run, fixed
     * for a day so the same seed gives the same data (pass {@code --start-ms} to pin it).
     */
    static long defaultStartMs() {
        return java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1)
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        Path out = Path.of(opt.getOrDefault("out", "target/ch-dataset"));
        int spans = Integer.parseInt(opt.getOrDefault("spans", "20000"));
        int batchSize = Integer.parseInt(opt.getOrDefault("batch-size", "5000"));
        double density = Double.parseDouble(opt.getOrDefault("spans-per-second", "40"));
        boolean duckdb = Boolean.parseBoolean(opt.getOrDefault("duckdb", "true"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        long startMs = opt.containsKey("start-ms") ? Long.parseLong(opt.get("start-ms")) : defaultStartMs();
        Set<String> tables = opt.containsKey("tables") ? Set.of(opt.get("tables").split(",")) : null;
        System.out.println(export(out, spans, batchSize, density, duckdb, seed, startMs, tables).toPrettyString());
    }

    /** @param tables payload tables to write, null for all */
    static ObjectNode export(Path out, int spanTarget, int batchSize, double density, boolean duckdb, long seed,
                             long startMs, Set<String> tables) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path payloads = out.resolve("payloads");
        Files.createDirectories(payloads);
        try (var old = Files.list(payloads)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Path dbFile = out.resolve("opa.duckdb");
        Files.deleteIfExists(dbFile);
        Files.deleteIfExists(out.resolve("opa.duckdb.wal"));

        RealisticTraces traces = new RealisticTraces(seed, startMs, density);
        ClickHouseBatchEncoder encoder = new ClickHouseBatchEncoder(mapper);
        DuckDbSpanStore store = duckdb ? new DuckDbSpanStore(dbFile, 1) : null;
        if (store != null) {
            store.init();
        }
        Map<String, Long> rows = new HashMap<>();
        long bytes = 0;
        int spans = 0;
        int errors = 0;
        int logs = 0;
        int batchNo = 0;
        try {
            while (spans < spanTarget) {
                Batch batch = traces.nextBatch(Math.min(batchSize, spanTarget - spans));
                spans += batch.spans().size();
                errors += batch.errors().size();
                logs += batch.logs().size();
                Map<String, Integer> parts = new HashMap<>();
                for (InsertPayload p : encoder.encode(batch)) {
                    if (tables != null && !tables.contains(p.table())) {
                        continue;
                    }
                    int part = parts.merge(p.table(), 1, Integer::sum) - 1;
                    Files.write(payloads.resolve(String.format("%05d-%s-%03d.jsonl", batchNo, p.table(), part)), p.body());
                    rows.merge(p.table(), (long) p.rows(), Long::sum);
                    bytes += p.body().length;
                }
                if (store != null) {
                    store.write(batch);
                }
                batchNo++;
            }
        } finally {
            if (store != null) {
                store.close();
            }
        }
        ObjectNode manifest = mapper.createObjectNode();
        manifest.put("seed", seed);
        manifest.put("from_ms", startMs);
        manifest.put("to_ms", traces.clockMs() + 60_000);
        manifest.put("batches", batchNo);
        manifest.put("spans", spans);
        manifest.put("errors", errors);
        manifest.put("logs", logs);
        manifest.put("payload_bytes", bytes);
        manifest.put("duckdb", duckdb ? dbFile.getFileName().toString() : null);
        ObjectNode insertSettings = manifest.putObject("insert_settings");
        ClickHouseBatchEncoder.INSERT_SETTINGS.forEach(insertSettings::put);
        ObjectNode tableRows = manifest.putObject("rows");
        rows.forEach(tableRows::put);
        mapper.writerWithDefaultPrettyPrinter().writeValue(out.resolve("manifest.json").toFile(), manifest);
        writeQueries(out.resolve("sql"));
        return manifest;
    }

    /** Every API query of each dialect, expanded, into {@code <dir>/<dialect>/api/<name>.sql}. */
    static void writeQueries(Path dir) throws Exception {
        for (String dialect : List.of("duckdb", "clickhouse")) {
            SqlCatalog catalog = new SqlCatalog(dialect);
            Path sources = Path.of(SqlCatalog.class.getClassLoader().getResource("sql/" + dialect + "/api").toURI());
            List<String> names;
            try (var files = Files.list(sources)) {
                names = files.map(p -> p.getFileName().toString().replace(".sql", "")).sorted().toList();
            }
            Path api = Files.createDirectories(dir.resolve(dialect).resolve("api"));
            try (var old = Files.list(api)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            for (String name : names) {
                Files.writeString(api.resolve(name + ".sql"), catalog.text(name));
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            opt.put(args[i].substring(2), args[i + 1]);
        }
        return opt;
    }
}
