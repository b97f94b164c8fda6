package dev.opa.agent.boot;

/**
 * Something the agent needs at start is not available. The message is the one line the operator sees
 * ({@link dev.opa.agent.Main} prints it and exits non-zero): what failed, why, and the setting to change.
 */
public final class StartupFailure extends RuntimeException {

    public StartupFailure(String what, String setting, Throwable cause) {
        super(what + ": " + reason(cause) + " (change " + setting + ")", cause);
    }

    public StartupFailure(String what, String setting, String reason) {
        super(what + ": " + reason + " (change " + setting + ")");
    }

    /** One line for a failure nobody named a setting for: the root cause. */
    public static String describe(Throwable t) {
        return reason(t);
    }

    static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        String type = root.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message.strip().replaceAll("\\s+", " ");
    }

    /** The first StartupFailure in a cause chain, if any. */
    public static StartupFailure in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StartupFailure failure) {
                return failure;
            }
        }
        return null;
    }
}
