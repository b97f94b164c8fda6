package dev.opa.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs its task when asked, on ticks of its period, coalesced; never on its own. */
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
        Thread.sleep(450);
        assertEquals(1, runs.get());
        Thread.sleep(600);
        assertEquals(1, runs.get(), "nothing asked: no run");
        long now = System.currentTimeMillis();
        wakeup.at(now + 10_000);
        wakeup.at(now + 300);
        long at = wakeup.scheduledAt();
        assertTrue(at >= now + 300 && at < now + 600 && at % 200 == 0, "the earlier ask, on a tick: " + (at - now));
        Thread.sleep(900);
        assertEquals(2, runs.get(), "one run for both asks: the earlier replaced the later");
    }

    @Test
    void asksCloseTogetherShareOneRun() throws Exception {
        wakeup.task(runs::incrementAndGet);
        Thread.sleep(450);
        assertEquals(1, runs.get());
        for (int i = 0; i < 50; i++) {
            wakeup.now();
        }
        Thread.sleep(600);
        assertEquals(2, runs.get());
    }
}
