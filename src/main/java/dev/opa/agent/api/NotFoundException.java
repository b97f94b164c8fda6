package dev.opa.agent.api;

/** The addressed resource does not exist; answered with 404. */
public final class NotFoundException extends RuntimeException {
    public NotFoundException() {
        super("not found");
    }
}
