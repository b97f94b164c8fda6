package dev.opa.agent.config;

/**
 * A TCP listen address in the protocol's forms (§1): {@code host:port}, {@code [v6]:port},
 * {@code :port} (all interfaces) and the legacy {@code port} (127.0.0.1).
 */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty listen address");
        }
        if (s.chars().allMatch(Character::isDigit)) {
            return new ListenAddress("127.0.0.1", port(s, text));
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen address needs host:port, got '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        return new ListenAddress(host, port(s.substring(colon + 1), text));
    }

    private static int port(String digits, String original) {
        try {
            int p = Integer.parseInt(digits);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in listen address '" + original + "'");
        }
    }
}
