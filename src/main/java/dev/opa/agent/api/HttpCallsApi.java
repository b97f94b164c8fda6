package dev.opa.agent.api;

import java.util.Map;
import org.apache.camel.ExchangeProperty;

/** GET /api/http: outgoing HTTP calls grouped by host, path template and method. */
public final class HttpCallsApi {

    private final Pages pages;

    public HttpCallsApi(QueryRunner queries) {
        this.pages = new Pages(queries);
    }

    public Map<String, Object> groups(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("service", in.text("service"));
        return pages.page("http_groups", p);
    }
}
