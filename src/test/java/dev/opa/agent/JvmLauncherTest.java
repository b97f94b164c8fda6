package dev.opa.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.opa.agent.config.HeapBudget;
import dev.opa.agent.config.YamlFlattener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    void applicationYamlsBufferLimitsFitTheDefaultHeapUnscaled() throws Exception {
        String xmx = List.of(JvmLauncher.DEFAULT_OPTIONS.split("\\s+")).stream().filter(f -> f.startsWith("-Xmx"))
                .findFirst().orElseThrow();
        assertTrue(xmx.endsWith("m"), xmx);
        // SerialGC reports -Xmx minus one survivor space (1/30 of the heap with its default ratios) as maxMemory()
        long maxMemory = Long.parseLong(xmx.substring(4, xmx.length() - 1)) * (1 << 20) * 29 / 30;
        Map<String, String> yaml = YamlFlattener.read(Path.of("application.yaml"));
        long tail = Long.parseLong(yaml.get("opa.tail.max-bytes"));
        long pending = Long.parseLong(yaml.get("opa.batch.max-pending-bytes"));
        long buffered = Long.parseLong(yaml.get("opa.ingest.max-buffered-bytes"));
        long decoding = Long.parseLong(yaml.get("opa.ingest.max-decoding-bytes"));
        assertFalse(HeapBudget.fit(tail, pending, buffered, decoding, maxMemory).scaled(),
                "a start with the defaults would log that it scaled the buffers down");
        assertTrue(pending >= buffered, "opa.batch.max-pending-bytes below opa.ingest.max-buffered-bytes");
    }

    @Test
    void testsAndEmbeddersRunInProcess() throws Exception {
        assertEquals(-1, JvmLauncher.relaunchIfNeeded(new String[0]), "not started from the agent's jar: no child");
    }
}
