package dev.opa.agent.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opa.agent.model.Batch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded on-disk queue of batches the store could not take: one file per batch ({@code <20-digit
 * sequence>.batch.json}, the JSON form of {@link Batch}), replayed oldest first. Survives restarts. When full,
 * the newest batch (the one being added) is dropped and counted.
 *
 * <p>The two oldest batches are read and parsed once and kept in memory until removed, so a replay that is
 * retried every second against a failing store costs no disk reads or parsing ({@link #peek}).
 *
 * <p>Meters: {@code opa_spool_bytes}, {@code opa_spool_batches}, {@code opa_spool_batches_written_total},
 * {@code opa_spool_dropped_batches_total}, {@code opa_spool_dropped_spans_total}.
 */
public class Spool {

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    static final String SUFFIX = ".batch.json";
    private static final int CACHED = 2;

    private final Path dir;
    private final long maxBytes;
    private final ObjectMapper mapper = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final TreeMap<Long, Long> files = new TreeMap<>(); // sequence -> size
    private final Map<Long, Batch> parsed = new HashMap<>();  // at most the CACHED oldest
    private final AtomicLong bytes = new AtomicLong();
    private final Counter droppedBatches;
    private final Counter droppedSpans;
    private final Counter spooled;
    private long nextSequence;

    private java.util.function.LongConsumer appended = at -> { };

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
                    if (name.endsWith(".tmp")) {
                        Files.deleteIfExists(p); // half-written by a crash: never acknowledged as spooled
                    } else if (name.endsWith(SUFFIX)) {
                        Long seq = sequenceOf(name);
                        if (seq == null) {
                            LOG.warn("spool {}: ignoring {} (not <digits>{})", dir, name, SUFFIX);
                            continue;
                        }
                        long size = Files.size(p);
                        files.put(seq, size);
                        bytes.addAndGet(size);
                    }
                }
            }
            nextSequence = files.isEmpty() ? 1 : files.lastKey() + 1;
            if (!files.isEmpty()) {
                LOG.info("spool {} holds {} batches ({} bytes) to replay", dir, files.size(), bytes.get());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot open spool directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Long sequenceOf(String name) {
        String digits = name.substring(0, name.length() - SUFFIX.length());
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return null; // more than a long
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

    public Path dir() {
        return dir;
    }

    /** Called with the time of each append (the replay route is run some time after; nothing polls the spool). */
    public synchronized void onAppend(java.util.function.LongConsumer listener) {
        this.appended = listener;
    }

    /**
     * Adds a batch at the end; drops it (counted, logged) when the spool would exceed its limit or it cannot be
     * written. The batch is streamed to its file, never built as one array in the heap (a batch of real traffic is
     * ~8 MB held, several times that as JSON: serialised in memory it ran the default heap out of memory).
     */
    public synchronized void append(Batch batch) {
        long seq = nextSequence;
        Path tmp = dir.resolve(seq + ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                mapper.writeValue(out, batch);
            }
            long size = Files.size(tmp);
            if (bytes.get() + size > maxBytes) {
                Files.deleteIfExists(tmp);
                droppedBatches.increment();
                droppedSpans.increment(batch.spans().size());
                LOG.warn("spool full ({} of {} bytes): dropped a batch of {} items", bytes.get(), maxBytes, batch.size());
                return;
            }
            nextSequence++;
            moveInto(tmp, seq);
            files.put(seq, size);
            bytes.addAndGet(size);
            spooled.increment();
            appended.accept(System.currentTimeMillis());
        } catch (IOException | OutOfMemoryError e) {
            deleteQuietly(tmp);
            droppedBatches.increment();
            droppedSpans.increment(batch.spans().size());
            LOG.error("cannot spool a batch of {} items, dropped: {}", batch.size(), e.toString());
            throw new UncheckedIOException("cannot spool batch: " + e, e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the write already failed; its error is the one reported
        }
    }

    /** The oldest batch, or null when empty. */
    public Batch peekOldest() {
        return peek(0);
    }

    /**
     * The batch at {@code position} (0 = oldest, 1 = the one after it), or null when there is none. Read from
     * disk once and kept until removed. An unreadable file is moved aside ({@code <seq>.bad}), counted as
     * dropped and skipped.
     */
    public synchronized Batch peek(int position) {
        if (position < 0 || position >= CACHED) {
            throw new IllegalArgumentException("only the " + CACHED + " oldest batches can be peeked");
        }
        while (true) {
            Long seq = sequenceAt(position);
            if (seq == null) {
                return null;
            }
            Batch batch = parsed.get(seq);
            if (batch != null) {
                return batch;
            }
            try {
                batch = mapper.readValue(file(seq).toFile(), Batch.class);
                parsed.put(seq, batch);
                return batch;
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
    }

    /** Removes the oldest batch once it has been stored (or quarantined). */
    public void removeOldest() throws IOException {
        remove(0);
    }

    /** Removes the batch at {@code position} (0 or 1) once it has been stored. */
    public synchronized void remove(int position) throws IOException {
        Long seq = sequenceAt(position);
        if (seq != null) {
            Files.deleteIfExists(file(seq));
            forget(seq);
        }
    }

    /** Replaces the oldest batch by what is left of it (after part of it was stored), atomically on disk. */
    public synchronized void replaceOldest(Batch remainder) throws IOException {
        Long seq = sequenceAt(0);
        if (seq == null) {
            throw new IllegalStateException("spool is empty");
        }
        byte[] data = mapper.writeValueAsBytes(remainder);
        writeAtomically(seq, data);
        bytes.addAndGet(data.length - files.put(seq, (long) data.length));
        parsed.put(seq, remainder);
    }

    private Long sequenceAt(int position) {
        Iterator<Long> it = files.keySet().iterator();
        for (int i = 0; i < position && it.hasNext(); i++) {
            it.next();
        }
        return it.hasNext() ? it.next() : null;
    }

    private void writeAtomically(long seq, byte[] data) throws IOException {
        Path tmp = dir.resolve(seq + ".tmp");
        Files.write(tmp, data);
        moveInto(tmp, seq);
    }

    private void moveInto(Path tmp, long seq) throws IOException {
        try {
            Files.move(tmp, file(seq), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file(seq), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void forget(long seq) {
        parsed.remove(seq);
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
