package dev.opa.agent;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gives {@code java -jar opa-agent.jar} sensible JVM flags. A jar cannot set its own heap, and the JVM's defaults
 * (a quarter of the host's RAM for the heap, G1, a 240 MB code cache) made a plain start take 0.4-1 GB on a PHP
 * host. So when the agent runs from its jar and no heap flag was given, it starts itself again as a child JVM with
 * {@link #DEFAULT_OPTIONS} (or {@code OPA_JAVA_OPTS}), passes on its arguments, system properties and I/O, forwards
 * SIGTERM/SIGINT and exits with the child's status; the child ends itself when the parent disappears.
 * Any {@code -Xmx}, {@code -XX:MaxRAM...} or {@code OPA_JVM_RELAUNCH=false} keeps the single process as started.
 */
public final class JvmLauncher {

    /**
     * The child's JVM, sized as application.yaml's memory model says: a 112 MB heap (the tail buffer, the batcher and
     * the frame decoders' budget take under half of it, counted by the ingest gate; the rest is parsing garbage, the
     * batch being stored, the dashboard's answers and the ids of recently completed traces); SerialGC (no GC threads or remembered sets, fine for a heap this
     * small on a host whose cores serve PHP); the C1 compiler only ({@code TieredStopAtLevel=1}: C2's arenas of up to
     * 33 MB, its larger code and its compile time of ~1 ms of CPU per request while it warms cost more here than its
     * faster code saves, docs/benchmarks.md); bounded code cache, metaspace and direct memory; and glibc's free
     * memory given back every second (JDK 17.0.9+; DuckDB's and the JIT's transient malloc peaks otherwise stay
     * resident as free chunks).
     */
    public static final String DEFAULT_OPTIONS = "-Xmx112m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
            + "-XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=128m -XX:MaxDirectMemorySize=64m "
            + "-XX:TrimNativeHeapInterval=1000 -XX:-UsePerfData";

    static final String CHILD_ENV = "OPA_AGENT_CHILD";

    private JvmLauncher() {
    }

    /** Runs the agent in a child JVM when that is needed; returns the child's exit status, or -1 to run in-process. */
    static int relaunchIfNeeded(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        Path jar = ownJar();
        if (env.containsKey(CHILD_ENV) || "false".equalsIgnoreCase(env.getOrDefault("OPA_JVM_RELAUNCH", ""))
                || jar == null || heapChosen(jvmArgs) || heapChosen(List.of(env.getOrDefault("JAVA_TOOL_OPTIONS", "")
                        .split("\\s+")))) {
            return -1;
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        Arrays.stream(env.getOrDefault("OPA_JAVA_OPTS", DEFAULT_OPTIONS).trim().split("\\s+"))
                .filter(o -> !o.isEmpty()).forEach(command::add);
        command.addAll(jvmArgs); // -D settings and the like given to this JVM
        command.addAll(List.of("-cp", jar.toString(), Main.class.getName()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put(CHILD_ENV, "1");
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // glibc arenas per thread: DuckDB's native memory
        // DuckDB's own jemalloc keeps freed pages for a while (and purges only when it allocates again): each batch
        // and checkpoint then left 20-40 MB resident on top of what DuckDB holds. Give them back at once.
        pb.environment().putIfAbsent("DUCKDB_JE_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0");
        Process child = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (child.isAlive()) {
                child.destroy(); // SIGTERM: the child drains and stores what it holds
                try {
                    child.waitFor(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "opa-launcher-stop"));
        return child.waitFor();
    }

    /** In the child: stop (gracefully, via the shutdown hooks) when the launching parent is gone. */
    static void exitWithParent() {
        if (System.getenv(CHILD_ENV) != null) {
            ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> System.exit(0)));
        }
    }

    static boolean heapChosen(List<String> jvmArgs) {
        return jvmArgs.stream().anyMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxHeapSize")
                || a.startsWith("-XX:MaxRAM"));
    }

    private static Path ownJar() {
        try {
            Path p = Path.of(JvmLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? p : null;
        } catch (Exception e) {
            return null;
        }
    }
}
