package dev.opa.agent.api;

/** An API call without the configured bearer token; answered with 401. */
public final class UnauthorizedException extends RuntimeException {
    public UnauthorizedException() {
        super("unauthorized");
    }
}
