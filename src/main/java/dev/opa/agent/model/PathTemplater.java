package dev.opa.agent.model;

import java.net.URI;
import java.util.regex.Pattern;

/** Splits an outgoing call's URL into host and a path template where id-like segments become {@code {id}}. */
public final class PathTemplater {

    private static final Pattern ID_SEGMENT = Pattern.compile(
            "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?=[^/]*\\d)[0-9a-fA-F]{8,}");

    /** Host (with port when not default) and templated path of a URL. */
    public record Target(String host, String pathTemplate) {
    }

    private PathTemplater() {
    }

    public static Target of(String url) {
        String host = "";
        String path = url;
        try {
            URI uri = URI.create(url.trim());
            if (uri.getHost() != null) {
                host = uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
            }
            path = uri.getRawPath() == null ? "" : uri.getRawPath();
        } catch (IllegalArgumentException e) {
            int q = url.indexOf('?');
            path = q >= 0 ? url.substring(0, q) : url;
        }
        return new Target(host, template(path.isEmpty() ? "/" : path));
    }

    public static String template(String path) {
        String[] parts = path.split("/", -1);
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(!parts[i].isEmpty() && ID_SEGMENT.matcher(parts[i]).matches() ? "{id}" : parts[i]);
        }
        return out.toString();
    }
}
