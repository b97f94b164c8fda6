package dev.opa.agent.api;

import java.util.Map;
import org.apache.camel.ExchangeProperty;

/** GET /api/dumps: opa_dump() output, newest first. */
public final class DumpsApi {

    private final Pages pages;

    public DumpsApi(QueryRunner queries) {
        this.pages = new Pages(queries);
    }

    public Map<String, Object> search(@ExchangeProperty(ApiRequest.PARAMS) Map<String, Object> params) {
        ApiParams in = ApiParams.of(params);
        Map<String, Object> p = in.paged(in.rangeAndTenant());
        p.put("service", in.text("service"));
        p.put("trace_id", in.text("trace_id") == null ? null : TracesApi.traceId(in.text("trace_id")));
        return pages.page("dumps", p);
    }
}
