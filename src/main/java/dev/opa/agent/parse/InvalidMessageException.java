package dev.opa.agent.parse;

/** A message that cannot be accepted; {@code reason} is the counter tag. */
public class InvalidMessageException extends Exception {

    private final String reason;

    public InvalidMessageException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
