package dev.opa.agent.api;

import java.util.Map;
import org.apache.camel.ExchangeProperty;

/** GET /api/errors (groups by fingerprint) and /api/errors/{fingerprint} (occurrences). */
public final class ErrorsApi {

    private final Pages pages;

    public ErrorsApi(QueryRunner queries) {
        this.pages = new Pages(queries);
    }

    public Map<String, Object> groups(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("service", in.text("service"));
        return pages.page("error_groups", p);
    }

    public Map<String, Object> instances(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("fingerprint", in.required("fingerprint"));
        Map<String, Object> page = pages.page("error_instances", p);
        JsonColumns.parse(Pages.items(page), "stack_trace", "tags");
        return page;
    }
}
