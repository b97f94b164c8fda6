package dev.opa.agent.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per /api request, denied ones included, written when the response ends:
 * {@code {"time","key","remote","method","path","status","ms"}}. The key is its id from opa.api.keys (never
 * the key itself; "-" when none was accepted), the path has no query string (the live stream's
 * {@code ?token=} must not reach the file). The file is separate from the application log and rotated by size
 * with the JDK's {@link FileHandler} (the agent's slf4j-simple backend has no rolling file): {@code
 * api-audit.0.log} is the current file, {@code .1} the one before, up to {@code files} of them.
 */
public final class ApiAuditLog implements Handler<RoutingContext>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiAuditLog.class);
    static final String FILE_PATTERN = "api-audit.%g.log";

    private final Path dir;
    private final int maxFileBytes;
    private final int files;
    private final AtomicLong failures = new AtomicLong();
    private FileHandler file; // opened on the first request: a bean instance that never serves holds no file lock

    /** @param dir empty switches the audit log off */
    public ApiAuditLog(String dir, long maxFileBytes, int files) {
        this.dir = dir == null || dir.isBlank() ? null : Path.of(dir.strip());
        this.maxFileBytes = (int) Math.min(Integer.MAX_VALUE, Math.max(1024, maxFileBytes));
        this.files = Math.max(1, files);
        if (this.dir != null) { // fail at start, not on the first request
            try {
                Files.createDirectories(this.dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the audit log folder " + this.dir + " (change opa.api.audit.dir)", e);
            }
            if (!Files.isWritable(this.dir)) {
                throw new IllegalStateException("audit log folder " + this.dir + " is not writable (change opa.api.audit.dir)");
            }
        }
    }

    private synchronized FileHandler file() {
        if (file == null) {
            try {
                Path folder = Files.createDirectories(dir);
                String pattern = folder.toAbsolutePath().toString().replace("%", "%%") + "/" + FILE_PATTERN;
                file = new FileHandler(pattern, maxFileBytes, files, true);
                file.setEncoding("UTF-8");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the audit log in " + dir + " (opa.api.audit.dir)", e);
            }
            file.setFormatter(new Formatter() {
                @Override
                public String format(LogRecord record) {
                    return record.getMessage() + "\n";
                }
            });
            file.setErrorManager(new ErrorManager() {
                @Override
                public synchronized void error(String msg, Exception ex, int code) {
                    failed(ex);
                }
            });
        }
        return file;
    }

    public boolean enabled() {
        return dir != null;
    }

    /** Audit lines that could not be written (disk full, permissions). */
    public long failures() {
        return failures.get();
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (dir != null) {
            long start = System.nanoTime();
            ctx.addEndHandler(done -> write(ctx, start));
        }
        ctx.next();
    }

    private void write(RoutingContext ctx, long startNanos) {
        ApiAuth.Key key = ctx.get(ApiGuard.KEY);
        ObjectNode line = JsonColumns.mapper().createObjectNode()
                .put("time", Instant.now().toString())
                .put("key", key == null ? "-" : key.id())
                .put("remote", ApiGuard.remoteHost(ctx.request()))
                .put("method", ctx.request().method().name())
                .put("path", ctx.request().path())
                .put("status", ctx.response().getStatusCode())
                .put("ms", (System.nanoTime() - startNanos) / 1_000_000);
        try {
            file().publish(new LogRecord(Level.INFO, line.toString()));
        } catch (UncheckedIOException e) {
            failed(e);
        }
    }

    private void failed(Exception cause) {
        if (failures.getAndIncrement() == 0) {
            LOG.error("audit log lines cannot be written to {} (counted in opa_api_audit_failures_total)", dir, cause);
        }
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            file.close();
        }
    }
}
