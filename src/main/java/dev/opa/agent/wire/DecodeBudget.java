package dev.opa.agent.wire;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Heap the frame decoders of all connections may hold at once ({@code opa.ingest.max-decoding-bytes}): each decoded
 * frame (a JSON line copied out of the socket buffer, an LZ4 frame's content, an attached stack and the scratch its
 * check decompresses into) is reserved here before it is allocated and given back once the ingest route has parsed
 * it (from then on the tail buffer and the batcher count it, against {@code opa.ingest.max-buffered-bytes}). So
 * the listeners' own buffers cannot outgrow a small heap when many connections deliver large frames at once: a
 * decoder that finds no room waits (its I/O thread stops reading, as behind the {@link
 * dev.opa.agent.pipeline.IngestGate}) until other connections' frames have been parsed. A single frame larger
 * than the whole budget is refused by the decoder as {@code oversize} (the frame limit is at most this budget).
 * Waits are timed as {@code opa_ingest_decode_wait_seconds}; {@code opa_ingest_decoding_bytes} is what is held.
 */
public class DecodeBudget {

    private final int limit;
    private final Semaphore bytes;
    private final Timer waits;

    public DecodeBudget(int limitBytes, MeterRegistry meters) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("opa.ingest.max-decoding-bytes must be > 0, got " + limitBytes);
        }
        this.limit = limitBytes;
        this.bytes = new Semaphore(limitBytes);
        this.waits = meters == null ? null : Timer.builder("opa.ingest.decode.wait")
                .description("time listeners waited (not reading) for room to decode a frame").register(meters);
        if (meters != null) {
            Gauge.builder("opa.ingest.decoding.bytes", this, DecodeBudget::held).baseUnit("bytes")
                    .description("bytes of decoded frames not yet parsed (opa.ingest.max-decoding-bytes)").register(meters);
        }
    }

    /** No limit (benchmarks and tests of the decoder alone). */
    public static DecodeBudget unlimited() {
        return new DecodeBudget(Integer.MAX_VALUE, null);
    }

    public int limit() {
        return limit;
    }

    public long held() {
        return limit - bytes.availablePermits();
    }

    /** Reserves {@code n} bytes (at most the limit) if there is room now. */
    boolean tryTake(int n) {
        return bytes.tryAcquire(n);
    }

    /** Reserves {@code n} bytes (at most the limit), waiting until other decoders give back enough. */
    void take(int n) {
        long start = System.nanoTime();
        bytes.acquireUninterruptibly(n);
        if (waits != null) {
            waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    void give(int n) {
        if (n > 0) {
            bytes.release(n);
        }
    }
}
