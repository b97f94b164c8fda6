package dev.opa.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The agent's real Main in a child JVM (the test classpath), configured by environment variables. */
public final class AgentProcess {

    private AgentProcess() {
    }

    /** Starts Main in the project folder with the given environment; output goes to {@code log}. */
    public static Process start(Map<String, String> env, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, "dev.opa.agent.Main")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
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

    static String tail(Path log) throws IOException {
        String s = Files.readString(log);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    public record Exit(int status, String output) {
    }
}
