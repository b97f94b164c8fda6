package dev.opa.agent.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opa.agent.model.Batch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quarantine for single spans, errors and logs the store rejects while it accepts others (see {@link SpoolReplay}).
 * One file per item in one directory, in the spool's own format (a {@link Batch} of one item) plus a
 * {@code "quarantine"} object with the reason, the error text and the time, which the spool ignores when reading.
 * File names are spool names ({@code <20-digit sequence>.batch.json}, the sequence taken from the clock so
 * they do not collide with the spool's own): to replay, stop the agent, move the files into the spool directory
 * and start it (docs/store-failures.md).
 *
 * <p>Bounded by {@code maxBytes}: when full, an item is dropped (counted, logged) instead. Every item is logged
 * once, with its reason. Meters: {@code opa_deadletter_items_total}, {@code opa_deadletter_dropped_items_total},
 * {@code opa_deadletter_files}, {@code opa_deadletter_bytes}.
 */
public class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Path dir;
    private final long maxBytes;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final Counter quarantined;
    private final Counter dropped;
    private long lastSequence;

    public DeadLetters(Path dir, long maxBytes, MeterRegistry meters) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.quarantined = Counter.builder("opa.deadletter.items")
                .description("spans/errors/logs the store rejected, written to the dead-letter directory").register(meters);
        this.dropped = Counter.builder("opa.deadletter.dropped.items")
                .description("rejected items lost because the dead-letter directory was full").register(meters);
        Gauge.builder("opa.deadletter.files", files, AtomicLong::get).description("items in the dead-letter directory")
                .register(meters);
        Gauge.builder("opa.deadletter.bytes", bytes, AtomicLong::get).description("bytes in the dead-letter directory")
                .register(meters);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> list = Files.list(dir)) {
                for (Path p : (Iterable<Path>) list::iterator) {
                    if (p.getFileName().toString().endsWith(Spool.SUFFIX)) {
                        bytes.addAndGet(Files.size(p));
                        files.incrementAndGet();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot open dead-letter directory " + dir + ": " + e.getMessage(), e);
        }
        if (files.get() > 0) {
            LOG.warn("dead-letter directory {} holds {} items the store rejected earlier (docs/store-failures.md)",
                    dir, files.get());
        }
    }

    /** Items quarantined so far (files in the directory, including earlier runs). */
    public long count() {
        return files.get();
    }

    public Path dir() {
        return dir;
    }

    /** Writes one rejected item (a batch of size 1) with why it was rejected. */
    public synchronized void quarantine(Batch item, StoreFailure reason, Exception error) {
        String what = describe(item);
        String text = StoreFailures.text(error);
        try {
            ObjectNode doc = mapper.valueToTree(item);
            doc.putObject("quarantine").put("reason", reason.tag()).put("error", text)
                    .put("at", Instant.now().toString());
            byte[] data = mapper.writeValueAsBytes(doc);
            if (bytes.get() + data.length > maxBytes) {
                dropped.increment();
                LOG.error("dead-letter directory {} full ({} of {} bytes): dropped {} the store rejected ({}): {}",
                        dir, bytes.get(), maxBytes, what, reason.tag(), text);
                return;
            }
            Path file = dir.resolve(String.format("%020d%s", nextSequence(), Spool.SUFFIX));
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.write(tmp, data);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            bytes.addAndGet(data.length);
            files.incrementAndGet();
            quarantined.increment();
            LOG.warn("quarantined {}: the store rejects it ({}) while it accepts other data: {} -> {}",
                    what, reason.tag(), text, file);
        } catch (IOException e) {
            dropped.increment();
            LOG.error("cannot write dead-letter file in {}: dropped {} the store rejected ({}): {} [{}]",
                    dir, what, reason.tag(), text, e.getMessage());
        }
    }

    /** Clock-based and increasing: microseconds since the epoch, far above any spool sequence. */
    private long nextSequence() {
        lastSequence = Math.max(lastSequence + 1, System.currentTimeMillis() * 1000);
        return lastSequence;
    }

    static String describe(Batch item) {
        if (!item.spans().isEmpty()) {
            var s = item.spans().get(0);
            return "span trace_id=" + s.traceId() + " span_id=" + s.spanId() + " service=" + s.service();
        }
        if (!item.errors().isEmpty()) {
            var e = item.errors().get(0);
            return "error event trace_id=" + e.traceId() + " service=" + e.service() + " type=" + e.errorType();
        }
        var l = item.logs().get(0);
        return "log record trace_id=" + l.traceId() + " service=" + l.service();
    }
}
