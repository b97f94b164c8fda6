package dev.opa.agent.api;

/** A request parameter is missing or invalid; answered with 400 and this message. */
public final class BadRequestException extends RuntimeException {
    public BadRequestException(String message) {
        super(message);
    }
}
