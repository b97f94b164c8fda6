package dev.opa.agent.model;

/**
 * The tenant of data that names none: the parser stores a message without {@code organization_id} /
 * {@code project_id} (top level or in its tags) under it, and the API reads it when a request names none.
 */
public final class Tenant {

    public static final String DEFAULT_ORG = "default-org";
    public static final String DEFAULT_PROJECT = "default-project";

    private Tenant() {
    }
}
