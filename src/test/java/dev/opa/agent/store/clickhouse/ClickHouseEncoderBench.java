package dev.opa.agent.store.clickhouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.model.Batch;
import dev.opa.agent.store.DerivedRows;
import dev.opa.agent.testkit.RealisticTraces;
import java.util.ArrayList;
import java.util.List;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

/**
 * Encoder throughput and wire size of the ClickHouse writer: realistic batches (RealisticTraces) encoded
 * to their JSONEachRow payloads on one thread, and the payloads LZ4-compressed as the client sends them.
 * Numbers go to docs/benchmarks.md, not to a test.
 *
 * <pre>java -cp "target/classes:target/test-classes:$(cat target/ch-classpath.txt)" \
 *     dev.opa.agent.store.clickhouse.ClickHouseEncoderBench [spans=200000] [batch=5000]</pre>
 */
public final class ClickHouseEncoderBench {

    public static void main(String[] args) {
        int spans = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        RealisticTraces traces = new RealisticTraces(7, ClickHouseDatasetExport.defaultStartMs(), 40);
        List<Batch> batches = new ArrayList<>();
        for (int n = 0; n < spans; ) {
            Batch b = traces.nextBatch(batchSize);
            batches.add(b);
            n += b.spans().size();
        }
        int total = batches.stream().mapToInt(b -> b.spans().size()).sum();
        ClickHouseBatchEncoder encoder = new ClickHouseBatchEncoder(new ObjectMapper());
        for (int i = 0; i < 3; i++) { // warm-up
            batches.forEach(encoder::encode);
        }
        long raw = 0;
        long start = System.nanoTime();
        for (Batch b : batches) {
            for (InsertPayload p : encoder.encode(b)) {
                raw += p.body().length;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long derivedStart = System.nanoTime();
        long derivedRows = 0;
        for (Batch b : batches) {
            for (var span : b.spans()) {
                derivedRows += DerivedRows.sql(span).size() + DerivedRows.http(span).size() + DerivedRows.dumps(span).size();
            }
        }
        double derivedSeconds = (System.nanoTime() - derivedStart) / 1e9;
        LZ4Compressor lz4 = LZ4Factory.fastestInstance().fastCompressor();
        long wire = 0;
        for (Batch b : batches) {
            for (InsertPayload p : encoder.encode(b)) {
                wire += lz4.compress(p.body()).length;
            }
        }
        System.out.printf("spans %d in %d batches of ~%d (with their SQL/HTTP/dump rows, errors, logs)%n",
                total, batches.size(), batchSize);
        System.out.printf("encode: %.2f s, %.0f spans/s on one thread%n", seconds, total / seconds);
        System.out.printf("  of which the store-neutral row derivation (DerivedRows: SQL normalising, URL templating): "
                + "%.2f s for %d rows%n", derivedSeconds, derivedRows);
        System.out.printf("payload: %.0f B/span JSONEachRow, %.0f B/span LZ4 (as sent)%n",
                (double) raw / total, (double) wire / total);
    }
}
