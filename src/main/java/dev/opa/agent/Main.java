package dev.opa.agent;

/**
 * Starts the agent: camel-main with application.yaml (via {@link dev.opa.agent.config.YamlConfigSource}),
 * the beans of {@link AgentConfiguration} and the routes in routes/*.camel.yaml. SIGTERM stops it gracefully.
 * Started from its jar without heap flags, it runs itself in a child JVM with sensible ones ({@link JvmLauncher}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        int childStatus = JvmLauncher.relaunchIfNeeded(args);
        if (childStatus >= 0) {
            System.exit(childStatus);
        }
        JvmLauncher.exitWithParent();
        org.apache.camel.main.Main main = new org.apache.camel.main.Main();
        main.run(args);
    }
}
