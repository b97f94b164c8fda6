package dev.opa.agent.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.ExchangeProperty;

/** GET /api/services, /api/services/{service}/timeseries, /api/services/{service}/endpoints. */
public final class ServicesApi {

    static final int TARGET_POINTS = 60;
    static final int MAX_POINTS = 2000;
    /** Bucket widths (seconds) the automatic interval picks from: round numbers on a clock. */
    private static final int[] NICE_SECONDS = {1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
        10800, 21600, 43200, 86400};

    private final QueryRunner queries;

    public ServicesApi(QueryRunner queries) {
        this.queries = queries;
    }

    public Map<String, Object> services(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        Map<String, Object> p = ApiParams.of(params).rangeAndTenant();
        var rows = queries.query("services", p);
        return Pages.list(rows, rows.size());
    }

    public Map<String, Object> timeseries(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.rangeAndTenant();
        p.put("service", in.required("service"));
        long span = (Long) p.get("to_ms") - (Long) p.get("from_ms");
        int interval = in.intValue("interval", autoInterval(span), 1, 31 * 86400);
        if (span / (interval * 1000L) > MAX_POINTS) {
            throw new BadRequestException("interval too small: more than " + MAX_POINTS + " points in the range");
        }
        p.put("interval_ms", interval * 1000L);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("interval", interval);
        out.put("items", queries.query("service_timeseries", p));
        return out;
    }

    public Map<String, Object> endpoints(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.rangeAndTenant();
        p.put("service", in.required("service"));
        p.put("sort", in.choice("sort", "requests", Set.of("requests", "p95", "errors", "name")));
        var rows = queries.query("service_endpoints", p);
        return Pages.list(rows, rows.size());
    }

    /** The smallest round interval giving at most about {@link #TARGET_POINTS} buckets. */
    static int autoInterval(long rangeMs) {
        long wanted = (long) Math.ceil(rangeMs / 1000.0 / TARGET_POINTS);
        for (int s : NICE_SECONDS) {
            if (s >= wanted) {
                return s;
            }
        }
        return (int) Math.min(31L * 86400, ((wanted + 86399) / 86400) * 86400);
    }
}
