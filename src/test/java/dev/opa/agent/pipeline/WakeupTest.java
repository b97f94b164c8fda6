package dev.opa.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs its task when asked, coalesced; never on its own. */
class WakeupTest {

    private final AtomicInteger runs = new AtomicInteger();
    private final Wakeup wakeup = new Wakeup("test", 200);

    @AfterEach
    void stop() {
        wakeup.stop();
    }

    @Test
    void runsOnlyWhenAskedAndTheEarliestAskWins() throws Exception {
        wakeup.task(runs::incrementAndGet); // runs once for what was asked before the task existed
        Thread.sleep(100);
        assertEquals(1, runs.get());
        Thread.sleep(400);
        assertEquals(1, runs.get(), "nothing asked: no run");
        long now = System.currentTimeMillis();
        wakeup.at(now + 10_000);
        wakeup.at(now + 300);
        assertTrue(wakeup.scheduledAt() >= now + 300 && wakeup.scheduledAt() < now + 10_000);
        Thread.sleep(600);
        assertEquals(2, runs.get(), "one run for both asks: the earlier replaced the later");
    }

    @Test
    void asksWithinTheMinimumPeriodCoalesce() throws Exception {
        wakeup.task(runs::incrementAndGet);
        Thread.sleep(50);
        for (int i = 0; i < 50; i++) {
            wakeup.now(); // within 200 ms of the first run: one more run, at its end
        }
        Thread.sleep(50);
        assertEquals(1, runs.get());
        Thread.sleep(400);
        assertEquals(2, runs.get());
    }
}
