package dev.opa.agent.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.model.Batch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded on-disk queue of batches the store could not take: one file per batch, named by sequence number,
 * replayed oldest first. Survives restarts. When full, the newest batch (the one being added) is dropped and
 * counted. Meters: {@code opa_spool_bytes}, {@code opa_spool_batches}, {@code opa_spool_dropped_batches_total},
 * {@code opa_spool_dropped_spans_total}.
 */
public class Spool {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final String SUFFIX = ".batch.json";

    private final Path dir;
    private final long maxBytes;
    private final ObjectMapper mapper = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final TreeMap<Long, Long> files = new TreeMap<>(); // sequence -> size
    private final AtomicLong bytes = new AtomicLong();
    private final Counter droppedBatches;
    private final Counter droppedSpans;
    private final Counter spooled;
    private long nextSequence;

    public Spool(Path dir, long maxBytes, MeterRegistry meters) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.droppedBatches = Counter.builder("opa.spool.dropped.batches").description("batches lost: spool full")
                .register(meters);
        this.droppedSpans = Counter.builder("opa.spool.dropped.spans").description("spans lost: spool full")
                .register(meters);
        this.spooled = Counter.builder("opa.spool.batches.written").description("batches written to the spool")
                .register(meters);
        Gauge.builder("opa.spool.bytes", bytes, AtomicLong::get).description("bytes waiting in the spool").register(meters);
        Gauge.builder("opa.spool.batches", this, Spool::size).description("batches waiting in the spool").register(meters);
        load();
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            try (Stream<Path> list = Files.list(dir)) {
                for (Path p : (Iterable<Path>) list::iterator) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(SUFFIX)) {
                        long seq = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                        long size = Files.size(p);
                        files.put(seq, size);
                        bytes.addAndGet(size);
                    } else if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(p); // half-written by a crash: never acknowledged as spooled
                    }
                }
            }
            nextSequence = files.isEmpty() ? 1 : files.lastKey() + 1;
            if (!files.isEmpty()) {
                LOG.info("spool {} holds {} batches ({} bytes) to replay", dir, files.size(), bytes.get());
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot open spool directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public synchronized boolean isEmpty() {
        return files.isEmpty();
    }

    public synchronized int size() {
        return files.size();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Adds a batch at the end; drops it (counted) when the spool would exceed its limit. */
    public synchronized void append(Batch batch) {
        try {
            byte[] data = mapper.writeValueAsBytes(batch);
            if (bytes.get() + data.length > maxBytes) {
                droppedBatches.increment();
                droppedSpans.increment(batch.spans().size());
                LOG.warn("spool full ({} of {} bytes): dropped a batch of {} items", bytes.get(), maxBytes, batch.size());
                return;
            }
            long seq = nextSequence++;
            Path tmp = dir.resolve(seq + ".tmp");
            Files.write(tmp, data);
            try {
                Files.move(tmp, file(seq), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(seq), StandardCopyOption.REPLACE_EXISTING);
            }
            files.put(seq, (long) data.length);
            bytes.addAndGet(data.length);
            spooled.increment();
        } catch (IOException e) {
            droppedBatches.increment();
            droppedSpans.increment(batch.spans().size());
            throw new UncheckedIOException("cannot spool batch: " + e.getMessage(), e);
        }
    }

    /** The oldest batch, or null when empty. An unreadable file is moved aside and skipped. */
    public synchronized Batch peekOldest() {
        while (!files.isEmpty()) {
            long seq = files.firstKey();
            try {
                return mapper.readValue(file(seq).toFile(), Batch.class);
            } catch (IOException e) {
                LOG.error("spool file {} is unreadable, moved aside: {}", file(seq), e.getMessage());
                try {
                    Files.move(file(seq), dir.resolve(seq + ".bad"), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException ignored) {
                    // removal below still takes it out of the queue
                }
                forget(seq);
                droppedBatches.increment();
            }
        }
        return null;
    }

    /** Removes the oldest batch once it has been stored. */
    public synchronized void removeOldest() throws IOException {
        if (!files.isEmpty()) {
            long seq = files.firstKey();
            Files.deleteIfExists(file(seq));
            forget(seq);
        }
    }

    private void forget(long seq) {
        Long size = files.remove(seq);
        if (size != null) {
            bytes.addAndGet(-size);
        }
    }

    private Path file(long seq) {
        return dir.resolve(String.format("%020d%s", seq, SUFFIX));
    }

    List<Long> sequences() {
        return List.copyOf(files.keySet());
    }
}
