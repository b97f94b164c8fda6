package dev.opa.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When java -jar runs the agent in a child JVM with bounded flags, and when it keeps the process as started. */
class JvmLauncherTest {

    @Test
    void anyHeapFlagOfTheUserKeepsOneProcess() {
        assertTrue(JvmLauncher.heapChosen(List.of("-Dopa.tcp.listen=:9090", "-Xmx256m")));
        assertTrue(JvmLauncher.heapChosen(List.of("-XX:MaxRAMPercentage=25")));
        assertTrue(JvmLauncher.heapChosen(List.of("-XX:MaxHeapSize=1g")));
        assertFalse(JvmLauncher.heapChosen(List.of("-Dopa.tcp.listen=:9090", "-Xss512k", "-XX:+UseSerialGC")));
    }

    @Test
    void theDefaultFlagsBoundEveryJvmMemoryArea() {
        List<String> flags = List.of(JvmLauncher.DEFAULT_OPTIONS.split("\\s+"));
        assertTrue(JvmLauncher.heapChosen(flags), "the child's own flags choose the heap: it never relaunches again");
        for (String bound : List.of("-Xmx", "-XX:ReservedCodeCacheSize=", "-XX:MaxMetaspaceSize=", "-XX:MaxDirectMemorySize=")) {
            assertEquals(1, flags.stream().filter(f -> f.startsWith(bound)).count(), bound);
        }
    }

    @Test
    void testsAndEmbeddersRunInProcess() throws Exception {
        assertEquals(-1, JvmLauncher.relaunchIfNeeded(new String[0]), "not started from the agent's jar: no child");
    }
}
