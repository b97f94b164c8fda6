package dev.opa.agent.store.duckdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The call stacks and large record lists of the DuckDB store, outside the database: append-only segment files
 * ({@code 000001.seg}, rotated at {@code maxSegmentBytes}) in a directory beside the database file, each stack as its
 * {@code StackCodec} bytes and each span's record lists as one {@link DetailBlock}; a {@code spans_full} row refers to
 * them by segment, offset and length (small ones stay in the row: {@code DuckDbSpanStore.INLINE_STACK_BYTES},
 * {@code INLINE_DETAIL_CHARS}).
 *
 * <p>Why not a BLOB column: a fully captured request of a real application carries a 60-130 KB compressed stack,
 * ~85% of its bytes. Held in DuckDB, 50 such requests per second filled the 128MB memory limit at checkpoint
 * ("failed to pin block"), invalidated the database and cost ~15 ms of agent CPU per trace; appended to a file
 * they cost a write and one fsync per batch, and DuckDB holds only the small columns. Bytes of a batch whose
 * transaction then fails stay in the file unreferenced (a retry appends them again).
 */
final class StackSegments implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("(\\d{6,})\\.seg");

    /** Where one stack lives. */
    record Ref(int segment, long offset, int length) {
    }

    private final Path dir;
    private final long maxSegmentBytes;
    private int segment;
    private FileChannel out;
    private long position;
    private boolean unsynced;

    StackSegments(Path dir, long maxSegmentBytes) throws IOException {
        this.dir = dir;
        this.maxSegmentBytes = maxSegmentBytes;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.map(p -> NAME.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).max().orElse(1);
        }
        open();
    }

    private void open() throws IOException {
        out = FileChannel.open(file(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        position = out.size();
    }

    private Path file(int n) {
        return dir.resolve(String.format("%06d.seg", n));
    }

    /** Appends one stack; durable after {@link #sync()}. */
    synchronized Ref append(byte[] stack) throws IOException {
        if (position > 0 && position + stack.length > maxSegmentBytes) {
            sync();
            out.close();
            segment++;
            open();
        }
        ByteBuffer b = ByteBuffer.wrap(stack);
        long at = position;
        while (b.hasRemaining()) {
            position += out.write(b, position);
        }
        unsynced = true;
        return new Ref(segment, at, stack.length);
    }

    /** Makes every appended stack durable (before the transaction that refers to them commits). */
    synchronized void sync() throws IOException {
        if (unsynced) {
            out.force(false);
            unsynced = false;
        }
    }

    /** The bytes at a {@link Ref}; an IOException names the file and what is wrong (missing, too short). */
    byte[] read(int seg, long offset, int length) throws IOException {
        Path f = file(seg);
        if (length < 0 || offset < 0) {
            throw new IOException("segment " + f + ": no block at offset " + offset + " of length " + length);
        }
        try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            while (b.hasRemaining()) {
                if (in.read(b, offset + b.position()) < 0) {
                    throw new IOException("segment " + f + " ends before " + (offset + length));
                }
            }
            return b.array();
        } catch (NoSuchFileException e) {
            throw new IOException("segment " + f + " is missing", e);
        }
    }

    /**
     * Deletes the segment files numbered below {@code lowest} (the lowest one a stored row still refers to), never
     * the open one; for retention. Returns how many files it deleted.
     */
    synchronized int deleteBelow(int lowest) throws IOException {
        int below = Math.min(lowest, segment);
        int deleted = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) < below && Files.deleteIfExists(p)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    @Override
    public synchronized void close() throws IOException {
        sync();
        out.close();
    }
}
