package dev.opa.agent.pipeline;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task when something is due, instead of polling: a pipeline stage calls {@link #at(long)} with the time
 * its next work is due (a trace's grace ends, a batch is full or old enough), and the task (a route) runs on this
 * wakeup's own thread at the earliest time asked for, rounded up to a multiple of {@code minPeriodMs} and not
 * sooner than that after its previous run — so that due times close together coalesce into one run, as with a
 * timer of that period. Nothing runs while nothing is due: an idle agent
 * does no work (polling timers cost ~13 ms of CPU per second here). A Camel service: stopped with the context.
 */
public final class Wakeup extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Wakeup.class);

    private final String name;
    private final long minPeriodMs;
    private final LongSupplier clock;
    private final ScheduledExecutorService thread;
    private volatile Runnable task = () -> { };
    private volatile Runnable after = () -> { };
    private long scheduledAt = Long.MAX_VALUE;
    private long lastRunMs = Long.MIN_VALUE / 2;
    private ScheduledFuture<?> pending;

    public Wakeup(String name, long minPeriodMs) {
        this(name, minPeriodMs, System::currentTimeMillis);
    }

    Wakeup(String name, long minPeriodMs, LongSupplier clock) {
        this.name = name;
        this.minPeriodMs = minPeriodMs;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "opa-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** What runs when due (set once the routes exist); runs once now for what was asked before. */
    public void task(Runnable task) {
        this.task = task;
        now();
    }

    /** Runs after each run of the task (e.g. to ask again while work remains). */
    public void after(Runnable after) {
        this.after = after;
    }

    /** Asks for a run at {@code epochMs} (or as soon as allowed); an earlier pending run covers a later ask. */
    public synchronized void at(long epochMs) {
        long when = Math.max(epochMs, lastRunMs + minPeriodMs);
        if (minPeriodMs > 0) {
            when = Math.floorDiv(when + minPeriodMs - 1, minPeriodMs) * minPeriodMs; // on a tick of the period, like a
            // timer's: due times close together (the spans of one frame) share one run
        }
        if (when >= scheduledAt || thread.isShutdown()) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        scheduledAt = when;
        pending = thread.schedule(this::run, Math.max(0, when - clock.getAsLong()), TimeUnit.MILLISECONDS);
    }

    /** Asks for a run now (or as soon as allowed). */
    public void now() {
        at(clock.getAsLong());
    }

    /** The time of the pending run, {@link Long#MAX_VALUE} when none (for tests). */
    synchronized long scheduledAt() {
        return scheduledAt;
    }

    private void run() {
        synchronized (this) {
            scheduledAt = Long.MAX_VALUE;
            pending = null;
            lastRunMs = clock.getAsLong();
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", name, e.toString(), e); // the route's own error handling comes first
        } finally {
            after.run();
        }
    }

    @Override
    protected void doStop() {
        thread.shutdownNow();
    }
}
