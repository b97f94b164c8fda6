package dev.opa.agent.api;

import java.util.Map;
import java.util.Set;
import org.apache.camel.ExchangeProperty;

/** GET /api/sql (statements grouped by fingerprint) and /api/sql/n-plus-one. */
public final class SqlApi {

    static final int DEFAULT_THRESHOLD = 10;

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
        return pages.page("sql_n_plus_one", common(ApiParams.of(params)));
    }

    private static Map<String, Object> common(ApiParams in) {
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("service", in.text("service"));
        p.put("threshold", in.intValue("threshold", DEFAULT_THRESHOLD, 2, 1_000_000));
        return p;
    }
}
