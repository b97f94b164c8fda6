package dev.opa.agent;

import dev.opa.agent.boot.StartupFailure;
import dev.opa.agent.config.YamlConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the agent: camel-main with application.yaml (via {@link dev.opa.agent.config.YamlConfigSource}),
 * the beans of {@code dev.opa.agent.beans} (one configuration class per routes file) and the routes in routes/*.camel.yaml. SIGTERM stops it gracefully.
 * Started from its jar without heap flags, it runs itself in a child JVM with sensible ones ({@link JvmLauncher}).
 * Anything that keeps the agent from starting ends the process with status {@value #START_FAILED} and one
 * line on stderr beginning with {@value #FAILURE_PREFIX}.
 */
public final class Main {

    public static final int START_FAILED = 1;
    public static final String FAILURE_PREFIX = "opa-agent: cannot start: ";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int childStatus = JvmLauncher.relaunchIfNeeded(args);
        if (childStatus >= 0) {
            System.exit(childStatus);
        }
        JvmLauncher.exitWithParent();
        Path config = YamlConfigSource.configFile();
        if (!Files.isRegularFile(config)) {
            exit("configuration file " + config.toAbsolutePath() + " not found (change OPA_CONFIG or -Dopa.config,"
                    + " or start the agent in the folder holding application.yaml)");
        }
        try {
            new org.apache.camel.main.Main().run(args);
        } catch (Throwable t) {
            StartupFailure failure = StartupFailure.in(t);
            exit(failure != null ? failure.getMessage() : StartupFailure.describe(t));
        }
    }

    private static void exit(String line) {
        System.err.flush();
        System.err.println(FAILURE_PREFIX + line);
        System.err.flush();
        System.exit(START_FAILED);
    }
}
