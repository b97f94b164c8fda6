package dev.opa.agent;

/**
 * Starts the agent: camel-main with application.yaml (via {@link dev.opa.agent.config.YamlConfigSource}),
 * the beans of {@link AgentConfiguration} and the routes in routes/*.camel.yaml. SIGTERM stops it gracefully.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        org.apache.camel.main.Main main = new org.apache.camel.main.Main();
        main.run(args);
    }
}
