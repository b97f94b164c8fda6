package dev.opa.agent.api;

import dev.opa.agent.model.Tenant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request parameters of one API call (query and path parameters, as Camel headers), read with
 * the validation of docs/api.md. Every invalid value raises {@link BadRequestException} naming the parameter.
 */
public final class ApiParams {

    static final long DEFAULT_RANGE_MS = 3_600_000L;
    /** 9999-12-31T23:59:59.999Z: beyond it the stores' timestamp types overflow. */
    static final long MAX_EPOCH_MS = 253_402_300_799_999L;
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    static final int MAX_OFFSET = 1_000_000;
    static final int MAX_TEXT = 1000;

    private final Map<String, Object> values;
    private final long nowMs;

    public ApiParams(Map<String, Object> values, long nowMs) {
        this.values = values;
        this.nowMs = nowMs;
    }

    public static ApiParams of(Map<String, Object> values) {
        return new ApiParams(values, System.currentTimeMillis());
    }

    /** :org, :project, :from_ms, :to_ms — the parameters every listing query takes. */
    public Map<String, Object> rangeAndTenant() {
        Map<String, Object> p = tenant();
        long to = longValue("to", nowMs);
        long from = longValue("from", to - DEFAULT_RANGE_MS);
        if (from < 0 || to < 0 || from > MAX_EPOCH_MS || to > MAX_EPOCH_MS) {
            throw new BadRequestException("from and to must be epoch milliseconds from 0 to " + MAX_EPOCH_MS);
        }
        if (from >= to) {
            throw new BadRequestException("from must be before to");
        }
        p.put("from_ms", from);
        p.put("to_ms", to);
        return p;
    }

    /** :org, :project. */
    public Map<String, Object> tenant() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("org", name("org", Tenant.DEFAULT_ORG));
        p.put("project", name("project", Tenant.DEFAULT_PROJECT));
        return p;
    }

    /** Adds :limit and :offset. */
    public Map<String, Object> paged(Map<String, Object> p) {
        p.put("limit", intValue("limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
        p.put("offset", intValue("offset", 0, 0, MAX_OFFSET));
        return p;
    }

    /** An optional free-text value (NULL when absent or empty), length-limited. */
    public String text(String name) {
        String v = single(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.length() > MAX_TEXT) {
            throw new BadRequestException(name + " is longer than " + MAX_TEXT + " characters");
        }
        return v;
    }

    /** A required identifier-like value (path parameters, tenant names). */
    public String required(String name) {
        String v = text(name);
        if (v == null) {
            throw new BadRequestException(name + " is required");
        }
        return v;
    }

    /** One of a fixed set of words, or the default when absent. */
    public String choice(String name, String defaultValue, Set<String> allowed) {
        String v = text(name);
        if (v == null) {
            return defaultValue;
        }
        if (!allowed.contains(v)) {
            throw new BadRequestException(name + " must be one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return v;
    }

    /** An optional non-negative number (NULL when absent). */
    public Double nonNegative(String name) {
        String v = text(name);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d) && d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(name + " must be a non-negative number");
    }

    public int intValue(String name, int defaultValue, int min, int max) {
        String v = text(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException(name + " must be an integer from " + min + " to " + max);
    }

    public long longValue(String name, long defaultValue) {
        String v = text(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRequestException(name + " must be an integer (epoch milliseconds)");
        }
    }

    /** Every value of a repeatable parameter. */
    public List<String> all(String name) {
        Object v = values.get(name);
        List<String> out = new ArrayList<>();
        if (v instanceof Iterable<?> many) {
            many.forEach(item -> out.add(String.valueOf(item)));
        } else if (v != null) {
            out.add(String.valueOf(v));
        }
        return out;
    }

    private String name(String name, String defaultValue) {
        String v = text(name);
        if (v == null) {
            return defaultValue;
        }
        if (v.length() > 200) {
            throw new BadRequestException(name + " is longer than 200 characters");
        }
        return v;
    }

    private String single(String name) {
        Object v = values.get(name);
        if (v instanceof List<?> many) {
            if (many.size() != 1) {
                throw new BadRequestException(name + " must be given once");
            }
            v = many.get(0);
        }
        return v == null ? null : String.valueOf(v);
    }
}
