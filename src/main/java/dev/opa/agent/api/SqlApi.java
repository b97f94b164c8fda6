package dev.opa.agent.api;

import java.util.Map;
import java.util.Set;
import org.apache.camel.ExchangeProperty;

/** GET /api/sql (statements grouped by fingerprint) and /api/sql/n-plus-one. */
public final class SqlApi {

    /**
     * N+1: one statement shape (fingerprint) run at least this many times in one trace. The SQL page's default
     * and the trace view's mark; both read it from the API ({@code threshold}, {@code n_plus_one_threshold}).
     */
    public static final int N_PLUS_ONE_THRESHOLD = 10;

    private final Pages pages;

    public SqlApi(QueryRunner queries) {
        this.pages = new Pages(queries);
    }

    public Map<String, Object> groups(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = common(in);
        p.put("sort", in.choice("sort", "total", Set.of("total", "count", "avg", "p95")));
        return pages.page("sql_groups", p);
    }

    public Map<String, Object> nPlusOne(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        Map<String, Object> p = common(ApiParams.of(params));
        Map<String, Object> page = pages.page("sql_n_plus_one", p);
        page.put("threshold", p.get("threshold"));
        return page;
    }

    private static Map<String, Object> common(ApiParams in) {
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("service", in.text("service"));
        p.put("threshold", in.intValue("threshold", N_PLUS_ONE_THRESHOLD, 2, 1_000_000));
        return p;
    }
}
