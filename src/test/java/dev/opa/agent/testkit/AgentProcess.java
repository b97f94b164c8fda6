package dev.opa.agent.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The agent's real Main in a child JVM (the test classpath), configured by environment variables. */
public final class AgentProcess {

    private AgentProcess() {
    }

    /** Starts Main in the project folder with the given environment; output goes to {@code log}. */
    public static Process start(Map<String, String> env, Path log) throws IOException {
        return start(List.of("-Xmx256m"), env, log);
    }

    /** The same with the given JVM options (e.g. the ones {@code java -jar} gives the agent). */
    public static Process start(List<String> jvmOptions, Map<String, String> env, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, "dev.opa.agent.Main"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Waits until the agent on {@code httpPort} is ready (60 s at most). */
    public static void awaitReady(int httpPort) {
        Await.until("agent ready", () -> {
            try {
                return Http.get(httpPort, "/health/ready").statusCode();
            } catch (AssertionError notYet) {
                return -1;
            }
        }, c -> c == 200, 60_000);
    }

    /** Exit status and output of an agent expected to stop on its own within {@code timeoutSeconds}. */
    public static Exit runToExit(Map<String, String> env, Path log, long timeoutSeconds) throws Exception {
        Process p = start(env, log);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("agent still running after " + timeoutSeconds + " s:\n" + tail(log));
        }
        return new Exit(p.exitValue(), Files.readString(log));
    }

    public static String tail(Path log) throws IOException {
        String s = Files.readString(log);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    public record Exit(int status, String output) {
    }
}
